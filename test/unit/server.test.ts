/**
 * The status server's pure parts: option checks, token checks, event-derived timings, the graph
 * layout and the state roll-ups.
 */
import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { isBerthError } from "../../src/errors.js";
import { LABEL } from "../../src/labels.js";
import { COOKIE_NAME, TokenAuth } from "../../src/server/auth.js";
import { layoutGraph } from "../../src/server/graph-layout.js";
import { isLoopback, validateServeOptions } from "../../src/server/options.js";
import { pageHtml } from "../../src/server/page/html.js";
import { LiveModel, withOom, withProof, type ContainerRecord } from "../../src/server/live-model.js";
import { StatsCache, type StatSample } from "../../src/server/stats-cache.js";
import { EventFeed, RESUME_OVERLAP_MS } from "../../src/server/event-feed.js";
import { EventTimings, type TimingEvent, type TimingSink } from "../../src/server/timings.js";
import { environmentState, worstState } from "../../src/server/view.js";

const TOKEN = "0123456789abcdef0123";

describe("serve options", () => {
  it("binds 127.0.0.1 by default and knows loopback addresses", () => {
    expect(validateServeOptions({})).toMatchObject({ host: "127.0.0.1", port: 9477 });
    for (const h of ["127.0.0.1", "127.1.2.3", "localhost", "::1", "[::1]", "::ffff:127.0.0.1"]) expect(isLoopback(h), h).toBe(true);
    for (const h of ["0.0.0.0", "::", "10.0.0.5", "example.com", "128.0.0.1"]) expect(isLoopback(h), h).toBe(false);
  });

  it("refuses a non-loopback address without a token, naming the fix", () => {
    try {
      validateServeOptions({ host: "0.0.0.0" });
      expect.unreachable();
    } catch (e) {
      expect(isBerthError(e, "USAGE")).toBe(true);
      expect((e as Error).message).toContain("refusing to serve on 0.0.0.0 without a token");
      expect((e as { hint: string }).hint).toContain("--token");
    }
    expect(validateServeOptions({ host: "0.0.0.0", token: TOKEN })).toMatchObject({ host: "0.0.0.0", token: TOKEN });
  });

  it("rejects short tokens and bad ports", () => {
    expect(() => validateServeOptions({ token: "short" })).toThrow(/at least 16/);
    expect(() => validateServeOptions({ token: "has a space in it!!" })).toThrow(/printable ASCII/);
    expect(() => validateServeOptions({ port: "http" })).toThrow(/not a TCP port/);
    expect(() => validateServeOptions({ port: 70000 })).toThrow(/not a TCP port/);
    expect(validateServeOptions({ port: "0" }).port).toBe(0);
  });
});

describe("token auth", () => {
  const auth = new TokenAuth(TOKEN);
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;
  const url = (path: string) => new URL(path, "http://127.0.0.1:9477");

  it("accepts the bearer token and nothing else", () => {
    expect(auth.check(req({ authorization: `Bearer ${TOKEN}` }), url("/metrics"))).toEqual({ ok: true });
    expect(auth.check(req({ authorization: `Bearer ${TOKEN}x` }), url("/metrics")).ok).toBe(false);
    expect(auth.check(req({ authorization: `Basic ${TOKEN}` }), url("/metrics")).ok).toBe(false);
    expect(auth.check(req({}), url("/metrics"))).toEqual({ ok: false, reason: "this server requires a token" });
  });

  it("trades ?token= on the page for an HttpOnly SameSite=Strict cookie and a clean redirect", () => {
    const r = auth.check(req({}), url(`/?token=${TOKEN}&x=1`));
    expect(r).toMatchObject({ ok: true, redirectTo: "/?x=1" });
    const cookie = (r as { setCookie: string }).setCookie;
    expect(cookie).toMatch(new RegExp(`^${COOKIE_NAME}=[0-9a-f]{64}; HttpOnly; SameSite=Strict; Path=/$`));
    expect(cookie).not.toContain(TOKEN);
    const value = cookie.split(";")[0]!;
    expect(auth.check(req({ cookie: `other=1; ${value}` }), url("/api/events"))).toEqual({ ok: true });
    expect(auth.check(req({ cookie: `${COOKIE_NAME}=forged` }), url("/api/events")).ok).toBe(false);
    expect(auth.check(req({}), url("/?token=wrong")).ok).toBe(false);
  });
});

/** Records what EventTimings observes. */
function recorder() {
  const seen: string[] = [];
  const sink: TimingSink = {
    acquire: (o) => seen.push(`acquire ${o.project} ${o.kind} ${o.seconds}`),
    release: (o) => seen.push(`release ${o.project} ${o.seconds}`),
    readiness: (o) => seen.push(`ready ${o.service} ${o.seconds}`),
    restart: (o) => seen.push(`restart ${o.service}`),
    reaped: (o) => seen.push(`reaped ${o.resource}`),
  };
  return { seen, sink };
}

function labels(project: string, service: string, extra: Record<string, string> = {}): Record<string, string> {
  return { [LABEL.managed]: "true", [LABEL.project]: project, [LABEL.service]: service, [LABEL.envKind]: "test", [LABEL.healthcheck]: "true", ...extra };
}

const c = (id: string, action: string, time: number, l: Record<string, string>): TimingEvent => ({ type: "container", action, id, labels: l, time });
const n = (id: string, action: string, time: number, attrs: Record<string, string> = {}): TimingEvent => ({ type: "network", action, id, labels: attrs, time });

/** The shop's order of events as berth's acquire and release produce them (times in ms). */
function shopLifecycle(p: string): TimingEvent[] {
  const pg = labels(p, "postgres");
  const be = labels(p, "backend", { [LABEL.dependsOn]: "postgres" });
  return [
    n("net1", "create", 1000),
    c("pg", "create", 1100, pg),
    c("be", "create", 1150, be),
    n("net1", "connect", 1200, { container: "pg" }),
    c("pg", "start", 1300, pg),
    c("pg", "health_status: healthy", 2800, pg),
    n("net1", "connect", 2900, { container: "be" }),
    c("be", "start", 3000, be),
    c("be", "health_status: healthy", 4000, be),
    c("be", "kill", 9000, be),
    c("be", "die", 9100, be),
    c("be", "destroy", 9200, be),
    c("pg", "kill", 9050, pg),
    c("pg", "destroy", 9300, pg),
    n("net1", "destroy", 9500),
  ];
}

describe("event-derived timings", () => {
  const never = { isOrphan: () => false, liveSinceMs: 0 };

  it("measures acquire from the first create (the network's) to the last service ready, release to the network's removal", () => {
    const { seen, sink } = recorder();
    const t = new EventTimings(sink, never);
    for (const e of shopLifecycle("shop")) t.feed(e);
    expect(seen).toEqual(["ready postgres 1.5", "ready backend 1", "acquire shop test 3", "release shop 0.5"]);
    expect(t.tracked).toBe(0); // a released environment is forgotten
  });

  it("does not call an environment acquired while a service it depends on is missing", () => {
    const { seen, sink } = recorder();
    const t = new EventTimings(sink, never);
    const be = labels("p", "backend", { [LABEL.dependsOn]: "postgres", [LABEL.healthcheck]: "false" });
    t.feed(c("be", "create", 0, be));
    t.feed(c("be", "start", 100, be)); // no healthcheck: ready at start
    expect(seen).toEqual(["ready backend 0"]);
    const pg = labels("p", "postgres");
    t.feed(c("pg", "create", 200, pg));
    t.feed(c("pg", "start", 300, pg));
    t.feed(c("pg", "health_status: healthy", 1300, pg));
    expect(seen).toEqual(["ready backend 0", "ready postgres 1", "acquire p test 1.3"]);
  });

  it("counts a second start as a restart, and a stop followed by a start is not a release", () => {
    const { seen, sink } = recorder();
    const t = new EventTimings(sink, never);
    const a = labels("p", "api", { [LABEL.healthcheck]: "false" });
    for (const e of [c("a", "create", 0, a), c("a", "start", 10, a), c("a", "kill", 500, a), c("a", "die", 510, a), c("a", "start", 700, a)]) t.feed(e);
    expect(seen).toEqual(["ready api 0", "acquire p test 0.01", "restart api", "ready api 0"]);
    t.feed(c("a", "kill", 1000, a));
    t.feed(c("a", "destroy", 1400, a));
    expect(seen.at(-1)).toBe("release p 0.4"); // from the last kill, not the first
  });

  it("a service stopped on its own long before the rest goes is not part of the release", () => {
    const { seen, sink } = recorder();
    const t = new EventTimings(sink, never);
    const a = labels("p", "a", { [LABEL.healthcheck]: "false" });
    const b = labels("p", "b", { [LABEL.healthcheck]: "false" });
    for (const e of [c("a", "create", 0, a), c("b", "create", 0, b), c("a", "start", 10, a), c("b", "start", 10, b)]) t.feed(e);
    t.feed(c("b", "kill", 1000, b));
    t.feed(c("b", "die", 1100, b)); // `berth stop b`
    // A minute later, `berth down`: a's 10 s grace period (SIGTERM ignored) stays one release.
    for (const e of [
      c("a", "kill", 61_000, a),
      c("a", "kill", 71_000, a),
      c("a", "die", 71_100, a),
      c("a", "destroy", 71_300, a),
      c("b", "destroy", 71_400, b),
    ])
      t.feed(e);
    expect(seen.at(-1)).toBe("release p 10.4");
  });

  it("a one-shot job is ready when it exits 0", () => {
    const { seen, sink } = recorder();
    const t = new EventTimings(sink, never);
    const j = labels("p", "migrate", { [LABEL.job]: "true" });
    for (const e of [c("j", "create", 0, j), c("j", "start", 100, j), c("j", "die", 2100, { ...j, exitCode: "0" })]) t.feed(e);
    expect(seen).toEqual(["ready migrate 2", "acquire p test 2.1"]);
  });

  it("counts reaped orphans only for live events, networks through their containers' project", () => {
    const { seen, sink } = recorder();
    const t = new EventTimings(sink, { isOrphan: () => true, liveSinceMs: 9250 });
    for (const e of shopLifecycle("shop")) t.feed(e);
    // be was destroyed at 9200, before the server "started" (replayed history): not counted.
    expect(seen.filter((s) => s.startsWith("reaped"))).toEqual(["reaped container", "reaped network"]);
  });

  it("ignores containers without berth's label and forgets projects the engine no longer has", () => {
    const { seen, sink } = recorder();
    const t = new EventTimings(sink, never);
    t.feed(c("x", "create", 0, { [LABEL.project]: "foreign" }));
    expect(t.tracked).toBe(0);
    t.feed(c("pg", "create", 0, labels("gone", "postgres")));
    expect(t.tracked).toBe(1);
    t.forgetAllBut(new Set(["other"]));
    expect(t.tracked).toBe(0);
    expect(seen).toEqual([]);
  });

  it("keeps a project whose teardown had begun when the stream was resubscribed, and times its release from the replay", () => {
    const { seen, sink } = recorder();
    const t = new EventTimings(sink, never);
    const events = shopLifecycle("shop");
    const firstKill = events.findIndex((e) => e.action === "kill");
    for (const e of events.slice(0, firstKill + 1)) t.feed(e);
    // The stream broke; the resync saw the project already gone; the new stream replays the rest.
    t.forgetAllBut(new Set());
    for (const e of events.slice(firstKill + 1)) t.feed(e);
    expect(seen.at(-1)).toBe("release shop 0.5");
    expect(t.tracked).toBe(0);
  });

  it("forgets a project whose teardown began at the second resubscription if the replay never ended it", () => {
    const { sink } = recorder();
    const t = new EventTimings(sink, never);
    const events = shopLifecycle("shop");
    for (const e of events.slice(0, events.findIndex((e) => e.action === "kill") + 1)) t.feed(e);
    t.forgetAllBut(new Set());
    expect(t.tracked).toBe(1);
    t.forgetAllBut(new Set()); // the rest of its events never came (the engine restarted)
    expect(t.tracked).toBe(0);
  });
});

describe("event feed", () => {
  const ev = (id: string, action: string, ms: number, extraNs = 0n) => ({
    type: "container",
    action,
    id,
    labels: {},
    time: ms,
    timeNano: BigInt(ms) * 1_000_000n + extraNs,
  });

  it("passes events that arrive out of time order (the engine stamps before it publishes), drops a replayed copy", () => {
    const feed = new EventFeed(() => undefined, 0);
    // Another project's create was stamped later but published first: c's health must not be lost.
    expect(feed.isNew(ev("other", "create", 10_000, 500n))).toBe(true);
    expect(feed.isNew(ev("c", "health_status: healthy", 10_000, 100n))).toBe(true);
    expect(feed.isNew(ev("c", "start", 9_000))).toBe(true);
    // Same action of the same container at the same nanosecond: the replay across a resubscription.
    expect(feed.isNew(ev("c", "health_status: healthy", 10_000, 100n))).toBe(false);
    expect(feed.isNew(ev("other", "create", 10_000, 500n))).toBe(false);
    // Two different events at one nanosecond are both new.
    expect(feed.isNew(ev("d", "create", 10_000, 500n))).toBe(true);
  });

  it("resumes a little before the newest event seen, and still knows every event of that overlap", () => {
    const feed = new EventFeed(() => undefined, 1_234);
    expect(feed.resumeFromMs()).toBe(1_234);
    for (let ms = 0; ms <= 60_000; ms += 250) expect(feed.isNew(ev("x", "start", ms))).toBe(true);
    expect(feed.resumeFromMs()).toBe(60_000 - RESUME_OVERLAP_MS);
    for (let ms = 60_000 - RESUME_OVERLAP_MS; ms <= 60_000; ms += 250) expect(feed.isNew(ev("x", "start", ms)), String(ms)).toBe(false);
  });
});

describe("graph layout", () => {
  it("puts dependencies above their dependants and centres the rows", () => {
    const g = layoutGraph({ frontend: ["backend"], backend: ["postgres", "redis"], postgres: [], redis: [] });
    const at = Object.fromEntries(g.nodes.map((n) => [n.service, n]));
    expect(g.nodes.map((n) => `${n.level}:${n.service}`)).toEqual(["0:postgres", "0:redis", "1:backend", "2:frontend"]);
    expect(at.postgres!.y).toBeLessThan(at.backend!.y);
    expect(at.backend!.y).toBeLessThan(at.frontend!.y);
    // backend sits midway between its two dependencies; frontend right under backend.
    expect(at.backend!.x + g.nodeWidth / 2).toBeCloseTo((at.postgres!.x + at.redis!.x + g.nodeWidth) / 2);
    expect(at.frontend!.x).toBe(at.backend!.x);
    expect(g.edges).toEqual([
      { from: "backend", to: "postgres" },
      { from: "backend", to: "redis" },
      { from: "frontend", to: "backend" },
    ]);
    for (const n of g.nodes) expect(n.x + g.nodeWidth).toBeLessThanOrEqual(g.width);
  });

  it("orders a row by its dependencies' positions to avoid crossings", () => {
    const g = layoutGraph({ a: [], b: [], za: ["a"], zb: ["b"], ab: ["a", "b"] });
    expect(g.nodes.filter((n) => n.level === 1).map((n) => n.service)).toEqual(["za", "ab", "zb"]);
  });

  it("ignores dependencies on services the environment does not have", () => {
    const g = layoutGraph({ api: ["gone"] });
    expect(g.nodes).toEqual([expect.objectContaining({ service: "api", level: 0 })]);
    expect(g.edges).toEqual([]);
  });
});

describe("state roll-ups", () => {
  it("an environment is as bad as its worst service", () => {
    expect(environmentState([])).toBe("empty");
    expect(environmentState(["HEALTHY", "COMPLETED"])).toBe("healthy");
    expect(environmentState(["HEALTHY", "STARTING"])).toBe("starting");
    expect(environmentState(["STARTING", "STOPPED"])).toBe("stopped");
    expect(environmentState(["STOPPED", "FAILED"])).toBe("unhealthy");
    expect(worstState(["HEALTHY", "STOPPED", "STARTING"])).toBe("STOPPED");
    expect(environmentState(["HEALTHY", "PAUSED", "STARTING"])).toBe("paused");
    expect(environmentState(["PAUSED", "STOPPED"])).toBe("stopped");
    expect(environmentState(["PAUSED", "UNHEALTHY"])).toBe("unhealthy");
    expect(worstState(["HEALTHY", "PAUSED", "STARTING"])).toBe("PAUSED");
  });
});

describe("settled-record proofs on the live model", () => {
  const run = "2026-12-05T03:00:00.123456789Z";
  const rec = (o: Partial<ContainerRecord>) =>
    ({ project: "p", name: "p-db-1", state: "STARTING", status: "running", startedAt: run, ...o }) as ContainerRecord;
  const proofs = new Map([["p", new Map([["p-db-1", { startedAt: run }]])]]);
  it("shows a starting container HEALTHY only for the very run up saw ready", () => {
    expect(withProof(rec({}), proofs).state).toBe("HEALTHY");
    expect(withProof(rec({ startedAt: "2026-12-05T03:01:00Z" }), proofs).state).toBe("STARTING"); // restarted since
    expect(withProof(rec({ name: "p-db-2" }), proofs).state).toBe("STARTING");
    expect(withProof(rec({ project: "q" }), proofs).state).toBe("STARTING");
    expect(withProof(rec({}), new Map()).state).toBe("STARTING");
    expect(withProof(rec({ state: "UNHEALTHY" }), proofs).state).toBe("UNHEALTHY"); // the engine's later verdict stands
    expect(withProof(rec({ state: "STOPPED", status: "exited" }), proofs).state).toBe("STOPPED");
    expect(withProof(rec({ startedAt: undefined }), new Map([["p", new Map([["p-db-1", { startedAt: undefined as unknown as string }]])]])).state).toBe(
      "STARTING",
    );
  });
});

describe("the OOM flag the engine may miss", () => {
  const started = "2026-12-05T03:00:00.000Z";
  const at = Date.parse(started);
  const rec = (o: Partial<ContainerRecord>) =>
    ({
      id: "c1",
      project: "p",
      name: "p-hog-1",
      state: "STOPPED",
      status: "exited",
      exitCode: 137,
      oomKilled: false,
      startedAt: started,
      ...o,
    }) as ContainerRecord;

  it("takes an oom event during the run that ended in 137 for the flag", () => {
    expect(withOom(rec({}), at + 500).oomKilled).toBe(true);
    expect(withOom(rec({}), undefined).oomKilled).toBe(false);
    expect(withOom(rec({}), at - 1).oomKilled).toBe(false); // an earlier run's
    expect(withOom(rec({ exitCode: 1 }), at + 500).oomKilled).toBe(false);
    expect(withOom(rec({ status: "running", exitCode: 0 }), at + 500).oomKilled).toBe(false); // restarted: the engine clears it too
    expect(withOom(rec({ startedAt: undefined }), at + 500).oomKilled).toBe(false);
    expect(withOom(rec({ oomKilled: true }), undefined).oomKilled).toBe(true);
  });

  it("the live model applies the newest oom event of each container, and forgets it with the container", () => {
    let changes = 0;
    const model = new LiveModel(() => changes++);
    (model as unknown as { containers: Map<string, ContainerRecord> }).containers.set("c1", rec({}));
    expect(model.containerList[0]!.oomKilled).toBe(false);
    model.sawOom("c1", at + 500);
    expect(model.containerList[0]!.oomKilled).toBe(true);
    expect(changes).toBe(1);
    model.sawOom("c1", at + 100); // older: nothing changes
    expect(changes).toBe(1);
    model.forget("c1");
    (model as unknown as { containers: Map<string, ContainerRecord> }).containers.set("c1", rec({}));
    expect(model.containerList[0]!.oomKilled).toBe(false);
  });
});

describe("page", () => {
  it("is one self-contained document whose only interpolation is the CSP nonce", () => {
    const html = pageHtml("abc123==");
    expect(html).toContain('<script nonce="abc123==">');
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/); // no CDN, no external files
    expect(html).not.toContain("innerHTML");
    expect(() => pageHtml('"><script>')).toThrow();
  });
});

describe("stats cache", () => {
  const container = (name: string, status: string) => ({ id: name, name, project: "p", service: name, status }) as ContainerRecord;
  const list = [container("a", "running"), container("b", "running"), container("c", "exited")];

  it("samples running containers once per interval, shared by concurrent scrapes, at most N at a time", async () => {
    let calls = 0;
    let inFlight = 0;
    let maxInFlight = 0;
    const cache = new StatsCache(
      async () => {
        calls++;
        maxInFlight = Math.max(maxInFlight, ++inFlight);
        await new Promise((r) => setTimeout(r, 20));
        inFlight--;
        return { cpuPercent: 1.5, memoryBytes: 100, memoryLimitBytes: 1000 };
      },
      { ttlMs: 60_000, concurrency: 1 },
    );
    const published: StatSample[][] = [];
    cache.onSample = (s) => published.push(s);
    await Promise.all([cache.refreshIfStale(list), cache.refreshIfStale(list), cache.refreshIfStale(list)]);
    expect(calls).toBe(2); // a and b; c is not running
    expect(maxInFlight).toBe(1);
    expect(published).toHaveLength(1);
    expect(published[0]!.map((x) => x.container)).toEqual(["a", "b"]);
    await cache.refreshIfStale(list);
    expect(calls).toBe(2); // still fresh
  });

  it("answers a stale scrape with the last sample while a new one is taken; a failed read just leaves a container out", async () => {
    let fail = false;
    const cache = new StatsCache(
      (id) => {
        if (fail && id === "b") return Promise.reject(new Error("gone"));
        return Promise.resolve({ cpuPercent: 0, memoryBytes: 1, memoryLimitBytes: 1 });
      },
      { ttlMs: 0 },
    );
    const published: string[][] = [];
    cache.onSample = (s) => published.push(s.map((x) => x.container));
    await cache.refreshIfStale(list);
    fail = true;
    await cache.refreshIfStale(list); // returns at once with the previous sample
    expect(published).toEqual([["a", "b"]]);
    await new Promise((r) => setTimeout(r, 10));
    expect(published).toEqual([["a", "b"], ["a"]]);
  });
});
