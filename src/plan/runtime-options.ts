/**
 * The runtime options of a service (limits, capabilities, logging, DNS, …) in berth's own terms,
 * and the keys berth cannot honour on a single engine, rejected with the service and key named
 * rather than silently dropped. Pure.
 */
import type { ProjectSpec, ServiceSpec } from "../compose/model.js";
import type { RuntimeOptions } from "../engine/types.js";
import type { SourceProblem } from "../errors.js";

const NANO = 1e9;

function restartFromDeploy(s: ServiceSpec): string | undefined {
  if (s.restart) return s.restart;
  const rp = s.deploy?.restart_policy;
  if (!rp?.condition) return undefined;
  if (rp.condition === "none") return "no";
  if (rp.condition === "any") return "always";
  return rp.max_attempts ? `on-failure:${rp.max_attempts}` : "on-failure";
}

/** The restart policy the container gets: `restart:` or, failing that, `deploy.restart_policy`. */
export function effectiveRestart(s: ServiceSpec): string | undefined {
  return restartFromDeploy(s);
}

export function runtimeOptions(s: ServiceSpec): RuntimeOptions {
  const limits = s.deploy?.resources?.limits;
  const reservations = s.deploy?.resources?.reservations;
  const cpus = s.cpus ?? limits?.cpus;
  return {
    memoryBytes: s.mem_limit ?? limits?.memory,
    memoryReservationBytes: s.mem_reservation ?? reservations?.memory,
    memorySwapBytes: s.memswap_limit,
    nanoCpus: cpus !== undefined && cpus > 0 ? Math.round(cpus * NANO) : undefined,
    cpuShares: s.cpu_shares,
    cpuQuota: s.cpu_quota,
    cpuPeriod: s.cpu_period,
    cpusetCpus: s.cpuset,
    pidsLimit: s.pids_limit ?? limits?.pids,
    shmSizeBytes: s.shm_size,
    oomKillDisable: s.oom_kill_disable,
    oomScoreAdj: s.oom_score_adj,
    capAdd: s.cap_add,
    capDrop: s.cap_drop,
    extraHosts: s.extra_hosts,
    dns: s.dns,
    dnsSearch: s.dns_search,
    dnsOptions: s.dns_opt,
    securityOpt: s.security_opt,
    sysctls: s.sysctls,
    ulimits: s.ulimits
      ? Object.entries(s.ulimits)
          .map(([name, l]) => ({ name, soft: l.soft, hard: l.hard }))
          .sort((a, b) => a.name.localeCompare(b.name))
      : undefined,
    logConfig:
      s.logging?.driver || s.logging?.options
        ? {
            type: s.logging.driver ?? "json-file",
            config: Object.fromEntries(Object.entries(s.logging.options ?? {}).filter((e): e is [string, string] => e[1] !== null)),
          }
        : undefined,
    privileged: s.privileged,
    groupAdd: s.group_add,
    devices: s.devices?.map((d) => ({ pathOnHost: d.source, pathInContainer: d.target, cgroupPermissions: d.permissions ?? "rwm" })),
    tty: s.tty,
    openStdin: s.stdin_open,
    domainname: s.domainname,
    macAddress: s.mac_address,
    ipcMode: s.ipc,
    pidMode: s.pid,
    utsMode: s.uts,
    usernsMode: s.userns_mode,
    cgroupParent: s.cgroup_parent,
    runtime: s.runtime,
  };
}

/** Keys berth does not (yet) support on one engine; each becomes a problem naming service and key. */
const UNSUPPORTED: { key: keyof ServiceSpec; why: string; fix: string }[] = [
  { key: "volumes_from", why: "sharing another container's volumes is not supported", fix: "mount the same named volume in both services" },
  { key: "external_links", why: "links to containers outside the environment would break its isolation", fix: "attach an external network instead" },
  { key: "post_start", why: "lifecycle hooks are not supported yet", fix: "run the command from the service's entrypoint" },
  { key: "pre_stop", why: "lifecycle hooks are not supported yet", fix: "handle the stop signal in the service" },
  { key: "gpus", why: "GPU requests are not supported", fix: "remove gpus:" },
  { key: "models", why: "AI models are not supported", fix: "remove models:" },
  { key: "provider", why: "provider services are not supported", fix: "remove provider:" },
  { key: "use_api_socket", why: "handing the engine's socket to a container would let it escape the environment", fix: "remove use_api_socket:" },
];

export function unsupportedProblems(spec: ProjectSpec): SourceProblem[] {
  const problems: SourceProblem[] = [];
  const file = spec.files[0] ?? "compose.yaml";
  for (const s of Object.values(spec.services)) {
    for (const u of UNSUPPORTED) {
      const v = s[u.key];
      if (v !== undefined && !(Array.isArray(v) && v.length === 0)) {
        problems.push({ file, path: `services.${s.name}.${u.key}`, message: u.why, hint: u.fix });
      }
    }
    if (s.network_mode && /^(service|container):/.test(s.network_mode)) {
      problems.push({
        file,
        path: `services.${s.name}.network_mode`,
        message: `network_mode "${s.network_mode}" (sharing another container's network stack) is not supported`,
        hint: "put both services on the same network and reach the other by its service name",
      });
    }
    for (const ref of [...(s.secrets ?? []).map((r) => ["secrets", r.source] as const), ...(s.configs ?? []).map((r) => ["configs", r.source] as const)]) {
      const [kind, name] = ref;
      const obj = spec[kind]?.[name];
      if (obj && !obj.file && !obj.external) {
        problems.push({
          file,
          path: `${kind}.${name}`,
          message: `${kind.slice(0, -1)} ${name} has no file: berth mounts ${kind} from files only`,
          hint: `give it \`file: ./path\``,
        });
      }
      if (obj?.external) {
        problems.push({
          file,
          path: `${kind}.${name}`,
          message: `external ${kind} are swarm objects and do not exist on a single engine`,
          hint: "use `file:` instead",
        });
      }
    }
  }
  return problems;
}

/** Secret and config files as read-only bind mounts where Compose puts them. */
export function fileRefMounts(spec: ProjectSpec, s: ServiceSpec): { source: string; target: string }[] {
  const out: { source: string; target: string }[] = [];
  for (const r of s.secrets ?? []) {
    const file = spec.secrets?.[r.source]?.file;
    if (file) out.push({ source: file, target: r.target?.startsWith("/") ? r.target : `/run/secrets/${r.target ?? r.source}` });
  }
  for (const r of s.configs ?? []) {
    const file = spec.configs?.[r.source]?.file;
    if (file) out.push({ source: file, target: r.target?.startsWith("/") ? r.target : `/${r.target ?? r.source}` });
  }
  return out;
}
