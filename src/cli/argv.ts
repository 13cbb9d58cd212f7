/**
 * Before Commander parses argv:
 * - `berth exec SERVICE CMD…` and `berth run SERVICE CMD…`: everything from CMD on belongs to the
 *   command, including options berth also has (`node -e`, `psql -p`). Commander would parse those
 *   as berth's, so a `--` is put where the command begins (unless one is there). `berth run -- CMD…`
 *   (a host command) has its `--` already; see runForm.
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
  "--entrypoint",
  "--pull",
]);

/** Options whose value is optional: the next word is theirs unless it starts with "-" (as Commander reads them). */
const OPTIONAL_VALUE = new Set(["--pool"]);

/** Index of the first word at or after `from` that is not an option or an option's value, or of a `--` before it; -1: none. */
function operandOrDashes(argv: string[], from: number): number {
  for (let i = from; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === "--" || !a.startsWith("-") || a === "-") return i;
    if (!a.includes("=") && TAKES_VALUE.has(a)) i++;
    else if (OPTIONAL_VALUE.has(a) && i + 1 < argv.length && !argv[i + 1]!.startsWith("-")) i++;
  }
  return -1;
}

/** Index of the first word at or after `from` that is not an option or an option's value (-1: none before a `--`). */
function firstOperand(argv: string[], from: number): number {
  const at = operandOrDashes(argv, from);
  return at >= 0 && argv[at] === "--" ? -1 : at;
}

/**
 * Which `berth run` argv is: "service" for `run [options] SERVICE [CMD…]` (a one-off container of
 * SERVICE, as `docker compose run`), "host" for `run [options] -- CMD…` (CMD on this machine in a
 * dedicated environment); undefined when it is not `run` or names nothing to run. The `--` decides:
 * a host command must come after it; the first word without it is a service.
 */
export function runForm(argv: string[]): "service" | "host" | undefined {
  const cmdAt = firstOperand(argv, 0);
  if (cmdAt < 0 || argv[cmdAt] !== "run") return undefined;
  const at = operandOrDashes(argv, cmdAt + 1);
  if (at < 0) return undefined;
  if (argv[at] !== "--") return "service";
  return at + 1 < argv.length ? "host" : undefined;
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
  start = start + 1; // the service comes first (`run -- CMD` has its `--` and stopped above)
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
