/**
 * Guards checked before an environment is created, so that berth never becomes the reason an
 * engine falls over (the seed incident: daemon crashes, 50+ containers, 6 GB peak memory). Each
 * refusal says what was measured and what to change.
 */
import { readFileSync } from "node:fs";
import type { ProjectSpec, ServiceSpec } from "../compose/model.js";
import { parseBytes } from "../compose/units.js";
import type { Runtime } from "../engine/runtime.js";
import { startEngineHint } from "../engine/errors.js";
import { patientTimeout } from "../engine/patient-timeout.js";
import { BerthError } from "../errors.js";

export interface GuardSettings {
  /** Host memory that must stay available after the environment's declared limits (default 4 GiB; 0 disables). */
  minFreeMemoryBytes: number;
  /**
   * Berth containers allowed on the engine at once, this environment's included; an acquire beyond
   * it waits its turn (admission.ts). "auto" (the default): CONTAINERS_PER_CPU per CPU of the
   * engine's host (this host's for a local engine); 0 disables the cap.
   */
  maxContainers: number | "auto";
  /** How long the engine may take to answer a ping (default 5 s). */
  engineTimeoutMs: number;
}

const GiB = 1024 ** 3;
export const DEFAULT_GUARDS: GuardSettings = { minFreeMemoryBytes: 4 * GiB, maxContainers: "auto", engineTimeoutMs: 5000 };

/**
 * The default cap per CPU of the engine's host. dockerd 20.10 on 2 cores died at ~120 containers
 * with 1 s healthchecks (about 60 per core, docs/guards.md); 24 per core keeps the engine at 40 %
 * of that, and still lets 10 parallel environments of a 4-service stack (40 containers) start
 * without waiting on 2 cores (cap 48).
 */
export const CONTAINERS_PER_CPU = 24;

/** The cap in containers: the setting, or for "auto" CONTAINERS_PER_CPU × the engine's CPUs (ncpu undefined: as for 2). */
export function capFor(setting: number | "auto", ncpu: number | undefined): number {
  if (setting !== "auto") return setting;
  return CONTAINERS_PER_CPU * Math.max(1, ncpu && Number.isFinite(ncpu) ? ncpu : 2);
}

export function formatBytes(n: number): string {
  if (n >= GiB) return `${(n / GiB).toFixed(1)} GiB`;
  return `${Math.round(n / 1024 ** 2)} MiB`;
}

/** Settings from BERTH_MIN_FREE_MEMORY ("4g", "4GiB", "0") and BERTH_MAX_CONTAINERS, over the defaults. */
export function guardSettings(env: Record<string, string | undefined>, given: Partial<GuardSettings> = {}): GuardSettings {
  const mem = env.BERTH_MIN_FREE_MEMORY;
  const memBytes = mem === undefined ? undefined : parseBytes(mem.replace(/ib$/i, "b"));
  if (mem !== undefined && memBytes === undefined) {
    throw new BerthError("USAGE", `BERTH_MIN_FREE_MEMORY=${mem} is not a size`, {
      hint: "Use bytes or a size such as 4g, 512m or 4GiB; 0 disables the memory guard.",
    });
  }
  const max = env.BERTH_MAX_CONTAINERS;
  if (max !== undefined && !/^\d+$/.test(max.trim())) {
    throw new BerthError("USAGE", `BERTH_MAX_CONTAINERS=${max} is not a whole number`, {
      hint: `Use e.g. 20; 0 disables the cap; unset, it is ${CONTAINERS_PER_CPU} per CPU of the engine's host.`,
    });
  }
  return {
    ...DEFAULT_GUARDS,
    ...(memBytes !== undefined ? { minFreeMemoryBytes: memBytes } : {}),
    ...(max !== undefined ? { maxContainers: Number(max) } : {}),
    ...given,
  };
}

function replicas(s: ServiceSpec): number {
  return s.deploy?.replicas ?? s.scale ?? 1;
}

/** Memory limits the environment declares (deploy.resources.limits.memory or mem_limit), all replicas. */
export function declaredMemory(spec: ProjectSpec): number {
  return Object.values(spec.services).reduce((sum, s) => sum + replicas(s) * (s.deploy?.resources?.limits?.memory ?? s.mem_limit ?? 0), 0);
}

/** Containers the environment will have (`scale` overrides the file's replicas, as `up --scale`). */
export function containerCount(spec: ProjectSpec, scale: Record<string, number> = {}): number {
  return Object.values(spec.services).reduce((sum, s) => sum + (scale[s.name] ?? replicas(s)), 0);
}

/** MemAvailable from /proc/meminfo; undefined where there is none. */
export function availableMemory(meminfo?: string): number | undefined {
  let text = meminfo;
  if (text === undefined) {
    try {
      text = readFileSync("/proc/meminfo", "utf8");
    } catch {
      return undefined;
    }
  }
  const m = /^MemAvailable:\s+(\d+) kB$/m.exec(text);
  return m ? Number(m[1]) * 1024 : undefined;
}

/** Pure: the memory verdict, for tests. */
export function checkMemory(available: number, declared: number, floor: number): BerthError | null {
  if (floor === 0 && declared === 0) return null;
  if (available - declared >= floor) return null;
  return new BerthError(
    "GUARD_REFUSED",
    `not enough host memory: ${formatBytes(available)} available, this environment declares ${formatBytes(declared)} of memory limits, and berth keeps ${formatBytes(floor)} free; short by ${formatBytes(floor + declared - available)}`,
    {
      hint: "Free memory (`berth status` and `berth down <project>` for environments you no longer need, `berth clean` for orphans), lower the services' memory limits, or lower the floor with BERTH_MIN_FREE_MEMORY (e.g. 2g; 0 disables it).",
      details: { guard: "memory", availableBytes: available, declaredBytes: declared, floorBytes: floor },
    },
  );
}

/** Pings the engine; ENGINE_UNREACHABLE when it does not answer within `timeoutMs`. */
export async function checkEngine(engine: Pick<Runtime, "endpoint" | "ping">, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const t0 = Date.now();
  // Not AbortSignal.timeout: a berth process starved of CPU (many starting at once) must not take
  // its own stall for the engine's silence (src/engine/patient-timeout.ts).
  const timeout = patientTimeout(timeoutMs);
  try {
    await engine.ping({ signal: signal ? AbortSignal.any([signal, timeout.signal]) : timeout.signal });
  } catch (error) {
    if (signal?.aborted) throw error;
    throw new BerthError(
      "ENGINE_UNREACHABLE",
      `the Docker engine at ${engine.endpoint} did not answer a ping within ${timeoutMs / 1000} s (${(error as Error).message})`,
      {
        hint: `The engine is down or overloaded: check \`docker info\` and the daemon's log. ${startEngineHint(engine.endpoint)}`,
        cause: error,
        details: { guard: "engine" },
      },
    );
  } finally {
    timeout.clear();
  }
  return Date.now() - t0;
}

/**
 * The guards without a queue (no container cap, nothing declared that other acquires must count):
 * the engine answers, and host memory stays above the floor. Host memory is only judged for a
 * local engine (a unix socket): a remote engine's memory is not this host's. With a cap,
 * admission.ts judges instead.
 */
export async function checkGuards(engine: Pick<Runtime, "endpoint" | "ping">, spec: ProjectSpec, settings: GuardSettings, signal?: AbortSignal): Promise<void> {
  await checkEngine(engine, settings.engineTimeoutMs, signal);
  const available = engine.endpoint.startsWith("unix://") ? availableMemory() : undefined;
  if (available !== undefined) {
    const refusal = checkMemory(available, declaredMemory(spec), settings.minFreeMemoryBytes);
    if (refusal) throw refusal;
  }
}
