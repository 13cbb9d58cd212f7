/**
 * `berth run SERVICE [CMD…]`: a one-off container of a service in a running environment, as
 * `docker compose run` makes one: the service's image, environment, volumes and networks (without
 * its network aliases or published ports), berth's labels marking it one-off and owned by this
 * process (so the reaper and `berth clean` remove it if berth dies), removed when it exits.
 */
import { randomBytes } from "node:crypto";
import type { ProjectSpec } from "../compose/model.js";
import type { AttachIo } from "../engine/attach.js";
import type { Engine } from "../engine/engine.js";
import type { ContainerCreateRequest, Labels } from "../engine/types.js";
import { BerthError } from "../errors.js";
import { COMPOSE_LABEL, extraLabels, LABEL, projectLabels, type EnvironmentKind, type Owner } from "../labels.js";
import { containerRequest, serviceConfigHash } from "../plan/container-request.js";
import { networkName } from "../plan/naming.js";
import { serviceNetworkKeys } from "../plan/reconcile.js";

export interface OneOffInput {
  spec: ProjectSpec;
  project: string;
  service: string;
  /** Replaces the service's command; empty or absent: the service's own. */
  command?: string[];
  entrypoint?: string[];
  /** "KEY=value", over the service's environment. */
  env?: string[];
  user?: string;
  workingDir?: string;
  tty: boolean;
  owner: Owner;
  /** Labels of the environment's own containers: its kind and config hash carry over. */
  environment: Labels;
  /** The user's BERTH_LABELS and the like. */
  processEnv: Record<string, string | undefined>;
  now?: Date;
  random?: () => string;
}

/** The create request of the one-off container. Pure. */
export function oneOffRequest(i: OneOffInput): ContainerCreateRequest {
  const service = i.spec.services[i.service];
  if (!service) throw new BerthError("USAGE", `no service ${i.service} in ${i.project}`);
  const base = {
    ...extraLabels(i.processEnv),
    ...projectLabels({
      project: i.project,
      kind: (i.environment[LABEL.envKind] as EnvironmentKind | undefined) ?? "dev",
      lifetime: "process",
      owner: i.owner,
      createdAt: i.now ?? new Date(),
      configHash: i.environment[LABEL.configHash] ?? "",
      files: i.spec.files,
      workingDir: i.spec.working_dir,
    }),
  };
  const req = containerRequest({ project: i.project, spec: i.spec, baseLabels: base, serviceHash: serviceConfigHash(service) }, service, 1);
  const keyOf = (kv: string) => kv.split("=", 1)[0]!;
  const env = new Map(req.env.map((kv) => [keyOf(kv), kv]));
  for (const kv of i.env ?? []) env.set(keyOf(kv), kv);
  return {
    ...req,
    name: `${i.project}-${i.service}-run-${(i.random ?? (() => randomBytes(6).toString("hex")))()}`,
    labels: { ...req.labels, [LABEL.oneoff]: "true", [COMPOSE_LABEL.oneoff]: "True" },
    env: [...env.values()],
    cmd: i.command?.length ? i.command : req.cmd,
    entrypoint: i.entrypoint ?? req.entrypoint,
    user: i.user ?? req.user,
    workingDir: i.workingDir ?? req.workingDir,
    // As compose run: no published ports (they would clash with the service's), not reachable under the service's name.
    portBindings: {},
    network: req.network ? { ...req.network, aliases: [] } : undefined,
    restartPolicy: undefined,
    runtime: { ...req.runtime, tty: i.tty, openStdin: true, stdinOnce: true },
  };
}

/**
 * Creates the one-off container, joins it to the service's further networks, runs it attached to
 * `io`, and removes it (with its anonymous volumes) whatever happens. Resolves with its exit code.
 */
export async function runOneOff(engine: Engine, input: OneOffInput, io: AttachIo, signal?: AbortSignal): Promise<number> {
  const req = oneOffRequest(input);
  const service = input.spec.services[input.service]!;
  const id = await engine.createContainer(req, { signal });
  try {
    if (req.network) {
      for (const key of serviceNetworkKeys(service).slice(1)) {
        const attach = service.networks[key] ?? {};
        await engine.connectNetwork(
          networkName(input.project, key, input.spec.networks[key]?.name),
          id,
          { aliases: [], ipv4Address: attach.ipv4_address },
          { signal },
        );
      }
    }
    return await engine.runAttached(id, io, { signal });
  } finally {
    // Never with `signal`: after a Ctrl-C it is aborted, and the container must still go.
    await engine.removeContainer(id, { force: true, volumes: true });
  }
}
