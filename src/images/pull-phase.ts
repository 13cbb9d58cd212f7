/**
 * The pull phase of acquire: before anything is created, every image the services need is pulled
 * as `pull_policy` (or the `pull` override) says (pull-policy.ts decides; this module does what it
 * decided). Pulls run a few at a time; each holds a cross-process lock named after the engine and
 * image, and looks again under it, so when many processes need the same missing image one pulls
 * and the others find it present (the engine alone does not coalesce them: measured on Engine
 * 20.10, ten concurrent pulls of one missing image cost the registry 22 manifest requests and 11
 * blob downloads, where one pull costs 2 and 2). Transient registry faults are retried with backoff; not found,
 * unauthorized and the like fail at once with IMAGE_PULL_FAILED naming the image, the registry and
 * its answer. Credentials come from the docker CLI's config (src/registry/credentials.ts) and go
 * only to the engine.
 *
 * The base images of `build:` services go through the same pulls (runPulls; base-pulls.ts decides).
 *
 * Events: a `step` of kind `pull-image` (target: the image) per pull (begin/done/failed), `pull`
 * events with the layers and bytes so far (at most two a second per image), `retry` per retry:
 * berth's own, and the engine's own retries of a broken layer download (pull-progress.ts).
 */
import { createHash } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import type { ProjectSpec } from "../compose/model.js";
import { engineMessage } from "../engine/errors.js";
import type { RegistryAuth } from "../engine/pull.js";
import type { Runtime } from "../engine/runtime.js";
import { Semaphore } from "../engine/semaphore.js";
import { BerthError, isBerthError } from "../errors.js";
import type { EventListener } from "../events.js";
import { stepEvents, stepRef } from "../lifecycle/step-events.js";
import { withLock } from "../locks/file-lock.js";
import { credentialsFor } from "../registry/credentials.js";
import { registryOf } from "../registry/reference.js";
import { classifyPullFailure, isRetryable, type PullFailure } from "../engine/pull-failure.js";
import { failureWords, pullFailureHint } from "./pull-errors.js";
import { lastPulled, recordPull } from "./pull-history.js";
import { decidePulls, parsePullPolicy, policyProblems, pullKey, type ImageUse, type PullDecision, type PullOverride } from "./pull-policy.js";
import { EngineRetries, PullProgress } from "../engine/pull-progress.js";

/** Pulls at once per acquire: the engine downloads each pull's layers in parallel already. */
const PULL_CONCURRENCY = 3;
/** Tries per image for transient faults, and the first back-off (doubled each time). */
const PULL_ATTEMPTS = 4;
const FIRST_BACKOFF_MS = 500;
/** Waiting for another process's pull of the same image. */
const PULL_LOCK_TIMEOUT_MS = 15 * 60_000;

type Env = Record<string, string | undefined>;

/** What a pull needs besides the image: the engine, where events go, the docker config's env. */
export interface PullContext {
  project: string;
  engine: Runtime;
  env: Env;
  emit: EventListener;
  signal?: AbortSignal;
  /** For tests: the back-off before retry n (1-based). */
  backoffMs?: (attempt: number) => number;
}

export interface PullPhaseInput extends PullContext {
  spec: ProjectSpec;
  override?: PullOverride;
}

/** What the pulled images are to the services named in each decision (for the error's words). */
export type PullRole = "image" | "base";

export function imageUses(spec: ProjectSpec): ImageUse[] {
  return Object.values(spec.services)
    .filter((s) => s.image)
    .map((s) => ({ service: s.name, image: s.image!, platform: s.platform, pullPolicy: s.pull_policy, buildable: !!s.build }));
}

/** Which of the uses' images the engine has. */
export async function presentImages(engine: Runtime, uses: readonly ImageUse[], signal?: AbortSignal): Promise<Set<string>> {
  const images = [...new Set(uses.map((u) => u.image))];
  const found = await Promise.all(images.map(async (i) => ((await engine.inspectImage(i, { signal })) ? i : null)));
  return new Set(found.filter((i) => i !== null));
}

/** Pulls what the policies ask for; returns the decisions (for tests and callers that report them). */
export async function pullImages(input: PullPhaseInput): Promise<PullDecision[]> {
  const { engine, env, signal } = input;
  const uses = imageUses(input.spec);
  const bad = policyProblems(uses);
  if (bad.length) {
    throw new BerthError("COMPOSE_INVALID", `unknown pull_policy ${bad.map((b) => `"${b.value}" (service ${b.service})`).join(", ")}`, {
      problems: bad.map((b) => ({
        file: input.spec.files[0] ?? "compose.yaml",
        path: `services.${b.service}.pull_policy`,
        message: `unknown pull_policy "${b.value}"`,
        hint: "use always, missing, never, build, daily, weekly or every_<duration> (such as every_12h)",
      })),
    });
  }
  const candidates = uses.filter((u) => !u.buildable);
  if (candidates.length === 0) return [];
  const present = await presentImages(engine, candidates, signal);
  const refreshes = candidates.some((u) => parsePullPolicy(u.pullPolicy)?.kind === "refresh");
  const history: Record<string, number> = {};
  if (refreshes && !input.override)
    for (const u of candidates) {
      const at = lastPulled(env, engine.endpoint, pullKey(u.image, u.platform));
      if (at !== undefined) history[pullKey(u.image, u.platform)] = at;
    }
  const decidedAt = Date.now();
  const decisions = decidePulls(uses, { present, lastPulled: history, now: decidedAt, override: input.override });
  await runPulls(input, pullsOf(decisions), decidedAt, "image");
  return decisions;
}

export const pullsOf = (decisions: PullDecision[]) => decisions.filter((d): d is PullDecision & { action: "pull" } => d.action === "pull");

/**
 * Runs pulls decided already, a few at a time, each under its image's lock; the first failure
 * stops the others and is thrown (IMAGE_PULL_FAILED for the registry's refusals).
 */
export async function runPulls(ctx: PullContext, pulls: (PullDecision & { action: "pull" })[], decidedAt: number, role: PullRole): Promise<void> {
  if (pulls.length === 0) return;
  const { env, signal } = ctx;
  // The first failure stops the other pulls: acquire fails anyway, and nothing has been created.
  const stop = new AbortController();
  const both = signal ? AbortSignal.any([signal, stop.signal]) : stop.signal;
  const gate = new Semaphore(PULL_CONCURRENCY);
  const credentials = new Map<string, Promise<RegistryAuth | undefined>>();
  const authFor = (registry: string) => {
    if (!credentials.has(registry)) credentials.set(registry, credentialsFor(registry, env));
    return credentials.get(registry)!;
  };
  const results = await Promise.allSettled(
    pulls.map((d) =>
      gate.run(async () => {
        both.throwIfAborted();
        try {
          await pullOne(ctx, d, decidedAt, authFor, both, role);
        } catch (error) {
          stop.abort();
          throw error;
        }
      }),
    ),
  );
  signal?.throwIfAborted();
  // The failure that stopped the others, not their "cancelled".
  const failed = results.filter((r): r is PromiseRejectedResult => r.status === "rejected").map((r) => r.reason as Error);
  const first = failed.find((e) => !isBerthError(e, "ABORTED") && e?.name !== "AbortError") ?? failed[0];
  if (first !== undefined) throw first;
}

async function pullOne(
  input: PullContext,
  d: PullDecision & { action: "pull" },
  decidedAt: number,
  authFor: (registry: string) => Promise<RegistryAuth | undefined>,
  signal: AbortSignal,
  role: PullRole,
): Promise<void> {
  const { engine, env, project, emit } = input;
  const key = pullKey(d.image, d.platform);
  const lockName = `pull-${createHash("sha256").update(`${engine.endpoint}\n${key}`).digest("hex").slice(0, 24)}`;
  const registry = registryOf(d.image);
  await withLock(lockName, { env, signal, timeoutMs: PULL_LOCK_TIMEOUT_MS, command: `pull ${key}` }, async () => {
    // Another process may have pulled it while this one waited for the lock.
    if (d.recheck === "presence" && (await engine.inspectImage(d.image, { signal }))) return;
    // A stale image another process pulled since this phase began is fresh now.
    if (d.recheck === "history" && (lastPulled(env, engine.endpoint, key) ?? 0) >= decidedAt) return;
    const auth = await authFor(registry);
    const events = stepEvents(emit, project);
    const step = stepRef("pull-image", d.image);
    const t0 = Date.now();
    events.begin(step);
    const progress = new PullProgress((t) => emit({ type: "pull", project, image: d.image, ...t, at: Date.now() }));
    const engineRetries = new EngineRetries((retry, cause) => emit({ type: "retry", project, target: step.id, attempt: retry, cause, at: Date.now() }));
    for (let attempt = 1; ; attempt++) {
      try {
        await engine.pullImage(d.image, {
          signal,
          platform: d.platform,
          auth,
          onProgress: (l) => {
            progress.line(l);
            engineRetries.line(l);
          },
        });
        progress.flush(true);
        recordPull(env, engine.endpoint, key, Date.now());
        events.done(step, Date.now() - t0);
        return;
      } catch (error) {
        const words = wordsOf(error);
        const failure = isBerthError(error, "ENGINE_ERROR", "NOT_FOUND", "CONFLICT") ? classifyPullFailure(words) : undefined;
        if (failure && isRetryable(failure) && attempt < PULL_ATTEMPTS && !signal.aborted) {
          emit({ type: "retry", project, target: step.id, attempt, cause: words, at: Date.now() });
          await sleep((input.backoffMs ?? defaultBackoff)(attempt), undefined, { signal });
          continue;
        }
        const err = failure ? pullError(d, registry, failure, words, error, env, role) : error;
        events.failed(step, err);
        throw err;
      }
    }
  });
}

const defaultBackoff = (attempt: number) => FIRST_BACKOFF_MS * 2 ** (attempt - 1);

/** The engine's own words for a failed pull (the BerthError's message also names the action). */
function wordsOf(error: unknown): string {
  return engineMessage(isBerthError(error) && error.cause !== undefined ? error.cause : error);
}

function pullError(d: PullDecision, registry: string, failure: PullFailure, words: string, cause: unknown, env: Env, role: PullRole): BerthError {
  const services = `service${d.services.length > 1 ? "s" : ""} ${d.services.join(", ")}`;
  return new BerthError(
    "IMAGE_PULL_FAILED",
    `could not pull ${d.image} (${role === "base" ? `base image of ${services}` : services}) from ${registry}: ${failureWords(failure)} (${words})`,
    {
      hint: pullFailureHint(failure, d.image, registry, env),
      cause,
      details: {
        image: d.image,
        registry,
        failure,
        services: d.services,
        ...(d.platform ? { platform: d.platform } : {}),
        ...(role === "base" ? { base: true } : {}),
      },
    },
  );
}
