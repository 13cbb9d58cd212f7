/**
 * Translations between berth's own types and the Engine API's wire forms (label filters,
 * healthchecks, HostConfig, multiplexed streams, stats). Pure, apart from reading a stream; used
 * only inside src/engine (engine.ts, streams.ts), so its loose shapes never leave it.
 */
import type Docker from "dockerode";
import type { FrameDecoder } from "./stream-frames.js";
import type { HealthcheckConfig, LabelFilter, RuntimeOptions } from "./types.js";

export type { LabelFilter } from "./types.js";

export const NS_PER_MS = 1_000_000;

export function labelFilters(filter: LabelFilter): string[] {
  return Object.entries(filter)
    .map(([k, v]) => (v === true ? k : `${k}=${v}`))
    .sort();
}

export function toHealthcheck(raw: Docker.HealthConfig | undefined): HealthcheckConfig | undefined {
  if (!raw?.Test || raw.Test.length === 0 || raw.Test[0] === "NONE") return undefined;
  return {
    test: raw.Test,
    intervalMs: raw.Interval ? raw.Interval / NS_PER_MS : undefined,
    timeoutMs: raw.Timeout ? raw.Timeout / NS_PER_MS : undefined,
    startPeriodMs: raw.StartPeriod ? raw.StartPeriod / NS_PER_MS : undefined,
    retries: raw.Retries || undefined,
  };
}

/** berth's runtime options in the Engine API's HostConfig form; undefined fields are omitted. */
export function hostConfigOf(r: RuntimeOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {
    Memory: r.memoryBytes,
    MemoryReservation: r.memoryReservationBytes,
    MemorySwap: r.memorySwapBytes,
    NanoCpus: r.nanoCpus,
    CpuShares: r.cpuShares,
    CpuQuota: r.cpuQuota,
    CpuPeriod: r.cpuPeriod,
    CpusetCpus: r.cpusetCpus,
    PidsLimit: r.pidsLimit,
    ShmSize: r.shmSizeBytes,
    OomKillDisable: r.oomKillDisable,
    OomScoreAdj: r.oomScoreAdj,
    CapAdd: r.capAdd,
    CapDrop: r.capDrop,
    ExtraHosts: r.extraHosts,
    Dns: r.dns,
    DnsSearch: r.dnsSearch,
    DnsOptions: r.dnsOptions,
    SecurityOpt: r.securityOpt,
    Sysctls: r.sysctls,
    Ulimits: r.ulimits?.map((u) => ({ Name: u.name, Soft: u.soft, Hard: u.hard })),
    LogConfig: r.logConfig ? { Type: r.logConfig.type, Config: r.logConfig.config } : undefined,
    Privileged: r.privileged,
    GroupAdd: r.groupAdd,
    Devices: r.devices?.map((d) => ({ PathOnHost: d.pathOnHost, PathInContainer: d.pathInContainer, CgroupPermissions: d.cgroupPermissions })),
    IpcMode: r.ipcMode,
    PidMode: r.pidMode,
    UTSMode: r.utsMode,
    UsernsMode: r.usernsMode,
    CgroupParent: r.cgroupParent,
    Runtime: r.runtime,
  };
  return Object.fromEntries(Object.entries(out).filter(([, v]) => v !== undefined));
}

/** Feeds an exec's multiplexed stream to the decoder until it ends; an abort destroys it. */
/** What an aborted stream rejects with: berth aborts with an Error (a DOMException or a BerthError); any other reason becomes the cause. */
export function abortError(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  return reason instanceof Error ? reason : new Error("aborted", reason === undefined ? undefined : { cause: reason });
}

export function drain(stream: NodeJS.ReadableStream & { destroy(): void }, decoder: FrameDecoder, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = () => {
      stream.destroy();
      reject(abortError(signal));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener("abort", onAbort, { once: true });
    const finish = () => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    };
    stream.on("data", (c: Buffer) => decoder.push(c));
    stream.on("end", finish);
    stream.on("close", finish);
    stream.on("error", (e: Error) => {
      signal?.removeEventListener("abort", onAbort);
      reject(e);
    });
  });
}

/** Memory usage without reclaimable page cache: cgroup v1 `total_inactive_file`, v2 `inactive_file`. */
export function memoryInUse(m: { usage?: number; stats?: Record<string, number> }): number {
  const usage = m.usage ?? 0;
  const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file ?? 0;
  return inactive < usage ? usage - inactive : usage;
}

/** Calls `onLine` with each non-empty line of a newline-delimited JSON stream (the events API), however it is chunked. */
export function onJsonLines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let pending = "";
  stream.on("data", (chunk: Buffer) => {
    pending += chunk.toString("utf8");
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (line) onLine(line);
    }
  });
}
