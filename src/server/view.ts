/**
 * The server's JSON views of the live model: environments with their services, containers, states,
 * ports and dependency graph. Pure, sorted, so answers are deterministic.
 */
import type { ServiceState } from "../health/state.js";
import { LABEL } from "../labels.js";
import { layoutGraph, type GraphLayout } from "./graph-layout.js";
import type { ContainerRecord, NetworkRecord } from "./live-model.js";

export type EnvironmentState = "healthy" | "starting" | "unhealthy" | "paused" | "stopped" | "empty";
export const ENVIRONMENT_STATES: EnvironmentState[] = ["healthy", "starting", "unhealthy", "paused", "stopped", "empty"];
export const SERVICE_STATES: ServiceState[] = ["STARTING", "HEALTHY", "UNHEALTHY", "PAUSED", "STOPPED", "COMPLETED", "FAILED"];

export type ContainerView = Omit<ContainerRecord, "labels" | "project" | "service" | "dependsOn">;

export interface ServiceView {
  name: string;
  /** The worst state of its containers. */
  state: ServiceState;
  dependsOn: string[];
  containers: ContainerView[];
}

export interface EnvironmentView {
  project: string;
  kind: string;
  lifetime: string;
  createdAt?: string;
  expiresAt?: string;
  owner?: { host: string; pid: number; user?: string };
  state: EnvironmentState;
  networks: string[];
  services: ServiceView[];
}

/** Worst first: what a glance at the service should tell. */
const SEVERITY: Record<ServiceState, number> = { FAILED: 6, UNHEALTHY: 5, STOPPED: 4, PAUSED: 3, STARTING: 2, COMPLETED: 1, HEALTHY: 0 };

export function worstState(states: ServiceState[]): ServiceState {
  return states.reduce<ServiceState>((w, s) => (SEVERITY[s] > SEVERITY[w] ? s : w), "HEALTHY");
}

export function environmentState(states: ServiceState[]): EnvironmentState {
  if (states.length === 0) return "empty";
  if (states.some((s) => s === "UNHEALTHY" || s === "FAILED")) return "unhealthy";
  if (states.includes("STOPPED")) return "stopped";
  if (states.includes("PAUSED")) return "paused";
  if (states.includes("STARTING")) return "starting";
  return "healthy";
}

function containerView(c: ContainerRecord): ContainerView {
  const { labels: _l, project: _p, service: _s, dependsOn: _d, ...rest } = c;
  return rest;
}

export function environmentsView(containers: ContainerRecord[], networks: NetworkRecord[]): EnvironmentView[] {
  const projects = new Map<string, { labels: Record<string, string>; containers: ContainerRecord[]; networks: string[] }>();
  const entry = (project: string, labels: Record<string, string>) => {
    let e = projects.get(project);
    if (!e) projects.set(project, (e = { labels, containers: [], networks: [] }));
    return e;
  };
  for (const c of containers) entry(c.project, c.labels).containers.push(c);
  for (const n of networks) entry(n.project, n.labels).networks.push(n.name);
  const out: EnvironmentView[] = [];
  for (const [project, e] of projects) {
    const services = new Map<string, ContainerRecord[]>();
    for (const c of e.containers) (services.get(c.service) ?? services.set(c.service, []).get(c.service)!).push(c);
    const l = e.labels;
    const pid = Number(l[LABEL.ownerPid]);
    out.push({
      project,
      kind: l[LABEL.envKind] ?? "test",
      lifetime: l[LABEL.lifetime] ?? "process",
      ...(l[LABEL.createdAt] ? { createdAt: l[LABEL.createdAt] } : {}),
      ...(l[LABEL.expires] ? { expiresAt: l[LABEL.expires] } : {}),
      ...(l[LABEL.ownerHost] && pid > 0 ? { owner: { host: l[LABEL.ownerHost]!, pid, ...(l[LABEL.ownerUser] ? { user: l[LABEL.ownerUser] } : {}) } } : {}),
      state: environmentState(e.containers.map((c) => c.state)),
      networks: e.networks.sort(),
      services: [...services]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([name, list]) => {
          list.sort((a, b) => a.number - b.number);
          return { name, state: worstState(list.map((c) => c.state)), dependsOn: list[0]!.dependsOn, containers: list.map(containerView) };
        }),
    });
  }
  return out.sort((a, b) => (b.createdAt ?? "").localeCompare(a.createdAt ?? "") || a.project.localeCompare(b.project));
}

export function graphOf(env: EnvironmentView): GraphLayout {
  return layoutGraph(Object.fromEntries(env.services.map((s) => [s.name, s.dependsOn])));
}
