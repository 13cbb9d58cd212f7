/** `up` and `run` alike: load the project, acquire it while showing progress, and hand back both. */
import type { Environment } from "../lifecycle/environment.js";
import type { EnvironmentKind, Lifetime } from "../labels.js";
import type { PortStrategy } from "../ports/strategy.js";
import type { PullOverride } from "../images/pull-policy.js";
import { parseTimeout, type CliContext, type GlobalOptions } from "./context.js";
import { createReporter, type Reporter } from "./progress/reporter.js";
import { loadSpec } from "./target.js";
import { selectServices } from "../lifecycle/select-services.js";
import { DEFAULT_READY_TIMEOUT_MS } from "../lifecycle/timeouts.js";

export interface AcquireCliOptions {
  lifetime: Lifetime;
  kind?: EnvironmentKind;
  keepOnFailure?: boolean;
  ports?: PortStrategy;
  scale?: Record<string, number>;
  build?: boolean;
  /** --pull: replaces every service's pull_policy. */
  pull?: PullOverride;
  forceRecreate?: boolean;
  /** false (`--no-wait`): refuse at once when the engine has no capacity, instead of waiting in its queue. */
  waitForCapacity?: boolean;
  /** Only these services and their dependencies (`up SERVICE…`). */
  services?: string[];
  /** Where NDJSON events go under --json. */
  jsonOut?: (line: string) => void;
}

export async function acquireWithProgress(
  ctx: CliContext,
  g: GlobalOptions,
  o: AcquireCliOptions,
): Promise<{ env: Environment; reporter: Reporter; elapsedMs: number }> {
  const t0 = Date.now();
  const timeoutMs = parseTimeout(g.timeout, DEFAULT_READY_TIMEOUT_MS);
  // Connecting and loading the lifecycle modules wait on I/O: let them overlap the file's loading.
  // A bad file is still reported first; a failure of these early starts surfaces only after it.
  const early = Promise.all([import("../lifecycle/acquire.js"), ctx.engine()]);
  early.catch(() => undefined);
  // The subset first: the progress view shows only what will run.
  const spec = selectServices(await loadSpec(ctx, g), o.services);
  const services = Object.values(spec.services).map((s) => ({ name: s.name, dependsOn: Object.keys(s.depends_on) }));
  const reporter = createReporter(ctx, g, services, t0, o.jsonOut);
  const [{ acquireProject }, engine] = await early;
  try {
    const env = await acquireProject(spec, {
      env: ctx.env,
      inheritEnv: false, // ctx.env is the CLI's whole environment already
      projectName: g.projectName,
      kind: o.kind,
      lifetime: o.lifetime,
      timeoutMs,
      keepOnFailure: o.keepOnFailure,
      ports: o.ports,
      scale: o.scale,
      forceRecreate: o.forceRecreate,
      build: o.build,
      pull: o.pull,
      waitForCapacity: o.waitForCapacity,
      services: o.services,
      engine,
      signal: ctx.signal,
      onEvent: reporter.onEvent,
    });
    return { env, reporter, elapsedMs: Date.now() - t0 };
  } finally {
    reporter.finish();
  }
}
