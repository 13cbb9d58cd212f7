/**
 * Before Commander parses argv:
 * - `berth exec SERVICE CMD…` and `berth run CMD…`: everything from CMD on belongs to the command,
 *   including options berth also has (`node -e`, `psql -p`). Commander would parse those as
 *   berth's, so a `--` is put where the command begins (unless one is there).
 * - `berth logs -f`: follow, as in `docker logs -f`; Commander would take it for the global
 *   `-f FILE` and the next word for a file name, so after `logs` it is spelled `--follow`.
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
  if (name === "logs") return followForLogs(argv, cmdAt);
  if (name !== "exec" && name !== "run") return argv;
  let start = firstOperand(argv, cmdAt + 1);
  if (start < 0) return argv;
  if (name === "exec") start = start + 1; // the service comes first
  if (start >= argv.length || argv[start] === "--") return argv;
  return [...argv.slice(0, start), "--", ...argv.slice(start)];
}

/** After `logs`: `-f` (alone or with -t in one cluster, `-ft`) is --follow; a global `--file` stays as it is. */
function followForLogs(argv: string[], cmdAt: number): string[] {
  const dashes = argv.indexOf("--", cmdAt);
  const end = dashes < 0 ? argv.length : dashes;
  return argv.flatMap((a, i) => {
    if (i <= cmdAt || i >= end || !/^-[ft]*f[ft]*$/.test(a)) return [a];
    return [...new Set(a.slice(1))].map((c) => (c === "f" ? "--follow" : "--timestamps"));
  });
}
