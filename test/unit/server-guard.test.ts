/**
 * The status server's connection guard and cross-site check (pure decisions, fake sockets and a fake
 * clock); the real server under a flood is test/integration/server-lockout.test.ts.
 */
import { describe, expect, it } from "vitest";
import { ConnectionGuard, type GuardLimits } from "../../src/server/connection-guard.js";
import { foreignOriginReason } from "../../src/server/request-origin.js";

class FakeSocket {
  destroyed = false;
  bytesRead = 0;
  constructor(
    readonly remoteAddress: string,
    readonly id: string,
  ) {}
  destroy(): void {
    this.destroyed = true;
  }
}

const LIMITS: GuardLimits = { maxConnections: 4, maxPerAddress: 3, reserve: 1, silentMs: 2000, idleMs: 8000, busyMs: 60_000 };

function setup(limits: GuardLimits = LIMITS) {
  let t = 0;
  const guard = new ConnectionGuard<FakeSocket>(limits, () => t);
  let n = 0;
  const open = (address = "10.0.0.1") => {
    const s = new FakeSocket(address, `s${++n}`);
    return { s, admission: guard.admit(s) };
  };
  return { guard, open, advance: (ms: number) => (t += ms) };
}

describe("connection guard", () => {
  it("at the per-address limit sheds that address's oldest idle connection, not another client's", () => {
    const { guard, open } = setup();
    const other = open("10.0.0.9").s;
    const a = [open().s, open().s, open().s];
    const fourth = open();
    expect(fourth.admission).toBe("shed-oldest");
    expect(a.map((s) => s.destroyed)).toEqual([true, false, false]);
    expect(other.destroyed).toBe(false);
    expect(guard.size).toBe(4);
  });

  it("never sheds a connection with a request in flight or an event stream; refuses a newcomer when nothing can go", () => {
    const { guard, open } = setup();
    const busy = [open().s, open().s, open().s];
    guard.requestStarted(busy[0]!);
    guard.requestStarted(busy[1]!);
    guard.streamStarted(busy[2]!);
    const refused = open();
    expect(refused.admission).toBe("refused");
    expect(refused.s.destroyed).toBe(true);
    expect(busy.some((s) => s.destroyed)).toBe(false);
    // Its response done, a connection is idle again and can be shed.
    guard.requestEnded(busy[0]!);
    expect(open().admission).toBe("shed-oldest");
    expect(busy[0]!.destroyed).toBe(true);
  });

  it("overall: sheds the oldest idle of any address; when every connection is busy, admits up to the reserve", () => {
    const { guard, open } = setup();
    const first = open("10.0.0.1").s;
    for (const a of ["10.0.0.2", "10.0.0.3", "10.0.0.4"]) open(a);
    expect(open("10.0.0.5").admission).toBe("shed-oldest");
    expect(first.destroyed).toBe(true);
    const { guard: g2, open: open2 } = setup();
    for (const a of ["a", "b", "c", "d"]) g2.requestStarted(open2(a).s);
    const reserve = open2("e");
    expect(reserve.admission).toBe("accepted");
    g2.requestStarted(reserve.s);
    expect(open2("f").admission).toBe("refused");
    expect(guard.counts).toMatchObject({ shed: 1, refused: 0 });
  });

  it("closes a connection that sent nothing after silentMs, one with bytes but no request after idleMs", () => {
    const { guard, open, advance } = setup({ ...LIMITS, maxPerAddress: 10, maxConnections: 10 });
    const silent = open().s;
    const partial = open().s;
    partial.bytesRead = 40;
    const busy = open().s;
    guard.requestStarted(busy);
    advance(1999);
    guard.sweep();
    expect(silent.destroyed).toBe(false);
    advance(1);
    guard.sweep();
    expect([silent.destroyed, partial.destroyed, busy.destroyed]).toEqual([true, false, false]);
    advance(6000);
    guard.sweep();
    expect([partial.destroyed, busy.destroyed]).toEqual([true, false]);
    expect(guard.counts).toMatchObject({ silent: 1, idle: 1 });
    expect(guard.size).toBe(1);
  });

  it("cuts off a response unfinished after busyMs (a client that stopped reading), never an event stream", () => {
    const { guard, open, advance } = setup();
    const stuck = open().s;
    const stream = open().s;
    guard.requestStarted(stuck);
    guard.requestStarted(stream);
    guard.streamStarted(stream);
    advance(59_999);
    guard.sweep();
    expect(stuck.destroyed).toBe(false);
    advance(1);
    guard.sweep();
    expect([stuck.destroyed, stream.destroyed]).toEqual([true, false]);
    expect(guard.counts.stalled).toBe(1);
  });

  it("sheds a never-answered connection before an older kept-alive one of a client it has answered (a flood must not close a real client's pooled socket)", () => {
    const { guard, open } = setup();
    const pooled = open().s;
    guard.requestStarted(pooled);
    guard.requestEnded(pooled);
    const flood = [open().s, open().s];
    expect(open().admission).toBe("shed-oldest");
    expect(pooled.destroyed).toBe(false);
    expect(flood.map((s) => s.destroyed)).toEqual([true, false]);
    // With only answered connections idle, the oldest of them goes.
    const { guard: g2, open: open2 } = setup();
    const answered = [open2().s, open2().s, open2().s];
    for (const s of answered) {
      g2.requestStarted(s);
      g2.requestEnded(s);
    }
    expect(open2().admission).toBe("shed-oldest");
    expect(answered.map((s) => s.destroyed)).toEqual([true, false, false]);
  });

  it("forgets closed connections, so their address may open new ones", () => {
    const { guard, open } = setup();
    const a = [open().s, open().s, open().s];
    for (const s of a) guard.requestStarted(s);
    for (const s of a) guard.closed(s);
    expect(guard.size).toBe(0);
    expect(open().admission).toBe("accepted");
  });
});

describe("cross-site requests", () => {
  const host = "127.0.0.1:9477";
  it("refuses what a browser marks as coming from another site, except a navigation to the page", () => {
    expect(foreignOriginReason("/api/health/p", { host, "sec-fetch-site": "cross-site", "sec-fetch-mode": "no-cors" })).toMatch(/another site/);
    expect(foreignOriginReason("/api/state", { host, "sec-fetch-site": "same-site" })).toMatch(/another site/);
    expect(foreignOriginReason("/", { host, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" })).toBeNull();
    expect(foreignOriginReason("/api/events", { host, "sec-fetch-site": "same-origin", origin: "http://127.0.0.1:9477" })).toBeNull();
    expect(foreignOriginReason("/api/events", { host, "sec-fetch-site": "none" })).toBeNull();
  });

  it("refuses a foreign or opaque Origin; clients without browser headers (curl, Prometheus) pass", () => {
    expect(foreignOriginReason("/metrics", { host, origin: "http://evil.example" })).toMatch(/Origin http:\/\/evil.example/);
    expect(foreignOriginReason("/metrics", { host, origin: "null" })).toMatch(/Origin null/);
    expect(foreignOriginReason("/metrics", { host, origin: "http://127.0.0.1:1" })).toMatch(/not this server/);
    expect(foreignOriginReason("/metrics", { host })).toBeNull();
    expect(foreignOriginReason("/health", { host: "[::1]:9477", origin: "http://[::1]:9477" })).toBeNull();
  });
});
