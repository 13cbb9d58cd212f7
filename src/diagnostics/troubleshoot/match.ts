/** Runs every known failure pattern over one container's facts. Pure. */
import type { ContainerFacts, EnvironmentFacts, Finding } from "./facts.js";
import { PATTERNS } from "./patterns.js";
import { textLines } from "./text-sources.js";

export function diagnose(facts: ContainerFacts, env: EnvironmentFacts): Finding[] {
  const lines = textLines(facts);
  const findings: Finding[] = [];
  for (const p of PATTERNS) {
    const f = p.match(facts, env, lines);
    if (f) findings.push(f);
  }
  return findings;
}
