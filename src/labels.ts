/**
 * The labels berth puts on everything it creates. They are the only source of truth: `down`,
 * `status` and `clean` select by them and never by names, so a lost compose file or a crashed
 * run stays recoverable and a foreign resource can never be selected.
 */
import type { Labels } from "./engine/types.js";

export const LABEL = {
  managed: "dev.berth.managed",
  project: "dev.berth.project",
  service: "dev.berth.service",
  number: "dev.berth.container-number",
  envKind: "dev.berth.env",
  configHash: "dev.berth.config-hash",
  serviceHash: "dev.berth.service-hash",
  createdAt: "dev.berth.created",
  ownerHost: "dev.berth.owner.host",
  ownerPid: "dev.berth.owner.pid",
  ownerStarted: "dev.berth.owner.started",
  /** The user (login name) that created the resource: `berth clean --all` only takes one's own. */
  ownerUser: "dev.berth.owner.user",
  /** ISO time after which the resource is an orphan whoever owns it (lets owners on other hosts expire). */
  expires: "dev.berth.expires",
  /** "process": the environment lives as long as its owner process; "detached": until `down`. */
  lifetime: "dev.berth.lifetime",
  files: "dev.berth.files",
  network: "dev.berth.network",
  volume: "dev.berth.volume",
  /** The services a container's service depends on (comma-separated), so restarts can order dependants without the file. */
  dependsOn: "dev.berth.depends-on",
  /** On the lease volumes that record the users of a shared environment. */
  lease: "dev.berth.lease",
  /** Whether the container's service has a healthcheck berth waits on (for status without a file). */
  healthcheck: "dev.berth.healthcheck",
  /** "true" on a one-shot job's containers (a dependant waits for it to exit 0, or x-berth says `completed`): status reports COMPLETED/FAILED, not STOPPED. */
  job: "dev.berth.job",
  /**
   * "true" on everything a detached acquire (`berth up`, shared environments) creates. Labels cannot
   * change after creation, so completion is told by a record volume (below): a project with pending
   * resources, no record, and a dead acquiring owner was abandoned half-made and is reaped.
   */
  pending: "dev.berth.pending",
  /** "true" on the small volume a detached acquire creates once it has completed: the environment is settled. */
  record: "dev.berth.record",
  /** On the record volume: the replicas each service should have ("api=2,db=1"), so status can tell a missing container. */
  scales: "dev.berth.scales",
  /** "true" on a one-off container (`berth run SERVICE`): not a replica of its service, removed when it exits. */
  oneoff: "dev.berth.oneoff",
  /** On a settled record: the container runs the acquire saw ready (name → the engine's StartedAt), JSON. */
  proven: "dev.berth.proven",
} as const;

/** Values of LABEL.lease: a process's lease ends with it; a pinned one (`berth up`) lasts until `berth down`. */
export const LEASE_KIND = { process: "true", pinned: "pinned" } as const;

/** Docker Compose's own labels, so that `docker-compose -p <project> ps/logs/down` see berth's work. */
export const COMPOSE_LABEL = {
  project: "com.docker.compose.project",
  service: "com.docker.compose.service",
  number: "com.docker.compose.container-number",
  oneoff: "com.docker.compose.oneoff",
  configHash: "com.docker.compose.config-hash",
  network: "com.docker.compose.network",
  volume: "com.docker.compose.volume",
  version: "com.docker.compose.version",
  workingDir: "com.docker.compose.project.working_dir",
  configFiles: "com.docker.compose.project.config_files",
} as const;

export type EnvironmentKind = "test" | "dev" | "prod";
export type Lifetime = "process" | "detached";

export interface Owner {
  host: string;
  pid: number;
  /** Process start time (ms since epoch), so a recycled pid is not mistaken for the owner. */
  started: number;
  /** Login name of the owner's user. */
  user?: string;
}

export interface ProjectLabelInput {
  project: string;
  kind: EnvironmentKind;
  lifetime: Lifetime;
  owner: Owner;
  createdAt: Date;
  configHash: string;
  files: string[];
  workingDir: string;
  /** When set, the resources become orphans at this time whatever happens to their owner. */
  expiresAt?: Date;
}

/** Labels every resource of a project carries. */
export function projectLabels(p: ProjectLabelInput): Labels {
  return {
    [LABEL.managed]: "true",
    [LABEL.project]: p.project,
    [LABEL.envKind]: p.kind,
    [LABEL.lifetime]: p.lifetime,
    [LABEL.ownerHost]: p.owner.host,
    [LABEL.ownerPid]: String(p.owner.pid),
    [LABEL.ownerStarted]: String(p.owner.started),
    [LABEL.createdAt]: p.createdAt.toISOString(),
    ...(p.owner.user ? { [LABEL.ownerUser]: p.owner.user } : {}),
    ...(p.expiresAt ? { [LABEL.expires]: p.expiresAt.toISOString() } : {}),
    [LABEL.configHash]: p.configHash,
    [COMPOSE_LABEL.project]: p.project,
    [COMPOSE_LABEL.workingDir]: p.workingDir,
    [COMPOSE_LABEL.configFiles]: p.files.join(","),
  };
}

/**
 * Labels of something berth makes for a project beside its compose model (a snapshot's copy helper,
 * a pool keeper's marker): BERTH_LABELS, the project's and `owner`'s, with no config of its own, so
 * that `down`, `clean` and the reaper find it like the rest of the project.
 */
export function ownedSideLabels(project: string, owner: Owner, env: Record<string, string | undefined>): Labels {
  return {
    ...extraLabels(env),
    ...projectLabels({ project, kind: "test", lifetime: "process", owner, createdAt: new Date(), configHash: "", files: [], workingDir: "" }),
  };
}

export function containerLabels(base: Labels, service: string, number: number, serviceHash: string, hasHealthcheck: boolean): Labels {
  return {
    ...base,
    [LABEL.service]: service,
    [LABEL.number]: String(number),
    [LABEL.serviceHash]: serviceHash,
    [LABEL.healthcheck]: String(hasHealthcheck),
    [COMPOSE_LABEL.service]: service,
    [COMPOSE_LABEL.number]: String(number),
    [COMPOSE_LABEL.oneoff]: "False",
    [COMPOSE_LABEL.configHash]: serviceHash,
    [COMPOSE_LABEL.version]: "1.29.2",
  };
}

export function networkLabels(base: Labels, key: string): Labels {
  return { ...base, [LABEL.network]: key, [COMPOSE_LABEL.network]: key, [COMPOSE_LABEL.version]: "1.29.2" };
}

/** Filter selecting everything berth manages, optionally one project's. */
export function managedFilter(project?: string): Record<string, string> {
  return project ? { [LABEL.managed]: "true", [LABEL.project]: project } : { [LABEL.managed]: "true" };
}

/**
 * Extra labels from BERTH_LABELS ("key=value,key2=value2"), put on everything berth creates: lets a
 * CI job or a test run find exactly its own resources. They can never replace berth's own labels.
 */
export function extraLabels(env: Record<string, string | undefined>): Labels {
  const out: Labels = {};
  for (const pair of (env.BERTH_LABELS ?? "").split(",")) {
    const eq = pair.indexOf("=");
    const key = (eq < 0 ? pair : pair.slice(0, eq)).trim();
    if (key) out[key] = eq < 0 ? "" : pair.slice(eq + 1).trim();
  }
  return out;
}
