/**
 * `berth update -f compose.yml` on swarm: the services whose definition changed since they were
 * deployed (compared by the hash label each service carries), as new service requests that keep
 * the environment's ownership labels and its secrets and configs.
 */
import type { ProjectSpec } from "../compose/model.js";
import type { Swarm } from "../engine/swarm.js";
import type { SwarmServiceRequest } from "../engine/swarm-types.js";
import { BerthError } from "../errors.js";
import { LABEL } from "../labels.js";
import { assertSwarmCompat } from "./compat.js";
import { SWARM_LABEL } from "./labels.js";
import { swarmServiceHash, swarmServiceRequest } from "./service-request.js";

/** Labels that describe one service rather than the environment. */
const PER_SERVICE = new Set<string>([LABEL.service, LABEL.serviceHash, LABEL.healthcheck, LABEL.dependsOn, "com.docker.compose.service"]);

export async function changedServiceRequests(
  swarm: Swarm,
  project: string,
  spec: ProjectSpec,
  only: string[],
  o: { env?: Record<string, string | undefined>; signal?: AbortSignal } = {},
): Promise<{ service: string; request: SwarmServiceRequest }[]> {
  assertSwarmCompat(spec, { routingMesh: o.env?.BERTH_SWARM_ROUTING_MESH === "1" });
  const managed = { [LABEL.managed]: "true", [LABEL.project]: project };
  const [deployed, secrets, configs] = await Promise.all([
    swarm.listServices(managed, o.signal),
    swarm.listSecrets(managed, o.signal),
    swarm.listConfigs(managed, o.signal),
  ]);
  const byKey = (objs: typeof secrets, label: string) => Object.fromEntries(objs.map((x) => [x.labels[label]!, { id: x.id, name: x.name }]));
  const names = only.length ? only : Object.keys(spec.services).sort();
  const out: { service: string; request: SwarmServiceRequest }[] = [];
  for (const name of names) {
    const s = spec.services[name];
    const current = deployed.find((d) => d.labels[LABEL.service] === name);
    if (!s || !current) {
      throw new BerthError(
        "USAGE",
        `service ${name} is ${!s ? "not in the compose file" : `not deployed in ${project}`}; berth update changes existing services only`,
        {
          hint: "Add or remove services with `berth down --on swarm` and `berth up --on swarm`.",
        },
      );
    }
    if (current.labels[LABEL.serviceHash] === swarmServiceHash(s)) continue;
    const base = Object.fromEntries(Object.entries(current.labels).filter(([k]) => !PER_SERVICE.has(k)));
    const request = swarmServiceRequest(
      {
        project,
        spec,
        baseLabels: base,
        secrets: byKey(secrets, SWARM_LABEL.secret),
        configs: byKey(configs, SWARM_LABEL.config),
        routingMesh: o.env?.BERTH_SWARM_ROUTING_MESH === "1",
      },
      s,
    );
    for (const ref of [...request.secrets, ...request.configs]) {
      if (!ref.objectId)
        throw new BerthError("USAGE", `service ${name} now uses a secret or config the environment does not have`, {
          hint: "Redeploy the environment (down, then up) to add secrets or configs.",
        });
    }
    out.push({ service: name, request });
  }
  return out;
}
