/** Failure patterns of the network: a port taken, a name that does not resolve, a refused connection. */
import type { ContainerFacts, EnvironmentFacts } from "./facts.js";
import { evidenceOf, findLine, type Pattern } from "./text-sources.js";

export const addressInUse: Pattern = (f, _env, lines) => {
  const hit = findLine(lines, [
    /address already in use/i,
    /\bEADDRINUSE\b/,
    /bind\(\) to \S+ failed \(98/,
    /\bAddress in use\b/i,
    /port is already allocated/i,
  ]);
  if (!hit) return null;
  const port = /(?::|port\s+)(\d{2,5})\b/i.exec(hit.line.text)?.[1];
  return {
    pattern: "address-in-use",
    title: "address already in use",
    cause: `${f.service} tried to listen on ${port ? `port ${port}` : "a port"} that something already holds: a second server process in the same container, a service sharing its network (network_mode: service:…), or, for a fixed host port, another program on the host.`,
    fix: `Start only one server per port (check the command/entrypoint for a second start), give the service another port${port ? ` than ${port}` : ""}, or free the host port (\`berth doctor\` and \`ss -ltnp\` show who holds it).`,
    evidence: evidenceOf(hit.line),
    source: hit.line.source,
  };
};

/** The service a log line talks about: a dependency's name or one of the environment's addresses. */
function peerIn(text: string, f: ContainerFacts, env: EnvironmentFacts): string | undefined {
  for (const [ip, service] of Object.entries(env.addresses)) if (text.includes(ip) && service !== f.service) return service;
  const candidates = [...f.dependsOn, ...env.services.filter((s) => s !== f.service)];
  return candidates.find((s) => new RegExp(`(^|[^\\w.-])${s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}([^\\w-]|$)`).test(text));
}

export const connectionRefused: Pattern = (f, env, lines) => {
  const hit = findLine(lines, [/connection refused/i, /\bECONNREFUSED\b/, /could not connect to server/i, /Is the server running on host/i], ["logs"]);
  if (!hit) return null;
  const peer = peerIn(hit.line.text, f, env);
  const port = /:(\d{2,5})\b/.exec(hit.line.text)?.[1] ?? /port (\d{2,5})/i.exec(hit.line.text)?.[1];
  const dependency = peer && f.dependsOn.includes(peer);
  return {
    pattern: "connection-refused",
    title: peer ? `connection refused by ${dependency ? "its dependency " : ""}${peer}` : "connection refused",
    cause: peer
      ? `${f.service} reached ${peer}'s container, but nothing listened on ${port ? `port ${port}` : "the port"} there: ${peer} was not ready yet, listens on another port, or only on 127.0.0.1 inside its container.`
      : `${f.service} connected to an address where nothing listened${port ? ` on port ${port}` : ""}.`,
    fix: peer
      ? `${dependency ? "" : `Add ${peer} to ${f.service}'s depends_on and `}wait for it with condition: service_healthy (give ${peer} a healthcheck or an x-berth.ready probe); check that ${peer} listens on 0.0.0.0${port ? `:${port}` : ""}; make ${f.service} retry its connection at start.`
      : "Check the host and port the service connects to, and that the target is started and ready first (depends_on with condition: service_healthy).",
    evidence: evidenceOf(hit.line),
    source: hit.line.source,
  };
};

export const dnsFailure: Pattern = (f, env, lines) => {
  const hit = findLine(
    lines,
    [
      /bad address '([^']+)'/,
      /could not translate host name "([^"]+)"/,
      /getaddrinfo (?:ENOTFOUND|EAI_AGAIN) (\S+)/,
      /can't find ([^\s:]+): NXDOMAIN/,
      /Name or service not known/i,
      /Temporary failure in name resolution/i,
      /Name does not resolve/i,
      /no such host/i,
      /Unknown host/i,
    ],
    ["logs", "health check"],
  );
  if (!hit) return null;
  const name = hit.match[1]?.replace(/[:,].*$/, "") ?? /(?:lookup|host) "?([\w.-]+)"?/i.exec(hit.line.text)?.[1];
  const known = name && env.services.includes(name);
  const similar = name ? env.services.find((s) => s.toLowerCase() === name.toLowerCase() || s.startsWith(name) || name.startsWith(s)) : undefined;
  return {
    pattern: "dns-not-resolving",
    title: name ? `name "${name}" does not resolve` : "a host name does not resolve",
    cause:
      name && !known
        ? `${f.service} looked up "${name}", but no service of this environment has that name${similar ? ` (did you mean "${similar}"?)` : ""} and the engine's DNS knows no such host.`
        : `${f.service} looked up ${name ? `"${name}"` : "a host"}${known ? ", a service of this environment, but it is not on a network the two share (or it is not running)" : ""}.`,
    fix:
      name && !known
        ? `Use the service's name as the host (services: ${env.services.join(", ")}), or add a network alias / extra_hosts entry for "${name}".`
        : "Put both services on a common network (services.*.networks) and make sure the target is running; `berth validate` checks every dependency's name and ports from inside.",
    evidence: evidenceOf(hit.line),
    source: hit.line.source,
  };
};
