/** What `berth engine start` does (commands/engine.ts): check, plan (engine/start-plan.ts), start detached, wait. */
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { delimiter, join } from "node:path";
import { chooseEngine, connectEngine } from "../engine/connect.js";
import { planEngineStart } from "../engine/start-plan.js";
import { BerthError } from "../errors.js";

export interface StartEngineInput {
  host?: string;
  dataRoot?: string;
  execRoot?: string;
  log: string;
  waitMs: number;
  env: Record<string, string | undefined>;
  signal?: AbortSignal;
}

export type StartEngineResult = { started: false; endpoint: string } | { started: true; endpoint: string; kind: string; pid: number; ms: number; log: string };

async function answers(host: string, env: StartEngineInput["env"]): Promise<boolean> {
  try {
    await connectEngine({ host, env, timeoutMs: 2000 });
    return true;
  } catch {
    return false;
  }
}

function onPath(program: string, env: StartEngineInput["env"]): boolean {
  return (env.PATH ?? "").split(delimiter).some((dir) => dir && existsSync(join(dir, program)));
}

function livePid(pidfile: string | undefined): number | undefined {
  if (!pidfile) return undefined;
  try {
    const pid = Number(readFileSync(pidfile, "utf8").trim());
    if (!(pid > 0)) return undefined;
    process.kill(pid, 0);
    return pid;
  } catch {
    return undefined;
  }
}

export async function startEngine(i: StartEngineInput): Promise<StartEngineResult> {
  const endpoint = i.host ?? chooseEngine({ env: i.env }).host;
  if (await answers(endpoint, i.env)) return { started: false, endpoint };
  const plan = planEngineStart({
    endpoint,
    platform: process.platform,
    uid: process.getuid?.(),
    has: (p) => onPath(p, i.env),
    dataRoot: i.dataRoot,
    execRoot: i.execRoot,
  });
  if (plan.kind === "manual")
    throw new BerthError("ENGINE_UNREACHABLE", `no engine answers at ${endpoint}, and berth cannot start one here`, { hint: plan.text });
  const running = livePid(plan.pidfile);
  if (running !== undefined) {
    throw new BerthError("ENGINE_UNREACHABLE", `a dockerd (pid ${running}, ${plan.pidfile}) is running but does not answer at ${endpoint}`, {
      hint: "berth never starts a second one: check its log, stop it, or give another --exec-root.",
    });
  }
  const out = openSync(i.log, "a");
  const started = Date.now();
  // Detached (its own session, no terminal): the engine outlives this command.
  const child = spawn(plan.command[0]!, plan.command.slice(1), {
    detached: true,
    stdio: ["ignore", out, out],
    env: { ...process.env, ...i.env },
  });
  closeSync(out);
  child.unref();
  const state: { exited: number | null } = { exited: null };
  child.once("exit", (code) => (state.exited = code ?? -1));
  child.once("error", () => (state.exited = -1));
  while (!(await answers(endpoint, i.env))) {
    if (state.exited !== null)
      throw new BerthError("ENGINE_UNREACHABLE", `${plan.command[0]} exited (${state.exited}) before it answered at ${endpoint}`, {
        hint: `See its log: ${i.log}.`,
      });
    if (Date.now() - started > i.waitMs || i.signal?.aborted) {
      throw new BerthError(
        "ENGINE_UNREACHABLE",
        `${plan.command[0]} (pid ${child.pid}) did not answer at ${endpoint} within ${Math.round(i.waitMs / 1000)} s`,
        {
          hint: `It may still be starting; see its log: ${i.log}.`,
        },
      );
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  return { started: true, endpoint, kind: plan.kind, pid: child.pid!, ms: Date.now() - started, log: i.log };
}
