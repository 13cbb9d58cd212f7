/** The text a pattern searches, newest first: start error, health check output, then log lines. */
import type { ContainerFacts, EnvironmentFacts, Finding } from "./facts.js";

/** A failure pattern: the finding when it recognises the container's failure, else null. */
export type Pattern = (f: ContainerFacts, env: EnvironmentFacts, lines: TextLine[]) => Finding | null;

export interface TextLine {
  text: string;
  source: Finding["source"];
}

/** Every line a container left behind, the newest first (the last words before a failure matter most). */
export function textLines(f: ContainerFacts): TextLine[] {
  const lines: TextLine[] = [];
  if (f.startError) lines.push({ text: f.startError, source: "engine" });
  for (const h of [...f.healthLog].reverse()) {
    for (const l of h.output.split("\n").reverse()) if (l.trim()) lines.push({ text: l.trim(), source: "health check" });
  }
  for (const l of [...f.logLines].reverse()) if (l.trim()) lines.push({ text: l.trim(), source: "logs" });
  return lines;
}

/** The newest line (of the given sources) matching any of the regexes, with the match. */
export function findLine(lines: TextLine[], res: RegExp[], sources?: Finding["source"][]): { line: TextLine; match: RegExpExecArray } | null {
  for (const line of lines) {
    if (sources && !sources.includes(line.source)) continue;
    for (const re of res) {
      const match = re.exec(line.text);
      if (match) return { line, match };
    }
  }
  return null;
}

/** An evidence string: the line, shortened, and where it was seen. */
export function evidenceOf(line: TextLine): string {
  const text = line.text.length > 240 ? `${line.text.slice(0, 237)}...` : line.text;
  return `${line.source}: ${text}`;
}
