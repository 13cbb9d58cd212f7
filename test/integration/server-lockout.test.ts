/**
 * `berth serve` under a connection flood (issue 16, item 2): hundreds of TCP connections that never
 * send a byte, or dribble half a header (slowloris), must not lock other clients out. Against the
 * real server binary, loopback only: /health/liveness still answers 200 while they are open, and the
 * server itself closes them. Also bound to 0.0.0.0 with a token (a connection needs no token).
 * Event streams survive the flood and are bounded per client address.
 */
import { connect, type Socket } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { serve, type Served } from "./server-helpers.js";

const TOKEN = "lockout-token-0123456789abcdef";
const FLOOD = 300;
/** A bound on the waits below, not a speed claim: the server closes silent sockets within seconds. */
const DEADLINE_MS = 60_000;

interface Flood {
  sockets: Socket[];
  /** Resolves when the server has closed every one of them (we never close them ourselves). */
  allClosed: Promise<void>;
  destroy(): void;
}

/** Opens `n` connections to 127.0.0.1:port, each sending `payload` (maybe nothing) and then silence. */
async function flood(port: number, n: number, payload = ""): Promise<Flood> {
  const sockets: Socket[] = [];
  const closed: Promise<void>[] = [];
  const connected: Promise<void>[] = [];
  for (let i = 0; i < n; i++) {
    const s = connect(port, "127.0.0.1");
    s.on("error", () => undefined); // a reset by the server is what we expect
    s.on("data", () => undefined);
    closed.push(new Promise((r) => s.once("close", () => r())));
    connected.push(
      new Promise((r) => {
        s.once("connect", () => {
          if (payload) s.write(payload);
          r();
        });
        s.once("close", () => r());
      }),
    );
    sockets.push(s);
  }
  await Promise.all(connected);
  return { sockets, allClosed: Promise.all(closed).then(() => undefined), destroy: () => sockets.forEach((s) => s.destroy()) };
}

function within<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} did not happen within ${DEADLINE_MS} ms`)), DEADLINE_MS)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function liveness(port: number, headers: Record<string, string> = {}): Promise<number> {
  const r = await fetch(`http://127.0.0.1:${port}/health/liveness`, { headers, signal: AbortSignal.timeout(15_000) });
  await r.text();
  return r.status;
}

const portOf = (s: Served) => Number(new URL(s.url).port);

describe("berth serve under a connection flood", () => {
  let server: Served;
  beforeAll(async () => {
    server = await serve();
  });
  afterAll(async () => {
    await server.stop();
  });

  it(`answers /health/liveness while ${FLOOD} silent connections are open, and closes them itself`, async () => {
    const f = await flood(portOf(server), FLOOD);
    try {
      expect(await liveness(portOf(server))).toBe(200);
      await within(f.allClosed, "the server closing every silent connection");
      expect(await liveness(portOf(server))).toBe(200);
    } finally {
      f.destroy();
    }
  });

  it(`answers /health/liveness while ${FLOOD} connections dribble half a header (slowloris), and closes them itself`, async () => {
    const f = await flood(portOf(server), FLOOD, "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: a");
    try {
      expect(await liveness(portOf(server))).toBe(200);
      await within(f.allClosed, "the server closing every half-sent request");
    } finally {
      f.destroy();
    }
  });

  it("keeps event streams through a flood, and bounds them per client address (503 beyond)", async () => {
    const streams: AbortController[] = [];
    // Held until the end: undici cancels the body of a Response that is garbage-collected unread,
    // which closes its stream (a GC during the flood once closed one and the check below saw 15).
    const responses: Response[] = [];
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 17; i++) {
        const c = new AbortController();
        streams.push(c);
        const r = await fetch(`${server.url}/api/events`, { signal: c.signal });
        responses.push(r);
        statuses.push(r.status);
        if (r.status !== 200) await r.text();
      }
      expect(statuses.slice(0, 16)).toEqual(Array(16).fill(200));
      expect(statuses[16]).toBe(503);
      const f = await flood(portOf(server), FLOOD);
      try {
        expect(await liveness(portOf(server))).toBe(200);
        await within(f.allClosed, "the server closing every silent connection");
      } finally {
        f.destroy();
      }
      // The streams were neither shed nor timed out: still 16 open, so one more is still refused.
      const more = await fetch(`${server.url}/api/events`);
      expect(more.status).toBe(503);
      await more.text();
    } finally {
      for (const c of streams) c.abort();
      responses.length = 0;
    }
  });
});

describe("berth serve --host 0.0.0.0 --token under a connection flood", () => {
  it(`answers /health/liveness (with the token) while ${FLOOD} silent connections are open, and closes them itself`, async () => {
    const server = await serve(["--host", "0.0.0.0"], { BERTH_SERVE_TOKEN: TOKEN });
    try {
      const f = await flood(portOf(server), FLOOD);
      try {
        expect(await liveness(portOf(server), { authorization: `Bearer ${TOKEN}` })).toBe(200);
        await within(f.allClosed, "the server closing every silent connection");
      } finally {
        f.destroy();
      }
    } finally {
      await server.stop();
    }
  });
});
