/**
 * dockerode's options for the engine discovery chose. Its own module so that the published
 * declarations of connect.ts (a public entry) never name dockerode's types, which consumers do not install.
 */
import { Agent, type AgentOptions } from "node:http";
import { Agent as HttpsAgent } from "node:https";
import { inspect } from "node:util";
import type Docker from "dockerode";
import { BerthError } from "../errors.js";
import type { EngineChoice } from "./discovery.js";

/** dockerode's options, and the agent docker-modem takes (its typings have it; dockerode's lack it). */
type ClientOptions = Docker.DockerOptions & { agent?: Agent };

/** dockerode's options for the chosen engine; throws USAGE for an address form berth cannot use. */
export function clientOptions(choice: EngineChoice): { opts: ClientOptions; endpoint: string } {
  const host = choice.host;
  if (host.startsWith("unix://")) {
    const socketPath = host.slice("unix://".length);
    return { opts: { socketPath, agent: plainHttpAgent() }, endpoint: host };
  }
  if (host.startsWith("tcp://") || host.startsWith("http://") || host.startsWith("https://")) {
    const url = new URL(host.replace(/^tcp:/, "http:"));
    const tls = choice.tls;
    const secure = tls !== undefined || host.startsWith("https");
    const port = Number(url.port || (secure ? 2376 : 2375));
    // The CLI's TLS without verification (DOCKER_TLS without DOCKER_TLS_VERIFY, SkipTLSVerify) accepts any server certificate.
    const tlsOpts = !secure
      ? { agent: plainHttpAgent() }
      : !tls
        ? {}
        : tls.verify
          ? { ca: tls.ca, cert: tls.cert, key: tls.key }
          : { cert: tls.cert, key: tls.key, agent: new HttpsAgent({ rejectUnauthorized: false }) };
    return {
      opts: { host: url.hostname.replace(/^\[(.*)\]$/, "$1"), port, protocol: secure ? "https" : "http", ...tlsOpts },
      endpoint: host,
    };
  }
  if (host.startsWith("ssh://")) {
    const url = new URL(host);
    return {
      opts: {
        protocol: "ssh",
        host: url.hostname,
        port: Number(url.port || 22),
        ...(url.username ? { username: decodeURIComponent(url.username) } : {}),
      },
      endpoint: host,
    };
  }
  throw new BerthError("USAGE", `the engine address ${host} (${choice.why}) is not a form berth understands`, {
    hint: "Use unix:///path/to/docker.sock, tcp://HOST:PORT or ssh://USER@HOST.",
  });
}

/**
 * The connections to an engine spoken to in plain HTTP (a unix socket, tcp:// without TLS): Node's
 * global agent's settings, plus an empty TLS server name. Why: for every new connection Node's
 * agent derives a TLS server name from the host with net.isIP, whose first call compiles its IPv6
 * pattern, ~3 ms on the path of every berth command's first request, for a name only TLS uses.
 * It inspects as one word: docker-modem runs util.inspect (showHidden, unlimited depth) on every
 * request's options, agent included, even with its debug log off (the CLI's bundle skips that
 * call; a program that imports berth does not), and walking the agent's sockets and queues would
 * cost ~0.1 ms per request.
 */
function plainHttpAgent(): Agent {
  const agent = new Agent({ keepAlive: true, scheduling: "lifo", timeout: 5000, servername: "" } as AgentOptions);
  Object.defineProperty(agent, inspect.custom, { value: () => "[berth plain HTTP agent]" });
  return agent;
}
