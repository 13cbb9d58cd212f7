/**
 * `berth doctor`: every check, in a fixed order. An unreachable engine is a FAIL of its own, and
 * the checks that need it are not run; the host's own checks still are.
 */
import type { ProjectSpec } from "../../compose/model.js";
import { daemonInfo } from "../../engine/diagnostics-queries.js";
import type { Engine } from "../../engine/engine.js";
import { chooseEngine } from "../../engine/connect.js";
import type { EngineChoice } from "../../engine/discovery.js";
import { fail, pass, type DoctorCheck } from "./check.js";
import { cgroupCheck, diskCheck, memoryCheck, storageCheck, versionCheck } from "./engine-checks.js";
import { portRangeChecks, staleLockCheck } from "./host-checks.js";
import { addressPoolChecks } from "./network-checks.js";
import { containerCapCheck, imageChecks, orphanCheck } from "./project-checks.js";
import { staleNetworkCheck } from "./stale-networks.js";

export interface DoctorInput {
  connect: () => Promise<Engine>;
  env: Record<string, string | undefined>;
  /** The compose project whose images to check, when one was found or given. */
  spec?: ProjectSpec;
  signal?: AbortSignal;
}

export interface DoctorReport {
  checks: DoctorCheck[];
  engineReachable: boolean;
}

/** A check that throws (an engine error midway) is reported as a FAIL naming the error. */
async function guarded(name: string, run: () => Promise<DoctorCheck | DoctorCheck[]>): Promise<DoctorCheck[]> {
  try {
    const r = await run();
    return Array.isArray(r) ? r : [r];
  } catch (error) {
    const e = error as Error & { hint?: string };
    return [fail(name, `could not check: ${e.message}`, e.hint ?? "Re-run `berth doctor`; check the engine's log if it persists.")];
  }
}

/** The engine discovery would choose; undefined when the choice itself fails (the connect error says why). */
function choiceOrUndefined(env: Record<string, string | undefined>): EngineChoice | undefined {
  try {
    return chooseEngine({ env });
  } catch {
    return undefined;
  }
}

/** "engine choice": which engine berth uses and why, and where its published ports are reached. */
export function choiceCheck(choice: EngineChoice | undefined, engine?: Engine): DoctorCheck | undefined {
  if (!choice) return undefined;
  const reach = engine?.reach;
  const ports = !reach?.publishedHost
    ? ""
    : `; published ports are reported at ${reach.publishedHost}${reach.overridden ? " (host override)" : ""}${reach.bindHostIp ? ` and bind on ${reach.bindHostIp} when the file names no address` : ""}`;
  return pass(
    "engine choice",
    `${choice.host}: ${choice.why}${choice.tls ? `, TLS${choice.tls.verify ? "" : " without verification"} from ${choice.tls.from}` : ""}${ports}`,
  );
}

export async function runDoctor(input: DoctorInput): Promise<DoctorReport> {
  const { env, signal } = input;
  let engine: Engine | undefined;
  let engineFailure: DoctorCheck | undefined;
  try {
    engine = await input.connect();
  } catch (error) {
    const e = error as Error & { hint?: string };
    engineFailure = fail("engine", e.message, e.hint ?? "Start the engine or point DOCKER_HOST at a running one.");
  }
  const choice = engine ? engine.placement.choice : choiceOrUndefined(env);
  const endpoint = engine?.endpoint ?? choice?.host ?? env.DOCKER_HOST ?? "unix://";
  const local = endpoint.startsWith("unix://");
  const host = [...portRangeChecks(env, local), staleLockCheck(env)];
  if (!engine) {
    // Why berth looked there, next to what it found: the engine that was chosen did not answer.
    const why = choice && !engineFailure!.detail.includes(choice.why) ? ` (berth chose ${choice.host}: ${choice.why})` : "";
    return { checks: [{ ...engineFailure!, detail: engineFailure!.detail + why }, ...host], engineReachable: false };
  }
  const chosen = choiceCheck(choice, engine);

  const e = engine;
  const info = await daemonInfo(e, { signal }).catch(() => null);
  if (!info)
    return {
      checks: [fail("engine", `the engine at ${e.endpoint} answered the version call but not /info`, "Check the daemon's log; it may be overloaded."), ...host],
      engineReachable: true,
    };
  const groups = await Promise.all([
    guarded("subnet pool", () => addressPoolChecks(e, env, signal)),
    guarded("berth containers", () => containerCapCheck(e, env, signal)),
    guarded("orphans", () => orphanCheck(e, signal)),
    guarded("stale networks", () => staleNetworkCheck(e, signal)),
    input.spec ? guarded("images", () => imageChecks(e, input.spec!, env, signal)) : Promise.resolve([]),
  ]);
  return {
    engineReachable: true,
    checks: [
      ...(chosen ? [chosen] : []),
      versionCheck(e, info),
      storageCheck(info),
      cgroupCheck(info),
      memoryCheck(e, info, env),
      diskCheck(e, info),
      ...groups[0],
      ...host,
      ...groups[1],
      ...groups[2],
      ...groups[3],
      ...groups[4],
    ],
  };
}
