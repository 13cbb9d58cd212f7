/**
 * The HTTP side of `berth serve`: node:http with limits that keep bad clients from hurting good
 * ones (header size and count, header and request deadlines checked every second, keep-alive, and a
 * connection guard that closes silent sockets and sheds the oldest idle ones at the per-address and
 * overall limits), read-only (GET and HEAD), token-checked when a token is set, protected from DNS
 * rebinding when it is not (only loopback Host names are answered), and closed to requests a
 * browser marks as coming from another site.
 */
import { randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo, Socket } from "node:net";
import { BerthError } from "../errors.js";
import { TokenAuth } from "./auth.js";
import { ConnectionGuard } from "./connection-guard.js";
import { foreignOriginReason } from "./request-origin.js";
import { isLoopback, type ServeOptions } from "./options.js";
import { route, type RouteContext } from "./routes.js";
import { SseHub } from "./sse.js";
import type { StatusService } from "./status-service.js";

export const LIMITS = {
  maxHeaderSize: 16 * 1024,
  maxHeadersCount: 64,
  /** A client must send its whole header within this (slowloris). */
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxRequestsPerSocket: 1000,
  /** Overall and per client address; at the limit the oldest idle connection is shed. */
  maxConnections: 256,
  maxConnectionsPerAddress: 64,
  /** Accepted beyond maxConnections when every connection is busy (none idle to shed). */
  reserveConnections: 16,
  /** A connection that sends nothing this long after connecting is closed. */
  silentTimeoutMs: 2_000,
  /** Backstop behind node's header and keep-alive deadlines for a connection with no request in flight. */
  idleTimeoutMs: 8_000,
  /** A response (not an event stream) unfinished after this long is cut off: its client stopped reading. */
  responseTimeoutMs: 60_000,
  maxEventStreams: 64,
  maxEventStreamsPerAddress: 16,
} as const;

export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", "x-content-type-options": "nosniff", ...headers });
  res.end(text);
}

/** The Host header's name without the port ("[::1]:80" → "::1"). */
function hostName(header: string | undefined): string {
  const h = (header ?? "").trim().toLowerCase();
  if (h.startsWith("[")) return h.slice(1, h.indexOf("]"));
  const colon = h.lastIndexOf(":");
  return colon >= 0 ? h.slice(0, colon) : h;
}

function listenError(error: NodeJS.ErrnoException, o: ServeOptions): Error {
  const where = `${o.host}:${o.port}`;
  if (error.code === "EADDRINUSE") {
    return new BerthError("PORT_IN_USE", `cannot serve on ${where}: the port is already in use`, {
      hint: "Choose another with --port, or --port 0 for any free one.",
      cause: error,
    });
  }
  if (error.code === "EADDRNOTAVAIL" || error.code === "ENOTFOUND" || error.code === "EAI_AGAIN") {
    return new BerthError("USAGE", `cannot serve on ${where}: no such address on this machine`, {
      hint: "Use 127.0.0.1 (the default), 0.0.0.0, or one of this machine's addresses.",
      cause: error,
    });
  }
  if (error.code === "EACCES") {
    return new BerthError("USAGE", `cannot serve on ${where}: permission denied`, {
      hint: "Ports below 1024 need privileges; use a higher --port.",
      cause: error,
    });
  }
  return new BerthError("USAGE", `cannot serve on ${where}: ${error.message}`, { cause: error });
}

export async function startHttpServer(service: StatusService, o: ServeOptions): Promise<RunningServer> {
  const auth = o.token ? new TokenAuth(o.token) : undefined;
  const sse = new SseHub(LIMITS.maxEventStreams, LIMITS.maxEventStreamsPerAddress);
  const guard = new ConnectionGuard<Socket>({
    maxConnections: LIMITS.maxConnections,
    maxPerAddress: LIMITS.maxConnectionsPerAddress,
    reserve: LIMITS.reserveConnections,
    silentMs: LIMITS.silentTimeoutMs,
    idleMs: LIMITS.idleTimeoutMs,
    busyMs: LIMITS.responseTimeoutMs,
  });
  const ctx: RouteContext = { service, sse, nonce: () => randomBytes(16).toString("base64"), onStream: (req) => guard.streamStarted(req.socket) };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const url = new URL(req.url ?? "/", "http://berth.invalid");
    if (req.method !== "GET" && req.method !== "HEAD") {
      return sendJson(res, 405, { ok: false, reason: `${req.method} is not allowed: this server is read-only` }, { allow: "GET, HEAD" });
    }
    const foreign = foreignOriginReason(url.pathname, req.headers);
    if (foreign) return sendJson(res, 403, { ok: false, reason: foreign });
    // Without a token, a web page elsewhere could reach this loopback server through a DNS name
    // that resolves to 127.0.0.1 (DNS rebinding); its requests carry that name as Host.
    if (!auth && !isLoopback(hostName(req.headers.host)) && hostName(req.headers.host) !== o.host.toLowerCase()) {
      return sendJson(res, 403, { ok: false, reason: `Host ${req.headers.host ?? "(none)"} is not this server's loopback address` });
    }
    if (auth) {
      const r = auth.check(req, url);
      if (!r.ok) return sendJson(res, 401, { ok: false, reason: r.reason }, { "www-authenticate": 'Bearer realm="berth"' });
      if (r.setCookie) res.setHeader("set-cookie", r.setCookie);
      if (r.redirectTo) {
        res.writeHead(303, { location: r.redirectTo, "cache-control": "no-store" });
        return void res.end();
      }
    }
    await route(req, res, url, ctx);
  };

  const server: Server = createServer(
    {
      maxHeaderSize: LIMITS.maxHeaderSize,
      headersTimeout: LIMITS.headersTimeoutMs,
      requestTimeout: LIMITS.requestTimeoutMs,
      keepAliveTimeout: LIMITS.keepAliveTimeoutMs,
      // Node checks the two deadlines above only this often (default 30 s).
      connectionsCheckingInterval: 1000,
    },
    (req, res) => {
      guard.requestStarted(req.socket);
      res.once("close", () => guard.requestEnded(req.socket));
      handle(req, res).catch((error: unknown) => {
        if (res.headersSent) return void res.destroy();
        sendJson(res, 500, { ok: false, reason: `internal error: ${(error as Error)?.message ?? String(error)}` });
      });
    },
  );
  server.maxHeadersCount = LIMITS.maxHeadersCount;
  server.maxRequestsPerSocket = LIMITS.maxRequestsPerSocket;
  // No server.maxConnections: node would refuse newcomers once silent sockets fill it; the guard sheds those instead.
  server.on("connection", (socket: Socket) => {
    if (guard.admit(socket) === "refused") return;
    socket.once("close", () => guard.closed(socket));
  });
  const sweeper = setInterval(() => guard.sweep(), 250);
  sweeper.unref();
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) => {
    if (!socket.writable) return void socket.destroy();
    const status =
      error.code === "HPE_HEADER_OVERFLOW"
        ? "431 Request Header Fields Too Large"
        : error.code === "ERR_HTTP_REQUEST_TIMEOUT"
          ? "408 Request Timeout"
          : "400 Bad Request";
    const body = JSON.stringify({ ok: false, reason: status.slice(4) });
    socket.end(`HTTP/1.1 ${status}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) => reject(listenError(error, o)));
    server.listen(o.port, o.host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const shown = o.host.includes(":") ? `[${o.host}]` : o.host;

  const onChange = () => sse.broadcast("state", service.snapshot());
  service.onChangeListeners.add(onChange);
  return {
    url: `http://${shown}:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        service.onChangeListeners.delete(onChange);
        clearInterval(sweeper);
        sse.close();
        server.close(() => resolve());
        server.closeAllConnections();
        guard.closeAll();
      }),
  };
}
