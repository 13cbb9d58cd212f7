/**
 * What `berth serve` is asked to do, validated before anything listens. Pure.
 */
import { isIP } from "node:net";
import { BerthError } from "../errors.js";

export interface ServeOptions {
  /** Address to bind; default 127.0.0.1. */
  host: string;
  /** TCP port; 0 lets the OS pick one (printed once listening). */
  port: number;
  /** Required on every request when set; mandatory for a non-loopback host. */
  token?: string;
  /** How far back the engine's event history is replayed at start to backfill the duration metrics, ms. */
  historyMs: number;
}

export const DEFAULT_PORT = 9477;
export const DEFAULT_HISTORY_MS = 60 * 60_000;
/** A token shorter than this is guessable over a network in reasonable time. */
const MIN_TOKEN_LENGTH = 16;

/** Whether `host` only accepts connections from this machine. */
export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  if (h === "localhost" || h === "::1") return true;
  if (isIP(h) === 4) return h.startsWith("127.");
  return /^::ffff:127\./.test(h);
}

/**
 * Refuses a bind that would expose engine state (service names, ports, logs) to the network
 * without a token, and a token too short to protect it.
 */
export function validateServeOptions(o: { host?: string; port?: string | number; token?: string; historyMs?: number }): ServeOptions {
  const host = (o.host ?? "127.0.0.1").trim();
  if (!host) throw new BerthError("USAGE", "--host is empty", { hint: "Give an address such as 127.0.0.1 (the default) or 0.0.0.0." });
  const port = typeof o.port === "number" ? o.port : o.port === undefined ? DEFAULT_PORT : Number(o.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new BerthError("USAGE", `--port ${o.port}: not a TCP port`, { hint: "Use a number from 1 to 65535, or 0 to let the system pick a free one." });
  }
  const token = o.token === undefined || o.token === "" ? undefined : o.token;
  if (!isLoopback(host) && token === undefined) {
    throw new BerthError(
      "USAGE",
      `refusing to serve on ${host} without a token: anyone who can reach that address would see every environment, its ports and its logs`,
      {
        hint: "Add --token <secret> (at least 16 characters; clients send `Authorization: Bearer <secret>`), or bind to 127.0.0.1 (the default).",
      },
    );
  }
  if (token !== undefined && token.length < MIN_TOKEN_LENGTH) {
    throw new BerthError("USAGE", `--token is ${token.length} characters long; use at least ${MIN_TOKEN_LENGTH}`, {
      hint: "Generate one, e.g. `openssl rand -hex 24`.",
    });
  }
  if (token !== undefined && !/^[\x21-\x7e]+$/.test(token)) {
    throw new BerthError("USAGE", "--token may only contain printable ASCII characters without spaces", { hint: "Generate one, e.g. `openssl rand -hex 24`." });
  }
  return { host, port, ...(token ? { token } : {}), historyMs: o.historyMs ?? DEFAULT_HISTORY_MS };
}
