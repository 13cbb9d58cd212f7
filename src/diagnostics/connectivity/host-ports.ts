/**
 * Checks from the host: every published TCP port must accept a connection. The engine's userland
 * proxy accepts first and hangs up when the container refuses, so a connection counts only if it
 * is not closed at once.
 */
import { connect } from "node:net";
import { hostAddress } from "../../ports/bindings.js";
import type { ConnectivityCheck, FailureCause } from "./model.js";
import type { ServiceContainerInfo } from "./targets.js";

const CONNECT_TIMEOUT_MS = 3000;
const PROXY_GRACE_MS = 150;

/** null when connected and still connected after the grace period; else why not. */
export function hostConnect(host: string, port: number, signal?: AbortSignal): Promise<{ cause: FailureCause; detail: string } | null> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    let timer: NodeJS.Timeout;
    const finish = (r: { cause: FailureCause; detail: string } | null) => {
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      socket.destroy();
      resolve(r);
    };
    const onAbort = () => finish({ cause: "error", detail: "cancelled" });
    signal?.addEventListener("abort", onAbort, { once: true });
    timer = setTimeout(() => finish({ cause: "timeout", detail: `no answer within ${CONNECT_TIMEOUT_MS} ms` }), CONNECT_TIMEOUT_MS);
    socket.once("error", (e: NodeJS.ErrnoException) =>
      finish({ cause: e.code === "ECONNREFUSED" ? "refused" : e.code === "EHOSTUNREACH" ? "unreachable" : "error", detail: e.message }),
    );
    socket.once("connect", () => {
      clearTimeout(timer);
      socket.once("close", () => finish({ cause: "closed", detail: "accepted, then closed at once: nothing listens on that port inside the container" }));
      socket.once("data", () => finish(null));
      timer = setTimeout(() => finish(null), PROXY_GRACE_MS);
    });
  });
}

export async function checkFromHost(containers: ServiceContainerInfo[], signal?: AbortSignal): Promise<ConnectivityCheck[]> {
  const rows = await Promise.all(
    containers.flatMap((c) =>
      c.published
        .filter((p) => p.protocol === "tcp")
        .map(async (p): Promise<ConnectivityCheck> => {
          const address = hostAddress(p);
          const base = { from: "host", fromContainer: "host", to: c.service, check: `${address}→${p.containerPort}/tcp` };
          if (!c.running) return { ...base, status: "FAIL", cause: "not-running", detail: `${c.name} is not running (${c.status})` };
          const [host, port] = [address.slice(0, address.lastIndexOf(":")).replace(/^\[|\]$/g, ""), p.hostPort];
          const r = await hostConnect(host, port, signal);
          return r
            ? { ...base, status: "FAIL", ...r, detail: `${address}: ${r.detail}` }
            : { ...base, status: "PASS", detail: `${address} answers (${c.name})` };
        }),
    ),
  );
  return rows;
}
