/**
 * Before Commander parses argv:
 * - `berth exec SERVICE CMD…` and `berth run CMD…`: everything from CMD on belongs to the command,
 *   including options berth also has (`node -e`, `psql -p`). Commander would parse those as
 *   berth's, so a `--` is put where the command begins (unless one is there).
 * - `berth logs -f`: follow, as in `docker logs -f`; Commander would take it for the global
 *   `-f FILE` and the next word for a file name, so after `logs` it is spelled `--follow`.
 * - `berth rm -f`: force, as in `docker compose rm -f`; spelled `--force` after `rm` for the same reason.
 */

/** Options (global or of exec/run) that take a value as the next word. */
const TAKES_VALUE = new Set([
  "-f",
  "--file",
  "-p",
  "--project-name",
  "--profile",
  "--env-file",
  "--project-directory",
  "--timeout",
  "--index",
  "-e",
  "--env",
  "-u",
  "--user",
  "-w",
  "--workdir",
  "--env-prefix",
]);

/** Index of the first word at or after `from` that is not an option or an option's value. */
function firstOperand(argv: string[], from: number): number {
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--") return -1;
    if (!a.startsWith("-") || a === "-") return i;
    if (!a.includes("=") && TAKES_VALUE.has(a)) i++;
  }
  return -1;
}

/** The command word of argv (`up` in `berth -f x.yml up web`), or "" when there is none. */
export function commandWord(argv: string[]): string {
  const at = firstOperand(argv, 0);
  return at < 0 ? "" : argv[at]!;
}

export function protectCommandArgs(argv: string[]): string[] {
  const cmdAt = firstOperand(argv, 0);
  if (cmdAt < 0) return argv;
  const name = argv[cmdAt];
  // logs: -f follows, -t shows timestamps; rm: -f forces, -s stops first, -v removes anonymous volumes.
  if (name === "logs") return spellOutF(argv, cmdAt, { f: "--follow", t: "--timestamps" });
  if (name === "rm") return spellOutF(argv, cmdAt, { f: "--force", s: "--stop", v: "--volumes" });
  if (name !== "exec" && name !== "run") return argv;
  let start = firstOperand(argv, cmdAt + 1);
  if (start < 0) return argv;
  if (name === "exec") start = start + 1; // the service comes first
  if (start >= argv.length || argv[start] === "--") return argv;
  return [...argv.slice(0, start), "--", ...argv.slice(start)];
}

/**
 * After the command word: a `-f` that is the command's own (alone or in a cluster of the command's
 * one-letter flags, `-ft`) is spelled out with `long`; a global `--file` stays as it is.
 */
function spellOutF(argv: string[], cmdAt: number, long: Record<string, string>): string[] {
  const dashes = argv.indexOf("--", cmdAt);
  const end = dashes < 0 ? argv.length : dashes;
  const letters = Object.keys(long).join("");
  const cluster = new RegExp(`^-[${letters}]*f[${letters}]*$`);
  return argv.flatMap((a, i) => (i <= cmdAt || i >= end || !cluster.test(a) ? [a] : [...new Set(a.slice(1))].map((c) => long[c]!)));
}
