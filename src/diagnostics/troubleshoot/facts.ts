/** What `berth troubleshoot` knows about one container: read from the engine, judged by patterns.ts. */

export interface ContainerFacts {
  service: string;
  container: string;
  /** berth's state: HEALTHY, UNHEALTHY, STARTING, STOPPED, COMPLETED, FAILED. */
  state: string;
  /** The engine's status: created, running, restarting, exited, dead… */
  status: string;
  running: boolean;
  exitCode: number;
  oomKilled: boolean;
  restartCount: number;
  /** The engine's error for the last start (e.g. an executable not found); empty when none. */
  startError: string;
  /** 0 when the container has no memory limit. */
  memoryLimitBytes: number;
  /** none, starting, healthy, unhealthy. */
  health: string;
  /** The engine's health check results, oldest first; berth's own run when the engine has none yet. */
  healthLog: { exitCode: number; output: string }[];
  /** The last lines of the container's output (stdout and stderr interleaved). */
  logLines: string[];
  /** Where volumes and bind mounts are mounted in the container. */
  mounts: { type: string; destination: string; source?: string }[];
  /** Names of the variables set in the container's environment. */
  envNames: string[];
  user: string;
  /** The services this one depends on (from its labels). */
  dependsOn: string[];
  usage?: { cpuPercent: number; memoryBytes: number; memoryLimitBytes: number };
}

/** What the whole environment contributes to judging one container. */
export interface EnvironmentFacts {
  /** Every service of the environment. */
  services: string[];
  /** Container IP address → its service, to name the peer behind a bare address in a log line. */
  addresses: Record<string, string>;
}

export interface Finding {
  /** Stable id: "out-of-memory", "address-in-use", … */
  pattern: string;
  title: string;
  /** What went wrong, in plain words. */
  cause: string;
  /** What to change. */
  fix: string;
  /** The line (or engine fact) that gave it away, and where it was seen. */
  evidence: string;
  source: "logs" | "health check" | "engine";
}
