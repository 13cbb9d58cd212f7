/**
 * Readiness rules given in code (`acquire({ readiness: { db: { log: "ready" } } })`), the
 * counterpart of Testcontainers' `withWaitStrategy`. They replace the service's `x-berth.ready`
 * (a `timeout` given with them replaces `x-berth.timeout`) by writing the model's `x-berth` key, so
 * every later reader (the wait, one-shot job detection, the configuration hash) sees one rule.
 */
import type { ProjectSpec } from "../compose/model.js";
import { suggest } from "../compose/did-you-mean.js";
import { BerthError } from "../errors.js";
import { readinessOptionAsXBerth, type ServiceReadinessInput } from "../health/probe-spec.js";

export function withReadiness(spec: ProjectSpec, rules: Record<string, ServiceReadinessInput> | undefined): ProjectSpec {
  if (!rules || Object.keys(rules).length === 0) return spec;
  const known = Object.keys(spec.services).sort();
  const unknown = Object.keys(rules)
    .filter((n) => !(n in spec.services))
    .sort();
  if (unknown.length) {
    const guess = unknown.length === 1 ? suggest(unknown[0]!, known) : undefined;
    throw new BerthError(
      "USAGE",
      `readiness.${unknown[0]}: the project has no service "${unknown[0]}"${
        unknown.length > 1
          ? ` (nor ${unknown
              .slice(1)
              .map((u) => `"${u}"`)
              .join(", ")})`
          : ""
      }`,
      {
        hint: `${guess ? `Did you mean "${guess}"? ` : ""}Services: ${known.join(", ")}.`,
      },
    );
  }
  const given = readinessOptionAsXBerth(rules);
  const services = { ...spec.services };
  for (const [name, x] of Object.entries(given)) {
    const s = services[name]!;
    const own = (s.extensions["x-berth"] ?? {}) as Record<string, unknown>;
    services[name] = { ...s, extensions: { ...s.extensions, "x-berth": { ...own, ...x } } };
  }
  return { ...spec, services };
}
