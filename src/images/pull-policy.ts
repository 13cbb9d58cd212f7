/**
 * Whether acquire pulls each image, decided as plain data from the compose model and what is known
 * about the engine (which images are present, when berth last pulled each). Pure: no I/O.
 *
 * `pull_policy` as the Compose spec defines it: `missing` (the default; also `if_not_present`)
 * pulls only an absent image; `always` pulls every time; `never` never pulls (an absent image then
 * fails acquire as IMAGE_NOT_FOUND); `build` builds the image, even when it exists (a service with
 * `build:` is built by build.ts, never pulled here); `daily`, `weekly` and `every_<duration>` pull
 * when absent or when berth's last pull of it is older than that. An override (`up --pull`, the
 * API's `pull`) replaces every service's policy; the override `build` rebuilds every service that
 * has `build:` and pulls the other services' images when absent. Services sharing an image (and
 * platform) pull it once, with the most eager of their policies. An image pinned by digest
 * (`name@sha256:…`) that is present is never pulled again: its content cannot change.
 */
import { parseDuration } from "../compose/duration.js";
import { BerthError } from "../errors.js";

export type PullPolicy = { kind: "always" | "missing" | "never" | "build" } | { kind: "refresh"; everyMs: number };

/** What `up --pull` and the API's `pull` option accept. */
export type PullOverride = "always" | "missing" | "never" | "build";

export const PULL_OVERRIDES: readonly PullOverride[] = ["always", "missing", "never", "build"];

/** `--pull` / the API's `pull` value, checked; undefined when not given. */
export function parsePullOverride(value: string | undefined): PullOverride | undefined {
  if (value === undefined) return undefined;
  const v = value.trim().toLowerCase();
  if ((PULL_OVERRIDES as readonly string[]).includes(v)) return v as PullOverride;
  throw new BerthError("USAGE", `--pull ${value}: use always, missing, never or build`, {
    hint: "always pulls every image again, missing (the default) only absent ones, never none (absent images then fail), build rebuilds the images of build: sections.",
  });
}

const DAY_MS = 24 * 3_600_000;

/** The policy a `pull_policy` value names, or undefined when it names none. */
export function parsePullPolicy(text: string | undefined): PullPolicy | undefined {
  const v = (text ?? "missing").trim().toLowerCase().replace(/-/g, "_");
  if (v === "always" || v === "never" || v === "build" || v === "missing") return { kind: v };
  if (v === "if_not_present") return { kind: "missing" };
  if (v === "daily") return { kind: "refresh", everyMs: DAY_MS };
  if (v === "weekly") return { kind: "refresh", everyMs: 7 * DAY_MS };
  const every = /^every_(.+)$/.exec(v)?.[1];
  const ms = every === undefined ? undefined : parseDuration(every);
  return ms !== undefined && ms > 0 ? { kind: "refresh", everyMs: ms } : undefined;
}

export interface ImageUse {
  service: string;
  image: string;
  platform?: string;
  pullPolicy?: string;
  buildable: boolean;
}

export interface PullFacts {
  /** Images the engine has (by the reference the file names). */
  present: ReadonlySet<string>;
  /** When berth last pulled each image, ms since epoch, by `pullKey`. */
  lastPulled: Readonly<Record<string, number>>;
  now: number;
  override?: PullOverride;
}

export type PullDecision = {
  image: string;
  platform?: string;
  services: string[];
} & (
  | {
      action: "pull";
      reason: "absent" | "always" | "stale";
      /**
       * What to look at again under the image's lock, since another process may have pulled it
       * meanwhile: its presence (absent), berth's last pull time (stale), or nothing (always).
       */
      recheck: "presence" | "history" | "none";
    }
  | { action: "keep"; reason: "present" | "never" | "fresh" | "pinned" }
);

export interface PolicyProblem {
  service: string;
  value: string;
}

/** The key an image's last pull time is kept under. */
export const pullKey = (image: string, platform?: string): string => (platform ? `${image} ${platform}` : image);

const isPinned = (image: string) => /@sha256:[0-9a-f]{64}$/i.test(image);

/** The services' `pull_policy` values that name no policy. */
export function policyProblems(uses: readonly ImageUse[]): PolicyProblem[] {
  return uses.filter((u) => parsePullPolicy(u.pullPolicy) === undefined).map((u) => ({ service: u.service, value: u.pullPolicy ?? "" }));
}

/** Lower is more eager. */
function eagerness(p: PullPolicy): number {
  if (p.kind === "always") return 0;
  if (p.kind === "refresh") return 1 + 1 / (1 + p.everyMs); // a shorter period is more eager
  if (p.kind === "missing") return 3;
  return 4;
}

/** The policy an override gives a service that is not built here: `build` pulls what is absent. */
const overridePolicy = (o: PullOverride): PullPolicy => ({ kind: o === "build" ? "missing" : o });

/** Whether a service with `build:` is built even when its image exists (`pull_policy: build`, `--pull build`). */
export function rebuildsAlways(pullPolicy: string | undefined, override: PullOverride | undefined): boolean {
  return override === "build" || (override === undefined && parsePullPolicy(pullPolicy)?.kind === "build");
}

export function decidePulls(uses: readonly ImageUse[], facts: PullFacts): PullDecision[] {
  const groups = new Map<string, { image: string; platform?: string; services: string[]; policy: PullPolicy }>();
  for (const u of uses) {
    if (u.buildable) continue; // build.ts builds it
    const own = facts.override ? overridePolicy(facts.override) : (parsePullPolicy(u.pullPolicy) ?? { kind: "missing" as const });
    if (own.kind === "build") continue;
    const key = pullKey(u.image, u.platform);
    const g = groups.get(key);
    if (!g) groups.set(key, { image: u.image, platform: u.platform, services: [u.service], policy: own });
    else {
      g.services.push(u.service);
      if (eagerness(own) < eagerness(g.policy)) g.policy = own;
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([key, g]): PullDecision => {
      const base = { image: g.image, ...(g.platform ? { platform: g.platform } : {}), services: g.services.sort() };
      const present = facts.present.has(g.image);
      const p = g.policy;
      if (p.kind === "never") return { ...base, action: "keep", reason: "never" };
      if (!present) return { ...base, action: "pull", reason: "absent", recheck: p.kind === "always" ? "none" : "presence" };
      if (isPinned(g.image)) return { ...base, action: "keep", reason: "pinned" };
      if (p.kind === "always") return { ...base, action: "pull", reason: "always", recheck: "none" };
      if (p.kind === "refresh") {
        const last = facts.lastPulled[key];
        return last !== undefined && facts.now - last < p.everyMs
          ? { ...base, action: "keep", reason: "fresh" }
          : { ...base, action: "pull", reason: "stale", recheck: "history" };
      }
      return { ...base, action: "keep", reason: "present" };
    });
}
