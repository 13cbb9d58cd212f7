/** Admission control's decision: a pure function of the queue's tickets and berth's containers on the engine. */
import { describe, expect, it } from "vitest";
import { decideAdmission, ticketOf, type AdmissionInput, type Ticket } from "../../src/guards/admission-decision.js";
import { queueText } from "../../src/guards/admission-errors.js";
import { admissionText } from "../../src/cli/progress/model.js";

const GiB = 1024 ** 3;
let n = 0;
function ticket(project: string, containers: number, memoryBytes = 0, key?: string): Ticket {
  n++;
  return { name: `t-${project}`, project, key: key ?? String(1000 + n).padStart(15, "0"), containers, memoryBytes };
}
const containers = (counts: Record<string, number>) => Object.entries(counts).flatMap(([p, c]) => Array<string>(c).fill(p));
const verdicts = (input: Omit<AdmissionInput, "mine">) =>
  Object.fromEntries(input.tickets.map((t) => [t.project, decideAdmission({ ...input, mine: t.name })]));

describe("admission decision", () => {
  it("admits in queue order while base + the reservations so far fit the cap; the rest wait, strictly FIFO", () => {
    const tickets = [ticket("a", 3), ticket("b", 3), ticket("c", 3), ticket("d", 1)];
    const v = verdicts({ tickets, containerProjects: containers({ other: 2 }), cap: 9 });
    expect(v.a).toMatchObject({ admitted: true, inUse: 5 });
    expect(v.b).toMatchObject({ admitted: true, inUse: 8 });
    // c does not fit (8 + 3 > 9); d would (8 + 1) but does not overtake c.
    expect(v.c).toMatchObject({ admitted: false, inUse: 8, cap: 9, ahead: 0, position: 1, adds: 3, waitingFor: "containers" });
    expect(v.d).toMatchObject({ admitted: false, inUse: 8, ahead: 1, position: 2 });
    expect(queueText(v.d!)).toBe("8/9 berth containers in use, 1 environment ahead");
  });

  it("orders by key, whatever order the listing has; equal keys by name", () => {
    const late = ticket("late", 5, 0, "000000000000200-aa");
    const early = ticket("early", 5, 0, "000000000000100-ff");
    const v = verdicts({ tickets: [late, early], containerProjects: [], cap: 9 });
    expect(v.early!.admitted).toBe(true);
    expect(v.late!.admitted).toBe(false);
  });

  it("counts an admitted project's containers once: max(what it declared, what it already has)", () => {
    const tickets = [ticket("a", 3), ticket("b", 3)];
    // a has created 2 of its 3 containers: still 3 reserved, not 5; other projects' containers are base.
    const v = verdicts({ tickets, containerProjects: containers({ a: 2, x: 3 }), cap: 9 });
    expect(v.a).toMatchObject({ admitted: true, inUse: 6 });
    expect(v.b).toMatchObject({ admitted: true, inUse: 9 });
    // A project that already has more than it declares (scaled down) counts what it has.
    expect(decideAdmission({ tickets: [ticket("s", 2)], containerProjects: containers({ s: 4 }), mine: "t-s", cap: 9 })).toMatchObject({
      admitted: true,
      inUse: 4,
      adds: 0,
    });
  });

  it("a ticket that adds nothing (attaching to a running shared environment) is never held back", () => {
    const tickets = [ticket("big", 8), ticket("shared", 2)];
    const v = verdicts({ tickets, containerProjects: containers({ shared: 2, other: 5 }), cap: 9 });
    expect(v.big!.admitted).toBe(false);
    expect(v.shared).toMatchObject({ admitted: true, adds: 0 });
  });

  it("two tickets of one project reserve the larger declaration, not the sum", () => {
    const tickets = [ticket("p", 3), { ...ticket("q", 4), name: "t-p2", project: "p" }];
    expect(decideAdmission({ tickets, containerProjects: [], mine: "t-p2", cap: 4 })).toMatchObject({ admitted: true, inUse: 4, adds: 1 });
  });

  it("says when a ticket can never fit, so it is refused without waiting", () => {
    expect(decideAdmission({ tickets: [ticket("huge", 12)], containerProjects: [], mine: "t-huge", cap: 9 })).toMatchObject({ admitted: false, never: true });
  });

  it("no cap (0): only memory decides", () => {
    const tickets = [ticket("a", 50), ticket("b", 50)];
    expect(verdicts({ tickets, containerProjects: containers({ x: 100 }), cap: 0 }).b!.admitted).toBe(true);
  });

  it("memory: available − the declarations up to this ticket must stay above the floor, in queue order", () => {
    const tickets = [ticket("a", 1, 2 * GiB), ticket("b", 1, 2 * GiB), ticket("c", 1, 0)];
    const v = verdicts({ tickets, containerProjects: [], cap: 0, memory: { availableBytes: 7 * GiB, floorBytes: 4 * GiB } });
    expect(v.a!.admitted).toBe(true);
    expect(v.b).toMatchObject({ admitted: false, waitingFor: "memory", memoryLeftBytes: 1 * GiB, position: 1 });
    // c declares nothing but adds a container: it waits behind b (the host is what b waits for).
    expect(v.c).toMatchObject({ admitted: false, position: 2 });
    expect(queueText(v.b!)).toBe("1.0 GiB host memory left above the floor, next in line");
  });

  it("reads tickets from volume labels and rejects malformed ones", () => {
    const labels = {
      "dev.berth.managed": "true",
      "dev.berth.project": "p",
      "dev.berth.admission.key": "000000000000001-ab",
      "dev.berth.admission.containers": "3",
      "dev.berth.admission.memory": "0",
    };
    expect(ticketOf("v", labels)).toEqual({ name: "v", project: "p", key: "000000000000001-ab", containers: 3, memoryBytes: 0 });
    expect(ticketOf("v", { ...labels, "dev.berth.admission.containers": "x" })).toBeNull();
    expect(ticketOf("v", { ...labels, "dev.berth.project": "" })).toBeNull();
  });

  it("progress says what it waits for", () => {
    const base = { type: "admission" as const, project: "p", inUse: 18, cap: 20, adds: 3, at: 0, waitedMs: 0 };
    expect(admissionText({ ...base, phase: "waiting", waitingFor: "containers", ahead: 2 })).toBe(
      "waiting for capacity: 18/20 berth containers in use, 2 environments ahead",
    );
    expect(admissionText({ ...base, phase: "admitted", ahead: 0, waitedMs: 12_300 })).toBe("admitted after waiting 12.3s (18/20 berth containers in use)");
  });
});
