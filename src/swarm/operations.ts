/**
 * Service operations on a swarm environment, the counterparts of the single-engine ones:
 * scale (replicas), restart (a rolling replacement of every task, honouring update_config),
 * wait (until ready) and logs (from every task, through the manager).
 */
import type { Swarm } from "../engine/swarm.js";
import type { SwarmNode, SwarmTask } from "../engine/swarm-types.js";
import { BerthError } from "../errors.js";
import { LABEL } from "../labels.js";
import { waitServiceReady } from "./readiness.js";
import { changeSwarmService, findSwarmService } from "./update.js";

export interface SwarmOpOptions {
  deadline: number;
  signal?: AbortSignal;
  /** Wait until the services are ready again (default true). */
  wait?: boolean;
}

/** The project's compose service names on the swarm, or those asked for (each must exist). */
export async function selectSwarmServices(swarm: Swarm, project: string, wanted: string[], signal?: AbortSignal): Promise<string[]> {
  const services = await swarm.listServices({ [LABEL.managed]: "true", [LABEL.project]: project }, signal);
  const names = services
    .map((s) => s.labels[LABEL.service]!)
    .filter(Boolean)
    .sort();
  if (wanted.length === 0) return names;
  const unknown = wanted.filter((w) => !names.includes(w));
  if (unknown.length)
    throw new BerthError("NOT_FOUND", `environment ${project} has no service ${unknown.join(", ")} on the swarm`, { hint: `Services: ${names.join(", ")}.` });
  return wanted;
}

export async function scaleSwarmServices(swarm: Swarm, project: string, scale: Record<string, number>, o: SwarmOpOptions): Promise<Record<string, number>> {
  const t0 = Date.now();
  const targets = await Promise.all(
    Object.keys(scale)
      .sort()
      .map((name) => findSwarmService(swarm, project, name, o.signal)),
  );
  for (const s of targets) await swarm.updateService(s.id, { replicas: scale[s.labels[LABEL.service]!]! }, o.signal);
  if (o.wait !== false) {
    await Promise.all(
      targets.map((s) =>
        waitServiceReady({
          swarm,
          serviceId: s.id,
          service: s.labels[LABEL.service]!,
          replicas: scale[s.labels[LABEL.service]!]!,
          since: t0,
          deadline: o.deadline,
          signal: o.signal,
        }),
      ),
    );
  }
  return scale;
}

/** Restarts services one after the other as rolling updates; returns the services restarted. */
export async function restartSwarmServices(swarm: Swarm, project: string, services: string[], o: SwarmOpOptions): Promise<string[]> {
  const names = await selectSwarmServices(swarm, project, services, o.signal);
  for (const name of names) await changeSwarmService(swarm, project, name, { forceRestart: true }, o);
  return names;
}

export async function waitSwarmServices(swarm: Swarm, project: string, services: string[], o: SwarmOpOptions): Promise<string[]> {
  const names = await selectSwarmServices(swarm, project, services, o.signal);
  const t0 = Date.now();
  await Promise.all(
    names.map(async (name) => {
      const s = await findSwarmService(swarm, project, name, o.signal);
      await waitServiceReady({
        swarm,
        serviceId: s.id,
        service: name,
        replicas: s.mode === "global" ? undefined : s.replicas,
        since: t0,
        deadline: o.deadline,
        signal: o.signal,
      });
    }),
  );
  return names;
}

export interface SwarmLogLine {
  service: string;
  /** `<service>.<slot>@<node>` as the swarm reports it. */
  task: string;
  time?: string;
  text: string;
}

const DETAILS = /^(\S+) (\S*)\s?(.*)$/s;

/**
 * Every line of the services' tasks, ordered by time across services. The manager collects them
 * from the nodes; a node that is down contributes nothing until it is back.
 */
/** Turns one raw line ("<time> <details> <text>") into a log line naming the task and its node. */
function lineParser(name: string, tasks: SwarmTask[], nodes: SwarmNode[], keepTime: boolean) {
  return (raw: string): { key: string; line: SwarmLogLine } => {
    const m = DETAILS.exec(raw);
    const details = Object.fromEntries((m?.[2] ?? "").split(",").map((kv) => kv.split("=") as [string, string]));
    const task = tasks.find((t) => t.id === details["com.docker.swarm.task.id"]);
    const node = nodes.find((n) => n.id === (details["com.docker.swarm.node.id"] ?? task?.nodeId))?.hostname ?? "?";
    return {
      key: m?.[1] ?? "",
      line: { service: name, task: `${name}.${task?.slot ?? "?"}@${node}`, time: keepTime ? m?.[1] : undefined, text: m ? m[3]! : raw },
    };
  };
}

/**
 * Every line of the services' tasks, ordered by time across services. The manager collects them
 * from the nodes; a node that is down contributes nothing until it is back.
 */
export async function readSwarmLogs(
  swarm: Swarm,
  project: string,
  services: string[],
  o: { tail?: number; sinceMs?: number; timestamps?: boolean; signal?: AbortSignal } = {},
): Promise<SwarmLogLine[]> {
  const names = await selectSwarmServices(swarm, project, services, o.signal);
  const nodes = await swarm.listNodes(o.signal);
  const lines: { key: string; line: SwarmLogLine }[] = [];
  for (const name of names) {
    const s = await findSwarmService(swarm, project, name, o.signal);
    const [text, tasks] = await Promise.all([
      swarm.serviceLogs(s.id, { tail: o.tail ?? "all", sinceMs: o.sinceMs, timestamps: true, signal: o.signal }),
      swarm.listTasks({ service: s.id }, o.signal),
    ]);
    const parse = lineParser(name, tasks, nodes, o.timestamps ?? false);
    for (const raw of text.split("\n")) if (raw) lines.push(parse(raw));
  }
  return lines.sort((a, b) => a.key.localeCompare(b.key)).map((l) => l.line);
}

/** Follows the services' output until the signal aborts; lines arrive as the manager relays them. */
export async function followSwarmLogs(
  swarm: Swarm,
  project: string,
  services: string[],
  onLine: (l: SwarmLogLine) => void,
  o: { tail?: number; sinceMs?: number; timestamps?: boolean; signal?: AbortSignal } = {},
): Promise<void> {
  const names = await selectSwarmServices(swarm, project, services, o.signal);
  const nodes = await swarm.listNodes(o.signal);
  await Promise.all(
    names.map(async (name) => {
      const s = await findSwarmService(swarm, project, name, o.signal);
      let tasks = await swarm.listTasks({ service: s.id }, o.signal);
      let parse = lineParser(name, tasks, nodes, o.timestamps ?? false);
      let pending = "";
      await swarm.followServiceLogs(
        s.id,
        (chunk) => {
          // Frames are not lines: a line may span frames, and a frame may hold several lines.
          pending += chunk;
          let nl: number;
          while ((nl = pending.indexOf("\n")) >= 0) {
            const raw = pending.slice(0, nl);
            pending = pending.slice(nl + 1);
            if (!raw) continue;
            const parsed = parse(raw);
            if (parsed.line.task.includes(".?@")) {
              // A task started after the follow began: learn it (once) for the next lines.
              void swarm
                .listTasks({ service: s.id })
                .then((t) => {
                  tasks = t;
                  parse = lineParser(name, tasks, nodes, o.timestamps ?? false);
                })
                .catch(() => undefined);
            }
            onLine(parsed.line);
          }
        },
        { tail: o.tail ?? "all", sinceMs: o.sinceMs, signal: o.signal },
      );
    }),
  );
}
