// The readiness floor for the benchmark: the same containers berth would create, created and
// started in dependency order by a minimal script that talks to the Engine API directly (dockerode),
// runs each service's healthcheck command back to back from the moment its container starts, and
// starts dependants the instant it first passes. Nothing in it can be faster without skipping a
// check. Used by scripts/bench.mjs; everything it creates carries the caller's labels.
import Docker from "dockerode";
import { healthcheckCommand } from "../dist/health/state.js";
import { containerRequest } from "../dist/plan/container-request.js";
import { dependencyLevels } from "../dist/plan/graph.js";
import { networkName } from "../dist/plan/naming.js";

const NS = 1_000_000;

async function execOnce(container, cmd) {
  const exec = await container.exec({ Cmd: cmd, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({ hijack: true, stdin: false });
  await new Promise((resolve) => {
    stream.on("end", resolve);
    stream.on("close", resolve);
    stream.on("error", resolve);
    stream.resume();
  });
  return (await exec.inspect()).ExitCode;
}

/** The create body, written out here rather than through berth's Engine so the floor owes berth nothing at run time. */
function createBody(req) {
  const hc = req.healthcheck;
  return {
    name: req.name,
    Image: req.image,
    Labels: req.labels,
    Env: req.env,
    Cmd: req.cmd,
    Entrypoint: req.entrypoint,
    ExposedPorts: Object.fromEntries(req.exposedPorts.map((p) => [p, {}])),
    Healthcheck: hc && !hc.disable ? { Test: hc.test, Interval: (hc.intervalMs ?? 0) * NS, Timeout: (hc.timeoutMs ?? 0) * NS, StartPeriod: (hc.startPeriodMs ?? 0) * NS, Retries: hc.retries } : undefined,
    HostConfig: {
      Init: req.init,
      NetworkMode: req.network.name,
      PortBindings: Object.fromEntries(Object.entries(req.portBindings).map(([k, bs]) => [k, bs.map((b) => ({ HostIp: b.hostIp, HostPort: b.hostPort }))])),
    },
    NetworkingConfig: { EndpointsConfig: { [req.network.name]: { Aliases: req.network.aliases } } },
  };
}

/**
 * Brings `spec` up under `project` and resolves when every service passed its check once.
 * Returns { upMs, readyAt: {service: ms since epoch}, down(): Promise<downMs> }.
 */
export async function floorUp(docker, spec, project, labels) {
  const t0 = Date.now();
  const net = await docker.createNetwork({ Name: networkName(project, "default"), Labels: labels, CheckDuplicate: true });
  const containers = {};
  await Promise.all(Object.values(spec.services).map(async (s) => {
    const req = containerRequest({ project, spec, baseLabels: labels, serviceHash: "floor" }, s, 1);
    containers[s.name] = await docker.createContainer(createBody(req));
  }));
  const readyAt = {};
  const ready = {};
  const levels = dependencyLevels(spec.services);
  const wait = (name) => (ready[name] ??= (async () => {
    const s = spec.services[name];
    await Promise.all(Object.keys(s.depends_on).map(wait));
    const c = containers[name];
    await c.start();
    const cmd = healthcheckCommand(s.healthcheck?.test);
    if (cmd) while ((await execOnce(c, cmd)) !== 0);
    readyAt[name] = Date.now();
  })());
  await Promise.all(levels.flat().map(wait));
  const upMs = Date.now() - t0;
  return {
    upMs,
    readyAt,
    containers,
    async down() {
      const t1 = Date.now();
      await Promise.all(Object.values(containers).map((c) => c.remove({ force: true, v: true })));
      await net.remove();
      return Date.now() - t1;
    },
  };
}

export function engineClient() {
  return new Docker();
}
