/**
 * Checks from inside the environment's network: in each dependant's container, does every service
 * it depends on resolve by name, and does each of the dependency's declared container ports accept
 * a TCP connection? A pair on no common network is named as such ("wrong network").
 */
import type { Engine } from "../../engine/engine.js";
import type { ConnectivityCheck } from "./model.js";
import { classifyTcp, dnsCommand, DETECT_TOOLS, parseDns, parseTools, tcpCommand, type Tool } from "./probe-commands.js";
import type { ServiceContainerInfo } from "./targets.js";

/** Exec timeout: a connect's own timeout plus the exec's overhead. */
const EXEC_TIMEOUT_MS = 8000;

interface ExecOutcome {
  exitCode: number;
  output: string;
  timedOut: boolean;
}

async function run(engine: Engine, id: string, cmd: string[], signal?: AbortSignal): Promise<ExecOutcome> {
  const t0 = Date.now();
  try {
    const r = await engine.exec(id, cmd, { timeoutMs: EXEC_TIMEOUT_MS, signal });
    return { exitCode: r.exitCode, output: r.output, timedOut: false };
  } catch (error) {
    if (signal?.aborted) throw error;
    // The exec's own deadline passed (the error's shape depends on where the abort landed).
    const timedOut = Date.now() - t0 >= EXEC_TIMEOUT_MS - 50;
    return { exitCode: -1, output: (error as Error).message, timedOut };
  }
}

const oneLine = (s: string) => s.trim().split("\n").filter(Boolean).at(-1)?.slice(0, 160) ?? "";

/** The checks of one dependant container against one dependency service. */
async function checkPair(
  engine: Engine,
  from: ServiceContainerInfo,
  tools: Set<Tool>,
  to: ServiceContainerInfo[],
  signal?: AbortSignal,
): Promise<ConnectivityCheck[]> {
  const dep = to[0]!;
  const base = { from: from.service, fromContainer: from.name, to: dep.service };
  const tcpPorts = [...new Set(to.flatMap((c) => c.tcpPorts))].sort((a, b) => a - b);
  const rows: ConnectivityCheck[] = [];
  const running = to.filter((c) => c.running);
  if (running.length === 0) {
    const finished = to.every((c) => c.job && c.exitCode === 0);
    return [
      {
        ...base,
        check: "name",
        status: finished ? "SKIP" : "FAIL",
        cause: "not-running",
        detail: finished ? `${dep.service} is a one-shot job that has finished` : `${dep.service} is not running (${to.map((c) => c.status).join(", ")})`,
      },
    ];
  }
  const shared = running.flatMap((c) => c.networks.filter((n) => from.networks.includes(n)));
  const wrongNetwork = shared.length === 0 && !from.sharedStack && !running.some((c) => c.sharedStack);
  const networkNote = `${from.service} is on ${from.networks.join(", ") || "no network"}; ${dep.service} is on ${[...new Set(running.flatMap((c) => c.networks))].join(", ") || "no network"}`;

  const dns = dnsCommand(tools, dep.service);
  if (!dns) {
    rows.push({
      ...base,
      check: "name",
      status: wrongNetwork ? "FAIL" : "SKIP",
      cause: wrongNetwork ? "wrong-network" : "no-tool",
      detail: wrongNetwork ? `not on a shared network: ${networkNote}` : `cannot test: ${from.service}'s image has no resolver (getent, nslookup)`,
    });
  } else {
    const r = await run(engine, from.id, dns.cmd, signal);
    const ips = parseDns(dns.tool, r.exitCode, r.output);
    if (wrongNetwork)
      rows.push({
        ...base,
        check: "name",
        status: "FAIL",
        cause: "wrong-network",
        detail: `not on a shared network: ${networkNote}${ips.length ? ` (yet ${dep.service} resolved to ${ips.join(", ")})` : `; ${dep.service} does not resolve (${dns.tool})`}`,
      });
    else if (ips.length) rows.push({ ...base, check: "name", status: "PASS", detail: `${dep.service} → ${ips.join(", ")} (${dns.tool})` });
    else
      rows.push({
        ...base,
        check: "name",
        status: "FAIL",
        cause: r.timedOut ? "timeout" : "no-dns",
        detail: `${dep.service} does not resolve (${dns.tool}: ${oneLine(r.output) || `exit ${r.exitCode}`})`,
      });
  }
  if (tcpPorts.length === 0) {
    rows.push({ ...base, check: "tcp", status: "SKIP", detail: `${dep.service} declares no TCP port (expose/ports or the image's EXPOSE)` });
    return rows;
  }
  await Promise.all(
    tcpPorts.map(async (port) => {
      const check = `tcp/${port}`;
      if (wrongNetwork)
        return void rows.push({ ...base, check, status: "FAIL", cause: "wrong-network", detail: `not attempted: no network in common with ${dep.service}` });
      const tcp = tcpCommand(tools, dep.service, port);
      if (!tcp)
        return void rows.push({ ...base, check, status: "SKIP", cause: "no-tool", detail: `cannot test: ${from.service}'s image has no TCP tool (bash, nc)` });
      const r = await run(engine, from.id, tcp.cmd, signal);
      const cause = classifyTcp(r.exitCode, r.output, r.timedOut);
      rows.push(
        cause === null
          ? { ...base, check, status: "PASS", detail: `connected to ${dep.service}:${port} (${tcp.tool})` }
          : {
              ...base,
              check,
              status: "FAIL",
              cause,
              detail: `${dep.service}:${port}: ${cause === "timeout" ? "no answer in time" : oneLine(r.output) || `exit ${r.exitCode}`} (${tcp.tool})`,
            },
      );
    }),
  );
  return rows;
}

/** Every dependant container against every service it depends on. */
export async function checkFromInside(engine: Engine, containers: ServiceContainerInfo[], signal?: AbortSignal): Promise<ConnectivityCheck[]> {
  const byService = new Map<string, ServiceContainerInfo[]>();
  for (const c of containers) (byService.get(c.service) ?? byService.set(c.service, []).get(c.service)!).push(c);
  const rows = await Promise.all(
    containers
      .filter((c) => c.dependsOn.length > 0)
      .map(async (from) => {
        if (!from.running) {
          return from.dependsOn.map((to): ConnectivityCheck => ({
            from: from.service,
            fromContainer: from.name,
            to,
            check: "name",
            status: "SKIP",
            cause: "not-running",
            detail: `cannot test from ${from.name}: it is not running (${from.status})`,
          }));
        }
        const detect = await run(engine, from.id, DETECT_TOOLS, signal);
        const tools = detect.exitCode === 0 ? parseTools(detect.output) : new Set<Tool>();
        const pairs = await Promise.all(
          from.dependsOn.map(async (to) => {
            const deps = byService.get(to);
            if (!deps)
              return [
                {
                  from: from.service,
                  fromContainer: from.name,
                  to,
                  check: "name",
                  status: "FAIL",
                  cause: "not-running",
                  detail: `${to} has no container in this environment`,
                } satisfies ConnectivityCheck,
              ];
            return checkPair(engine, from, tools, deps, signal);
          }),
        );
        return pairs.flat();
      }),
  );
  return rows.flat();
}
