/**
 * A swarm environment as berth reports it, read from the manager's labels alone (no state file):
 * per service its desired and running task counts, its update state, and per task the node it
 * runs on (with that node's state) and the node address of each published port.
 */
import type { Swarm } from "../engine/swarm.js";
import type { SwarmNode, SwarmServiceSummary, SwarmTask } from "../engine/swarm-types.js";
import { LABEL } from "../labels.js";

export type SwarmServiceState = "READY" | "STARTING" | "DEGRADED" | "UPDATING" | "ROLLING_BACK" | "ROLLED_BACK" | "UPDATE_PAUSED";

export interface SwarmTaskView {
  slot?: number;
  node: string;
  nodeState: string;
  state: string;
  since: string;
  error?: string;
  image: string;
  /** `<node address>:<published port>` for each host-mode port. */
  ports: { address: string; published: number; target: number; protocol: string }[];
}

export interface SwarmServiceView {
  name: string;
  /** The swarm service's own name (`<project>_<service>`). */
  serviceName: string;
  id: string;
  image: string;
  previousImage?: string;
  desired: number;
  running: number;
  state: SwarmServiceState;
  update?: { state: string; message: string };
  tasks: SwarmTaskView[];
}

export interface SwarmNodeView {
  hostname: string;
  role: string;
  state: string;
  availability: string;
  addr: string;
  leader: boolean;
}

export interface SwarmEnvironmentData {
  project: string;
  platform: "swarm";
  endpoint: string;
  kind?: string;
  lifetime?: string;
  createdAt?: string;
  nodes: SwarmNodeView[];
  services: Record<string, SwarmServiceView>;
}

function serviceState(s: SwarmServiceSummary, desired: number, running: number): SwarmServiceState {
  switch (s.update?.state) {
    case "updating":
      return "UPDATING";
    case "rollback_started":
      return "ROLLING_BACK";
    case "paused":
    case "rollback_paused":
      return "UPDATE_PAUSED";
    case "rollback_completed":
      if (running >= desired) return "ROLLED_BACK";
  }
  if (running >= desired) return "READY";
  return running === 0 ? "STARTING" : "DEGRADED";
}

function taskView(t: SwarmTask, nodes: SwarmNode[]): SwarmTaskView {
  const node = nodes.find((n) => n.id === t.nodeId);
  return {
    slot: t.slot,
    node: node?.hostname ?? (t.nodeId ? t.nodeId.slice(0, 12) : "-"),
    nodeState: node?.state ?? "unknown",
    state: t.state,
    since: t.timestamp,
    error: t.error,
    image: t.image,
    ports: t.ports
      .filter((p) => p.published)
      .map((p) => ({ address: `${node?.addr ?? "?"}:${p.published}`, published: p.published, target: p.target, protocol: p.protocol })),
  };
}

export function serviceView(s: SwarmServiceSummary, tasks: SwarmTask[], nodes: SwarmNode[]): SwarmServiceView {
  const current = tasks.filter((t) => t.desiredState === "running");
  const running = current.filter((t) => t.state === "running").length;
  const desired = s.replicas ?? current.length;
  return {
    name: s.labels[LABEL.service] ?? s.name,
    serviceName: s.name,
    id: s.id,
    image: s.image,
    previousImage: s.previousImage,
    desired,
    running,
    state: serviceState(s, desired, running),
    update: s.update ? { state: s.update.state, message: s.update.message } : undefined,
    tasks: current.map((t) => taskView(t, nodes)),
  };
}

export async function readSwarmEnvironment(swarm: Swarm, project: string, signal?: AbortSignal): Promise<SwarmEnvironmentData> {
  const [services, nodes] = await Promise.all([swarm.listServices({ [LABEL.managed]: "true", [LABEL.project]: project }, signal), swarm.listNodes(signal)]);
  const tasks = await swarm.listTasks({ service: services.map((s) => s.id) }, signal);
  const first = services[0]?.labels ?? {};
  const views = services
    .map((s) =>
      serviceView(
        s,
        tasks.filter((t) => t.serviceId === s.id),
        nodes,
      ),
    )
    .sort((a, b) => a.name.localeCompare(b.name));
  return {
    project,
    platform: "swarm",
    endpoint: swarm.endpoint,
    kind: first[LABEL.envKind],
    lifetime: first[LABEL.lifetime],
    createdAt: first[LABEL.createdAt],
    nodes: nodes.map((n) => ({ hostname: n.hostname, role: n.role, state: n.state, availability: n.availability, addr: n.addr, leader: n.leader })),
    services: Object.fromEntries(views.map((v) => [v.name, v])),
  };
}

/** Projects that have berth services on this swarm, sorted. */
export async function listSwarmProjects(swarm: Swarm, signal?: AbortSignal): Promise<string[]> {
  const services = await swarm.listServices({ [LABEL.managed]: "true" }, signal);
  const networks = await swarm.listNetworks({ [LABEL.managed]: "true" }, signal);
  const names = new Set([...services, ...networks].map((s) => s.labels[LABEL.project]).filter((p): p is string => !!p));
  return [...names].sort();
}
