/**
 * What a swarm cannot do that a single engine can, found before anything is created. Each problem
 * names the service and the key, says why, and what to do instead. Pure.
 */
import type { ProjectSpec, ServiceSpec } from "../compose/model.js";
import { BerthError, type SourceProblem } from "../errors.js";

export interface SwarmCompatOptions {
  /**
   * Allow `endpoint_mode: vip` and `mode: ingress` ports. They need IPVS in every node's kernel;
   * without it a VIP service is created but never answers, so berth refuses them unless told the
   * swarm has it (BERTH_SWARM_ROUTING_MESH=1).
   */
  routingMesh?: boolean;
}

export interface SwarmCompat {
  problems: SourceProblem[];
  /** Things that work differently and are worth a word, e.g. ignored keys. */
  warnings: string[];
}

/** Keys a swarm service has no equivalent for, with the reason given to the user. */
const UNSUPPORTED: [keyof ServiceSpec, string][] = [
  ["privileged", "swarm services cannot run privileged containers"],
  ["devices", "swarm services cannot map host devices"],
  ["network_mode", "swarm services join overlay networks only (network_mode is a single-engine setting)"],
  ["volumes_from", "swarm tasks may run on different nodes, so they cannot share another container's volumes"],
  ["links", "swarm services find each other by service name on their overlay network; links do not exist there"],
  ["pid", "swarm services cannot share a PID namespace"],
  ["ipc", "swarm services cannot share an IPC namespace"],
  ["userns_mode", "swarm services cannot set a user namespace mode"],
  ["cgroup_parent", "swarm services cannot choose a cgroup parent"],
  ["security_opt", "swarm services do not take security_opt"],
  ["post_start", "swarm services have no lifecycle hooks"],
  ["pre_stop", "swarm services have no lifecycle hooks"],
  ["gpus", "berth does not map GPUs onto swarm generic resources"],
  ["shm_size", "swarm services cannot set shm_size (mount a tmpfs at /dev/shm instead)"],
];

function at(spec: ProjectSpec, path: string, message: string, hint?: string): SourceProblem {
  return { file: spec.files[0] ?? "compose.yaml", path, message, hint };
}

function checkService(spec: ProjectSpec, s: ServiceSpec, o: SwarmCompatOptions, out: SwarmCompat): void {
  const p = `services.${s.name}`;
  if (s.build && !s.image) {
    out.problems.push(
      at(
        spec,
        `${p}.build`,
        "a swarm cannot build: every node needs a pre-built image",
        `Build and tag the image, load or push it to every node, and set ${p}.image.`,
      ),
    );
  } else if (s.build) {
    out.warnings.push(`${p}.build is ignored on swarm: ${s.image} must already exist on every node that may run ${s.name}`);
  }
  for (const [key, why] of UNSUPPORTED) {
    const v = s[key];
    if (v !== undefined && v !== false && !(Array.isArray(v) && v.length === 0))
      out.problems.push(at(spec, `${p}.${key}`, why, `Remove ${key} from ${s.name} for swarm, or use --on engine.`));
  }
  s.volumes.forEach((v, i) => {
    const path = `${p}.volumes[${i}]`;
    if (v.type === "bind") {
      out.problems.push(
        at(
          spec,
          path,
          `bind mount of host path ${v.source} → ${v.target}: the path would have to exist on every node the task may run on`,
          "Put the content in a config or secret (configs:/secrets:), an image, or an external volume created on each node.",
        ),
      );
    } else if (v.type === "volume" && v.source && !spec.volumes[v.source]?.external) {
      out.problems.push(
        at(
          spec,
          path,
          `named volume ${v.source}: a swarm creates it separately on every node a task lands on, so its data does not follow the task and berth could not remove it from the other nodes`,
          "Use an anonymous volume or tmpfs for scratch data, pin the service with deploy.placement.constraints and mark the volume external: true (created by you on that node), or use --on engine.",
        ),
      );
    } else if (v.type !== "volume" && v.type !== "tmpfs") {
      out.problems.push(at(spec, path, `mount type ${v.type} is not supported for swarm services by berth`));
    }
  });
  s.ports.forEach((port, i) => {
    const path = `${p}.ports[${i}]`;
    if (port.published?.includes("-"))
      out.problems.push(
        at(
          spec,
          path,
          `published port range ${port.published}: swarm publishes one port per target`,
          "Publish a single port, or leave it out so each task gets a free one.",
        ),
      );
    if (port.mode === "ingress" && !o.routingMesh) {
      out.problems.push(
        at(
          spec,
          `${path}.mode`,
          "ingress (routing mesh) ports need IPVS on every node; berth publishes ports in host mode on swarm (each task on its own node's port)",
          "Remove mode: ingress, or set BERTH_SWARM_ROUTING_MESH=1 if every node's kernel has IPVS (ip_vs).",
        ),
      );
    }
    if (port.host_ip) out.warnings.push(`${path}.host_ip ${port.host_ip} is ignored on swarm: host-mode ports bind every address of the task's node`);
  });
  if (s.deploy?.endpoint_mode === "vip" && !o.routingMesh) {
    out.problems.push(
      at(
        spec,
        `${p}.deploy.endpoint_mode`,
        "vip needs IPVS on every node; without it the virtual IP accepts nothing and clients hang",
        "Remove endpoint_mode (berth uses dnsrr: the service name resolves to every task's address), or set BERTH_SWARM_ROUTING_MESH=1 if every node has IPVS.",
      ),
    );
  }
  if (s.deploy?.mode && s.deploy.mode !== "replicated" && s.deploy.mode !== "global") {
    out.problems.push(at(spec, `${p}.deploy.mode`, `mode ${s.deploy.mode} is not supported by berth on swarm`, "Use replicated or global."));
  }
  for (const [dep, d] of Object.entries(s.depends_on)) {
    if (d.condition === "service_completed_successfully") {
      out.problems.push(
        at(
          spec,
          `${p}.depends_on.${dep}`,
          "one-shot jobs (service_completed_successfully) are not supported on swarm by berth",
          "Run the job before `berth up --on swarm` (e.g. with `berth run`), or make it a long-running service.",
        ),
      );
    }
  }
  for (const key of Object.keys(s.networks)) {
    const net = spec.networks[key];
    if (net?.driver && net.driver !== "overlay")
      out.problems.push(
        at(
          spec,
          `networks.${key}.driver`,
          `${net.driver} networks cannot span nodes; swarm services need overlay networks`,
          "Remove the driver (berth creates an overlay network) or set driver: overlay.",
        ),
      );
  }
  if (s.container_name) out.warnings.push(`${p}.container_name is ignored on swarm: task containers are named by the swarm`);
  if (s.extensions["x-berth"] && (s.extensions["x-berth"] as Record<string, unknown>).ready !== undefined) {
    out.warnings.push(`${p}.x-berth.ready is not run on swarm: a service is ready when its tasks are running and pass the service's healthcheck`);
  }
}

export function checkSwarmCompat(spec: ProjectSpec, o: SwarmCompatOptions = {}): SwarmCompat {
  const out: SwarmCompat = { problems: [], warnings: [] };
  for (const s of Object.values(spec.services).sort((a, b) => a.name.localeCompare(b.name))) checkService(spec, s, o, out);
  for (const [kind, objects] of [
    ["secrets", spec.secrets],
    ["configs", spec.configs],
  ] as const) {
    for (const [key, obj] of Object.entries(objects ?? {})) {
      if (obj.external) continue;
      if (!obj.file && obj.environment === undefined && obj.content === undefined) {
        out.problems.push(at(spec, `${kind}.${key}`, `${kind.slice(0, -1)} ${key} has no file, environment or content to create it from`));
      }
    }
  }
  return out;
}

/** Throws one COMPOSE_INVALID error listing every problem. */
export function assertSwarmCompat(spec: ProjectSpec, o: SwarmCompatOptions = {}): string[] {
  const r = checkSwarmCompat(spec, o);
  if (r.problems.length) {
    const first = r.problems[0]!;
    throw new BerthError(
      "COMPOSE_INVALID",
      `${r.problems.length === 1 ? "the project" : `${r.problems.length} things in the project`} cannot run on swarm: ${first.path}: ${first.message}`,
      {
        hint: first.hint ?? "Change the file for swarm, or deploy it with --on engine.",
        problems: r.problems,
      },
    );
  }
  return r.warnings;
}
