/** Reaching a swarm manager: `--engine tcp://manager:2375`, else DOCKER_HOST, else the local socket. */
import { connectEngine } from "../engine/connect.js";
import type { Engine } from "../engine/engine.js";
import { Swarm } from "../engine/swarm.js";
import { BerthError } from "../errors.js";

export async function connectSwarm(o: {
  host?: string;
  env?: Record<string, string | undefined>;
  signal?: AbortSignal;
}): Promise<{ engine: Engine; swarm: Swarm }> {
  const engine = await connectEngine({ host: o.host ?? o.env?.DOCKER_HOST, env: o.env, signal: o.signal });
  const swarm = new Swarm(engine);
  await requireSwarmManager(swarm, o.signal);
  return { engine, swarm };
}

/** Fails with what to do when the engine is not an active swarm manager. */
export async function requireSwarmManager(swarm: Swarm, signal?: AbortSignal): Promise<void> {
  const info = await swarm.info(signal);
  if (info.state !== "active") {
    throw new BerthError("USAGE", `the engine at ${swarm.endpoint} is not part of a swarm (state: ${info.state})`, {
      hint: "Point berth at a swarm manager with --engine tcp://MANAGER:2375 (or DOCKER_HOST), or create a swarm there with `docker swarm init`.",
    });
  }
  if (!info.isManager) {
    throw new BerthError("USAGE", `the engine at ${swarm.endpoint} is a swarm worker; services can only be managed through a manager`, {
      hint: "Use a manager's address (`docker node ls` on a manager lists them with MANAGER STATUS).",
    });
  }
}
