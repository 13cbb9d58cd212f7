/**
 * Go-style durations as Compose writes them (`1m30s`, `500ms`, `1.5s`, `2h`), in milliseconds.
 * A bare number is rejected, as Compose does: "30" could mean seconds or nanoseconds.
 */
const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  µs: 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;

/** Milliseconds (rounded down to whole ms), or undefined when `text` is not a duration. */
export function parseDuration(text: string): number | undefined {
  const s = text.trim();
  if (s === "0") return 0;
  if (s === "") return undefined;
  let i = s[0] === "+" ? 1 : 0;
  let total = 0;
  while (i < s.length) {
    PART.lastIndex = i;
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
    i = PART.lastIndex;
  }
  return i === 0 ? undefined : Math.floor(total + 1e-9);
}

export const DURATION_HINT = "use a number with a unit, such as 500ms, 10s, 1m30s or 2h";
