/**
 * reconcile(spec, observed) → Plan. Pure: given the project and what the engine already holds for
 * it (selected by labels), decide every step and say why.
 */
import type { ProjectSpec, ServiceSpec } from "../compose/model.js";
import { dependencyLevels } from "./graph.js";
import { containerName, networkName, volumeName } from "./naming.js";
import type { Plan, ReadyMode, Step } from "./plan.js";
import { byText } from "../text-order.js";

export interface ObservedContainer {
  id: string;
  name: string;
  service: string;
  number: number;
  running: boolean;
  configHash: string;
  /** Its mounts (anonymous volumes have 64-hex names): a container with any holds data a recreate could lose. */
  mounts?: ObservedMount[];
}

export interface ObservedMount {
  type: string;
  name?: string;
  destination?: string;
  readOnly?: boolean;
}

/** Anonymous volumes (an image's VOLUME, or `- /data` without a source) are named by the engine with 64 hex digits. */
export const isAnonymousVolume = (m: ObservedMount): boolean => m.type === "volume" && !!m.name && /^[0-9a-f]{64}$/.test(m.name);

/** Whether removing the container could lose data: it mounts a named or anonymous volume or a host directory. */
export const holdsData = (c: ObservedContainer): boolean => dataMounts(c).length > 0;

/** Mounts that may hold data: volumes, and host directories mounted writable (a read-only secret file is not data). */
const dataMounts = (c: ObservedContainer): ObservedMount[] => (c.mounts ?? []).filter((m) => m.type === "volume" || (m.type === "bind" && !m.readOnly));

export interface Observed {
  networks: Record<string, { id: string; name: string }>;
  volumes: Record<string, { name: string }>;
  containers: ObservedContainer[];
}

export const EMPTY_OBSERVED: Observed = { networks: {}, volumes: {}, containers: [] };

export interface ReconcileInput {
  project: string;
  spec: ProjectSpec;
  observed: Observed;
  /** Per service: the hash of its configuration, stored as a label to detect changes. */
  serviceHashes: Record<string, string>;
  /** Recreate containers whose configuration changed even when they hold data (`up --force-recreate`). */
  forceRecreate?: boolean;
}

/** A container whose configuration changed but that holds data: recreated only with `forceRecreate`. */
export interface HeldRecreate {
  target: string;
  service: string;
  mounts: string[];
}

export interface UpPlan extends Plan {
  /** Recreates refused because the container holds data and `forceRecreate` was not given; the plan keeps these containers. */
  held: HeldRecreate[];
}

/** Network keys a service attaches to ("default" when the file names none). */
export function serviceNetworkKeys(service: ServiceSpec): string[] {
  const keys = Object.keys(service.networks);
  return keys.length ? keys.sort() : ["default"];
}

/** Networks the project needs: those its services use, minus external ones (which must exist). */
export function projectNetworkKeys(spec: ProjectSpec): string[] {
  const used = new Set<string>();
  for (const s of Object.values(spec.services)) serviceNetworkKeys(s).forEach((k) => used.add(k));
  return [...used].sort();
}

/** Named volumes the services mount (by model key). */
export function projectVolumeKeys(spec: ProjectSpec): string[] {
  const used = new Set<string>();
  for (const s of Object.values(spec.services)) {
    for (const v of s.volumes) if (v.type === "volume" && v.source && v.source in spec.volumes) used.add(v.source);
  }
  return [...used].sort();
}

/** The readiness each service must reach: completed when a dependant asks for it, else healthy. */
export function readyModes(spec: ProjectSpec): Record<string, ReadyMode> {
  const modes: Record<string, ReadyMode> = {};
  for (const name of Object.keys(spec.services)) modes[name] = "healthy";
  for (const s of Object.values(spec.services)) {
    for (const [dep, d] of Object.entries(s.depends_on)) {
      if (d.condition === "service_completed_successfully" && dep in modes) modes[dep] = "completed";
    }
  }
  return modes;
}

export function reconcileUp(input: ReconcileInput): UpPlan {
  const { project, spec, observed, serviceHashes } = input;
  const steps: Step[] = [];
  const held: HeldRecreate[] = [];
  const infra: string[] = [];

  for (const key of projectNetworkKeys(spec)) {
    const net = spec.networks[key];
    const name = networkName(project, key, net?.name);
    if (net?.external) continue;
    if (observed.networks[key]) continue;
    steps.push({ id: `network:${key}`, kind: "create-network", target: name, key, after: [], reason: "none exists" });
    infra.push(`network:${key}`);
  }
  for (const key of projectVolumeKeys(spec)) {
    const vol = spec.volumes[key];
    if (vol?.external || observed.volumes[key]) continue;
    const name = volumeName(project, key, vol?.name);
    steps.push({ id: `volume:${key}`, kind: "create-volume", target: name, key, after: [], reason: "none exists" });
    infra.push(`volume:${key}`);
  }

  const modes = readyModes(spec);
  const numbers = (service: ServiceSpec) => Array.from({ length: service.scale }, (_, i) => i + 1);

  for (const level of dependencyLevels(spec.services)) {
    for (const name of level) {
      const service = spec.services[name]!;
      const gates: string[] = [];
      for (const [dep, d] of Object.entries(service.depends_on).sort(([a], [b]) => byText(a, b))) {
        const depService = spec.services[dep];
        if (!depService) continue; // not required and not enabled: nothing to wait for
        for (const n of numbers(depService)) {
          const target = containerName(project, dep, n);
          gates.push(d.condition === "service_started" ? `start:${target}` : `ready:${target}`);
        }
      }
      for (const n of numbers(service)) {
        const target = containerName(project, name, n);
        const existing = observed.containers.find((c) => c.service === name && c.number === n);
        const createId = `create:${target}`;
        let created = false;
        const changed = existing !== undefined && existing.configHash !== serviceHashes[name];
        if (changed && holdsData(existing) && !input.forceRecreate) {
          held.push({ target, service: name, mounts: dataMounts(existing).map(describeMount) });
        } else if (changed) {
          steps.push({ id: `remove:${target}`, kind: "remove-container", target, service: name, number: n, after: [], reason: "its configuration changed" });
          steps.push({
            id: createId,
            kind: "create-container",
            target,
            service: name,
            number: n,
            after: [...infra, `remove:${target}`],
            reason: "recreate with the new configuration",
          });
          created = true;
        } else if (!existing) {
          steps.push({ id: createId, kind: "create-container", target, service: name, number: n, after: [...infra], reason: "none exists" });
          created = true;
        }
        if (created || !existing?.running) {
          steps.push({
            id: `start:${target}`,
            kind: "start-container",
            target,
            service: name,
            number: n,
            after: [...(created ? [createId] : []), ...gates],
            reason: gates.length ? `dependencies ready (${Object.keys(service.depends_on).sort().join(", ")})` : "no dependencies",
          });
        }
        const started = created || !existing?.running;
        steps.push({
          id: `ready:${target}`,
          kind: "wait-ready",
          target,
          service: name,
          number: n,
          ready: modes[name],
          after: started ? [`start:${target}`] : [],
          reason: modes[name] === "completed" ? "a dependant needs it to complete successfully" : "the environment is ready only when every service is",
        });
      }
    }
  }
  // Replicas beyond the wanted scale go (scale down); so do containers of services no longer enabled.
  for (const c of [...observed.containers].sort((a, b) => byText(a.name, b.name))) {
    const service = spec.services[c.service];
    if (service && c.number <= service.scale) continue;
    steps.push({
      id: `remove:${c.name}`,
      kind: "remove-container",
      target: c.name,
      service: c.service,
      number: c.number,
      after: [],
      reason: service ? `scale of ${c.service} is ${service.scale}` : `service ${c.service} is no longer part of the project`,
    });
  }
  // Steps of existing-and-running containers referenced as start gates need a no-op anchor.
  const ids = new Set(steps.map((s) => s.id));
  for (const s of steps) s.after = s.after.filter((a) => ids.has(a) || !a.startsWith("start:"));
  return { project, steps, held };
}

function describeMount(m: ObservedMount): string {
  const what = m.type === "bind" ? "bind mount" : isAnonymousVolume(m) ? "anonymous volume" : `volume ${m.name}`;
  return m.destination ? `${what} at ${m.destination}` : what;
}
