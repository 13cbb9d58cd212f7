import type { Labels } from "../engine/types.js";
import type { SnapshotPaths } from "./paths.js";
import type { QuiesceOptions } from "./quiesce.js";

export interface SnapshotOptions extends QuiesceOptions {
  /** Environment variables (BERTH_LABELS, BERTH_HELPER_IMAGE); default process.env. */
  env?: Record<string, string | undefined>;
  /** The image of the helper container that copies the data (needs sh, cp, rm, sleep); default BERTH_HELPER_IMAGE, else busybox:1.36. */
  helperImage?: string;
}

export interface SaveSnapshotOptions extends SnapshotOptions {
  /** Replace a snapshot of that name (default: refuse). */
  replace?: boolean;
  /** Extra labels on the snapshot's volumes (a pool marks its own with these). */
  labels?: Labels;
  /**
   * Paths of the services' containers to save too (outside their volumes), per service, e.g.
   * `{ app: ["/srv/state"] }`: each replica's path is kept in a snapshot volume of its own, and
   * restore puts exactly that content back into the same replica (docs/snapshots.md).
   */
  paths?: SnapshotPaths;
}

export interface RestoreSnapshotOptions extends SnapshotOptions {
  /** Take the snapshot of another environment of the same file (default: the one restored into). */
  from?: string;
}
