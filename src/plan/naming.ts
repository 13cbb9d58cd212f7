/**
 * Names of projects and of the engine objects inside them. Pure.
 */
import { randomBytes } from "node:crypto";
import type { EnvironmentKind } from "../labels.js";

/** Compose's rule for project names: lowercase letters, digits, dashes and underscores. */
export function sanitizeProjectName(name: string): string {
  const cleaned = name
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, "-")
    .replace(/^[-_]+/, "");
  return cleaned || "berth";
}

/** `berth-<env>-<yyyymmddhhmmss>-<6 hex>`: unique per acquire, sortable by creation time. */
export function generateProjectName(kind: EnvironmentKind, now: Date, random: () => string = () => randomBytes(3).toString("hex")): string {
  const stamp = now.toISOString().replace(/[-:T]/g, "").slice(0, 14);
  return `berth-${kind}-${stamp}-${random()}`;
}

/** Compose v2's container name: `<project>-<service>-<n>`. */
export function containerName(project: string, service: string, number: number): string {
  return `${project}-${service}-${number}`;
}

/** Compose's network name: `<project>_<key>` unless the file names it. */
export function networkName(project: string, key: string, explicit?: string): string {
  return explicit ?? `${project}_${key}`;
}

export function volumeName(project: string, key: string, explicit?: string): string {
  return explicit ?? `${project}_${key}`;
}

/** A swarm object's name (service, secret, config), as `docker stack` names them: `<project>_<key>`. */
export function swarmObjectName(project: string, key: string): string {
  return `${project}_${key}`;
}
