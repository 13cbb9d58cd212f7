/**
 * `berth troubleshoot` on real failures injected on the real engine: one small environment per
 * failure pattern (test/fixtures/stacks/diag-failures.yml, one profile each), kept by
 * `up --keep-on-failure`, diagnosed, then removed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { berth, engine, resourcesOf, stack, uniqueName } from "./helpers.js";

const file = stack("diag-failures.yml");

/** Profile → the failing service and the pattern troubleshoot must name. */
const CASES = {
  oom: { service: "hog", pattern: "out-of-memory" },
  port: { service: "twice", pattern: "address-in-use" },
  refused: { service: "caller", pattern: "connection-refused" },
  perm: { service: "writer", pattern: "permission-denied-volume" },
  env: { service: "needsenv", pattern: "missing-env-var" },
  db: { service: "reader", pattern: "database-not-initialised" },
  exec: { service: "typo", pattern: "command-not-found" },
  dns: { service: "lookup", pattern: "dns-not-resolving" },
  health: { service: "nocurl", pattern: "healthcheck-command-not-found" },
} as const;
type Profile = keyof typeof CASES;

interface Finding {
  pattern: string;
  title: string;
  cause: string;
  fix: string;
  evidence: string;
}
interface Report {
  project: string;
  containers: { service: string; state: string; exitCode: number; oomKilled: boolean; troubled: boolean; findings: Finding[] }[];
}

const projects = Object.fromEntries(Object.keys(CASES).map((p) => [p, uniqueName(`berth-diag-${p}`)])) as Record<Profile, string>;
const reports = {} as Record<Profile, { code: number | null; report: Report; output: string }>;

beforeAll(async () => {
  // All at once: each fails on its own within seconds (the health case by its short timeout).
  await Promise.all(
    (Object.keys(CASES) as Profile[]).map(async (p) => {
      const up = await berth(["up", "-f", file, "--profile", p, "-p", projects[p], "--keep-on-failure", "--timeout", p === "health" ? "6s" : "90s"]);
      expect(up.code, `${p}: up should fail\n${up.stderr}`).not.toBe(0);
      const r = await berth(["troubleshoot", "-p", projects[p], "--json"]);
      reports[p] = {
        code: r.code,
        report: JSON.parse(r.stdout) as Report,
        output: `up: ${up.stderr.slice(-1500)}\ntroubleshoot: ${r.stdout.slice(0, 1500)}${r.stderr}`,
      };
    }),
  );
}, 180_000);

afterAll(async () => {
  // One after the other: concurrent teardowns trip moby#43286 on dockerd 20.10.
  for (const p of Object.values(projects)) await berth(["down", p]);
  const e = await engine();
  for (const p of Object.values(projects)) expect(await resourcesOf(e, p)).toEqual([]);
}, 120_000);

describe("troubleshoot recognises injected failures", () => {
  for (const [profile, c] of Object.entries(CASES) as [Profile, (typeof CASES)[Profile]][]) {
    it(`${profile}: ${c.service} → ${c.pattern}`, () => {
      const { code, report, output } = reports[profile];
      expect(code, output).toBe(1);
      const container = report.containers?.find((x) => x.service === c.service);
      expect(container, output).toBeDefined();
      expect(container!.troubled).toBe(true);
      expect(
        container!.findings.map((f) => f.pattern),
        JSON.stringify(container),
      ).toContain(c.pattern);
      const f = container!.findings.find((x) => x.pattern === c.pattern)!;
      expect(f.cause.length).toBeGreaterThan(20);
      expect(f.fix.length).toBeGreaterThan(20);
      expect(f.evidence).not.toBe("");
    });
  }

  it("the details name what happened: the OOM kill, the dependency, the variable, the table, the program", async () => {
    const finding = (p: Profile) =>
      reports[p].report.containers.find((x) => x.service === CASES[p].service)!.findings.find((f) => f.pattern === CASES[p].pattern)!;
    // The kernel's OOM notice can reach dockerd's event log seconds after the exit on a loaded
    // machine (CI: missed once even 2 s after it); troubleshoot asks the log again each time it runs.
    let hog = reports.oom.report.containers.find((x) => x.service === "hog")!;
    for (let i = 1; i <= 20 && !hog.oomKilled; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const again = await berth(["troubleshoot", "-p", projects.oom, "--json"]);
      hog = (JSON.parse(again.stdout) as Report).containers.find((x) => x.service === "hog")!;
      if (hog.oomKilled) console.log(`[diagnostics test] the OOM kill was seen only by troubleshoot run ${i + 1}`);
    }
    expect(hog.oomKilled).toBe(true);
    expect(finding("oom").cause).toContain("8 MiB");
    expect(finding("refused").title).toBe("connection refused by its dependency quiet");
    expect(finding("perm").title).toBe("permission denied on the volume mounted at /data");
    expect(finding("env").title).toBe("environment variable DATABASE_URL not set");
    expect(finding("db").title).toBe('database not initialised (table "orders" missing)');
    expect(finding("exec").cause).toContain('"sleeep"');
    expect(finding("dns").title).toBe('name "databse" does not resolve');
    expect(finding("health").cause).toContain('"curl"');
    // The healthy neighbour is not blamed (postgres, by contrast, logs the client's error itself).
    expect(reports.refused.report.containers.find((x) => x.service === "quiet")!.findings).toEqual([]);
    // The engine runs its first healthcheck one interval after the start, while berth's readiness
    // probes by itself: right after the failed `up` the engine may still say "starting".
    let postgres = reports.db.report.containers.find((x) => x.service === "postgres")!;
    for (let i = 0; i < 20 && postgres.state === "STARTING"; i++) {
      await new Promise((r) => setTimeout(r, 500));
      const again = await berth(["troubleshoot", "-p", projects.db, "--json"]);
      postgres = (JSON.parse(again.stdout) as Report).containers.find((x) => x.service === "postgres")!;
    }
    expect(postgres.state).toBe("HEALTHY");
  });

  it("prints a readable report for one service, with cause, fix, evidence and the last log lines", async () => {
    const r = await berth(["troubleshoot", "-p", projects.refused, "caller"]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain("caller (");
    expect(r.stdout).toContain("✖ connection refused by its dependency quiet");
    expect(r.stdout).toMatch(/cause: .*quiet/);
    expect(r.stdout).toContain("seen:  logs: nc: can't connect to remote host");
    expect(r.stdout).toContain("| connecting to quiet:5432");
    expect(r.stdout).not.toContain("quiet (");
  });
});
