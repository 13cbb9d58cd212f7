/**
 * `berth ps` (= status) in docker compose ps's script-facing forms: `-q` (container IDs),
 * `--services` (service names) and `--format json` (one JSON object per container, with
 * compose's field names). The default table stays berth's own (render.ts).
 */
import type { ContainerView, EnvironmentData } from "../lifecycle/environment.js";

/** docker compose ps --format json's fields that berth knows from its view of a container. */
export interface ComposePsEntry {
  ID: string;
  Name: string;
  Project: string;
  Service: string;
  /** The engine's kind of state: created, running or exited. */
  State: "created" | "running" | "paused" | "exited";
  /** berth's readiness of a running container (healthy also for one without a healthcheck); "" when it does not run. */
  Health: "" | "starting" | "healthy" | "unhealthy";
  ExitCode: number;
  Publishers: { URL: string; TargetPort: number; PublishedPort: number; Protocol: string }[];
}

const containersOf = (envs: EnvironmentData[]) =>
  envs.flatMap((e) => Object.values(e.services).flatMap((s) => s.containers.map((c) => ({ project: e.project, service: s.name, c }))));

export function composePsEntry(project: string, service: string, c: ContainerView): ComposePsEntry {
  const state = c.notStarted
    ? "created"
    : c.exitCode !== undefined || ["STOPPED", "COMPLETED", "FAILED"].includes(c.state)
      ? "exited"
      : c.state === "PAUSED"
        ? "paused"
        : "running";
  const health = state !== "running" ? "" : c.state === "STARTING" ? "starting" : c.state === "UNHEALTHY" ? "unhealthy" : "healthy";
  return {
    ID: c.id,
    Name: c.name,
    Project: project,
    Service: service,
    State: state,
    Health: health,
    ExitCode: c.exitCode ?? 0,
    Publishers: c.ports.map((p) => ({ URL: p.hostIp, TargetPort: p.containerPort, PublishedPort: p.hostPort, Protocol: p.protocol })),
  };
}

/** The lines `ps` prints in the form asked for, or undefined for berth's own table. */
export function psLines(envs: EnvironmentData[], o: { quiet?: boolean; servicesOnly?: boolean; format?: "table" | "json" }): string[] | undefined {
  const all = containersOf(envs);
  if (o.servicesOnly) return [...new Set(envs.flatMap((e) => Object.keys(e.services)))].sort();
  if (o.quiet) return all.map((x) => x.c.id);
  if (o.format === "json") return all.map((x) => JSON.stringify(composePsEntry(x.project, x.service, x.c)));
  return undefined;
}
