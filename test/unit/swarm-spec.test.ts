/** Pure parts of berth on swarm: what a swarm refuses, and a compose service as a swarm service spec. */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { loadProject } from "../../src/compose/index.js";
import type { ProjectSpec } from "../../src/compose/model.js";
import { serviceSpecOf } from "../../src/engine/swarm.js";
import { isBerthError } from "../../src/errors.js";
import { assertSwarmCompat, checkSwarmCompat } from "../../src/swarm/compat.js";
import { swarmServiceRequest } from "../../src/swarm/service-request.js";

const dir = mkdtempSync(join(tmpdir(), "berth-swarm-unit-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
async function load(yaml: string): Promise<ProjectSpec> {
  const file = join(dir, `compose-${n++}.yml`);
  writeFileSync(file, yaml);
  return loadProject({ files: [file], cwd: dir, env: { PATH: process.env.PATH } });
}

describe("swarm: what a swarm cannot do", () => {
  it("names the service and the key for build without image, bind mounts, named volumes, vip, ingress, jobs and single-engine keys", async () => {
    const spec = await load(`
services:
  api:
    build: .
    volumes: ["./data:/data", "cache:/cache", "/scratch"]
    ports: [{ target: 80, mode: ingress }, "9000-9001:80"]
    privileged: true
    depends_on: { migrate: { condition: service_completed_successfully } }
  migrate:
    image: busybox
    network_mode: host
    deploy: { endpoint_mode: vip }
volumes:
  cache: {}
`);
    const paths = checkSwarmCompat(spec).problems.map((p) => p.path);
    expect(paths).toEqual([
      "services.api.build",
      "services.api.privileged",
      "services.api.volumes[0]",
      "services.api.volumes[1]",
      "services.api.ports[0].mode",
      "services.api.ports[1]",
      "services.api.depends_on.migrate",
      "services.migrate.network_mode",
      "services.migrate.deploy.endpoint_mode",
    ]);
    try {
      assertSwarmCompat(spec);
      expect.unreachable();
    } catch (error) {
      expect(isBerthError(error, "COMPOSE_INVALID")).toBe(true);
      expect((error as Error).message).toContain("cannot run on swarm: services.api.build: a swarm cannot build");
    }
  });

  it("allows vip and ingress when the swarm is said to have IPVS, and anonymous volumes and tmpfs always", async () => {
    const spec = await load(`
services:
  web:
    image: nginx
    volumes: ["/scratch", { type: tmpfs, target: /run }]
    ports: [{ target: 80, mode: ingress }]
    deploy: { endpoint_mode: vip }
`);
    expect(checkSwarmCompat(spec, { routingMesh: true }).problems).toEqual([]);
    expect(checkSwarmCompat(spec).problems.map((p) => p.path)).toEqual(["services.web.ports[0].mode", "services.web.deploy.endpoint_mode"]);
  });
});

describe("swarm: a compose service as a service spec", () => {
  it("maps replicas, placement, resources, restart, update/rollback (rollback by default), healthcheck, dnsrr and host-mode ports", async () => {
    const spec = await load(`
services:
  api:
    image: shop/api:1
    entrypoint: ["/init"]
    command: ["serve", "--port", "3000"]
    environment: { B: "2", A: "1" }
    ports: ["3000"]
    healthcheck: { test: ["CMD", "true"], interval: 1s, retries: 3 }
    stop_grace_period: 2s
    secrets: [db_password]
    deploy:
      replicas: 3
      placement: { constraints: ["node.role == worker"], preferences: [{ spread: node.id }], max_replicas_per_node: 1 }
      resources: { limits: { cpus: "0.5", memory: 256M }, reservations: { memory: 64M } }
      restart_policy: { condition: on-failure, max_attempts: 3, delay: 1s }
      update_config: { parallelism: 2, monitor: 3s }
secrets:
  db_password: { file: ./pw.txt }
`);
    const req = swarmServiceRequest(
      {
        project: "shop",
        spec,
        baseLabels: { "dev.berth.managed": "true", "dev.berth.project": "shop" },
        secrets: { db_password: { id: "s1", name: "shop_db_password" } },
        configs: {},
      },
      spec.services.api!,
    );
    const api = serviceSpecOf(req);
    expect(api.Name).toBe("shop_api");
    expect(api.Labels).toMatchObject({ "dev.berth.managed": "true", "dev.berth.project": "shop", "dev.berth.service": "api" });
    expect(api.Mode).toEqual({ Replicated: { Replicas: 3 } });
    expect(api.EndpointSpec).toEqual({ Mode: "dnsrr", Ports: [{ Protocol: "tcp", TargetPort: 3000, PublishMode: "host" }] });
    expect(api.UpdateConfig).toEqual({ Parallelism: 2, FailureAction: "rollback", Monitor: 3e9, Order: "stop-first" });
    expect(api.RollbackConfig).toEqual({ Parallelism: 1, FailureAction: "pause", Monitor: 5e9, Order: "stop-first" });
    const t = api.TaskTemplate;
    expect(t.Placement).toEqual({ Constraints: ["node.role == worker"], Preferences: [{ Spread: { SpreadDescriptor: "node.id" } }], MaxReplicas: 1 });
    expect(t.Resources).toEqual({ Limits: { NanoCPUs: 5e8, MemoryBytes: 256 * 1024 * 1024 }, Reservations: { MemoryBytes: 64 * 1024 * 1024 } });
    expect(t.RestartPolicy).toEqual({ Condition: "on-failure", Delay: 1e9, MaxAttempts: 3 });
    expect(t.Networks).toEqual([{ Target: "shop_default", Aliases: ["api"] }]);
    const c = t.ContainerSpec;
    expect([c.Image, c.Command, c.Args, c.Env, c.StopGracePeriod]).toEqual(["shop/api:1", ["/init"], ["serve", "--port", "3000"], ["A=1", "B=2"], 2e9]);
    expect(c.Healthcheck).toEqual({ Test: ["CMD", "true"], Interval: 1e9, Retries: 3 });
    expect(c.Secrets).toEqual([{ SecretID: "s1", SecretName: "shop_db_password", File: { Name: "db_password", UID: "0", GID: "0", Mode: 0o444 } }]);
    // The tasks' containers are not "managed": a single-engine down/clean on a node must not remove them.
    expect(c.Labels["dev.berth.managed"]).toBeUndefined();
    expect(c.Labels).toMatchObject({ "dev.berth.project": "shop", "dev.berth.service": "api" });
  });
});
