export { saveSnapshot } from "./save.js";
export { restoreSnapshot } from "./restore.js";
export { listSnapshots, removeSnapshot } from "./list.js";
export { SNAPSHOT_LABEL } from "./labels.js";
export type { SnapshotInfo } from "./model.js";
export type { RestoreSnapshotOptions, SaveSnapshotOptions, SnapshotOptions } from "./options.js";
export type { SnapshotPaths } from "./paths.js";
