/**
 * Admission control's decisions on an engine, through the in-memory runtime: refusing at once
 * (--no-wait, or an environment that can never fit), waiting its turn until a berth container
 * goes, putting back a ticket someone removed, and leaving no ticket behind.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { isBerthError } from "../../src/errors.js";
import type { BerthEvent } from "../../src/events.js";
import { openAdmission } from "../../src/guards/admission.js";
import { TICKET_FILTER } from "../../src/guards/admission-ticket.js";
import { LABEL } from "../../src/labels.js";
import { liveLabels } from "./support/acquire-harness.js";
import { MemoryRuntime } from "./support/memory-runtime.js";
import { project, service } from "./spec-builder.js";

// No reaper process for the in-memory engine: the lease is what admission asks of it.
vi.mock("../../src/cleanup/reaper.js", async (importOriginal) => ({
  ...(await importOriginal<typeof import("../../src/cleanup/reaper.js")>()),
  ensureReaper: () => ({ spawned: false, settle: () => undefined, done: () => undefined }),
}));

const dir = mkdtempSync(join(tmpdir(), "berth-admission-"));
const env = { BERTH_LOCK_DIR: join(dir, "locks"), BERTH_REAPER_DIR: join(dir, "reapers") };
const twoServices = project([service("db"), service("api")]);

/** An engine holding `n` containers of another living berth environment. */
function engineWith(n: number): MemoryRuntime {
  const rt = new MemoryRuntime();
  for (let i = 1; i <= n; i++) rt.seedContainer({ name: `other-c-${i}`, labels: { ...liveLabels("other"), [LABEL.service]: "c" } });
  return rt;
}

function admission(rt: MemoryRuntime, o: { cap: number; wait?: boolean; events?: BerthEvent[] }) {
  return openAdmission({
    engine: rt,
    spec: twoServices,
    project: "t1",
    env,
    guards: { maxContainers: o.cap, minFreeMemoryBytes: 0 },
    wait: o.wait,
    deadline: Date.now() + 20_000,
    emit: (e) => o.events?.push(e),
  });
}

const tickets = async (rt: MemoryRuntime) => (await rt.listVolumes(TICKET_FILTER)).map((v) => v.name);
const waitingSeen = (events: BerthEvent[]) => vi.waitFor(() => expect(events.some((e) => e.type === "admission" && e.phase === "waiting")).toBe(true));

describe("admission on an engine", () => {
  it("over the cap with --no-wait: refused at once, and no ticket is left when the acquire ends", async () => {
    const rt = engineWith(3);
    const a = admission(rt, { cap: 4, wait: false });
    const error = await a.admit().catch((e: unknown) => e);
    expect(isBerthError(error, "GUARD_REFUSED")).toBe(true);
    expect((error as Error).message).toMatch(/^not admitted at once \(--no-wait\): .*3 in use and this environment adds 2/);
    await a[Symbol.asyncDispose]();
    expect(await tickets(rt)).toEqual([]);
  });

  it("an environment larger than the cap is refused without waiting", async () => {
    const a = admission(engineWith(0), { cap: 1 });
    await expect(a.admit()).rejects.toThrow(/alone has 2 containers, above the cap of 1/);
    await a[Symbol.asyncDispose]();
  });

  it("waits its turn and is admitted once a berth container goes", async () => {
    const rt = engineWith(3);
    const events: BerthEvent[] = [];
    await using a = admission(rt, { cap: 4, events });
    let admitted = false;
    const admit = a.admit().then(() => (admitted = true));
    await waitingSeen(events);
    expect(admitted).toBe(false);
    await rt.removeContainer([...rt.containers.keys()][0]!);
    await admit;
    expect(events.at(-1)).toMatchObject({ type: "admission", phase: "admitted", inUse: 4, cap: 4 });
  });

  it("puts back its ticket when someone removed it while it waited, under the same name", async () => {
    const rt = engineWith(3);
    const events: BerthEvent[] = [];
    await using a = admission(rt, { cap: 4, events });
    const admit = a.admit();
    await waitingSeen(events);
    const [mine] = await tickets(rt);
    rt.volumes.delete(mine!); // `docker volume prune` meanwhile
    await rt.removeContainer([...rt.containers.keys()][0]!);
    await admit;
    expect(await tickets(rt)).toEqual([mine]);
  });
});
