/**
 * dockerode's options for the engine discovery chose. Its own module so that the published
 * declarations of connect.ts (a public entry) never name dockerode's types, which consumers do not install.
 */
import { Agent as HttpsAgent } from "node:https";
import type Docker from "dockerode";
import { BerthError } from "../errors.js";
import type { EngineChoice } from "./discovery.js";

/** dockerode's options for the chosen engine; throws USAGE for an address form berth cannot use. */
export function clientOptions(choice: EngineChoice): { opts: Docker.DockerOptions; endpoint: string } {
  const host = choice.host;
  if (host.startsWith("unix://")) {
    const socketPath = host.slice("unix://".length);
    return { opts: { socketPath }, endpoint: host };
  }
  if (host.startsWith("tcp://") || host.startsWith("http://") || host.startsWith("https://")) {
    const url = new URL(host.replace(/^tcp:/, "http:"));
    const tls = choice.tls;
    const secure = tls !== undefined || host.startsWith("https");
    const port = Number(url.port || (secure ? 2376 : 2375));
    // The CLI's TLS without verification (DOCKER_TLS without DOCKER_TLS_VERIFY, SkipTLSVerify) accepts any server certificate.
    const tlsOpts = !tls
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
