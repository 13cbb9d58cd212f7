/**
 * Docker Compose flags berth accepts although its outcome differs (it always detaches and waits,
 * `down` always takes orphans…): one short note on stderr per command, instead of a usage error,
 * so a compose user's commands and scripts keep working.
 */
import type { CliContext } from "./context.js";

/** `flags`: the compose flags given that change nothing (falsy entries are skipped); nothing is printed when none was given. */
export function composeNote(ctx: Pick<CliContext, "err">, flags: (string | false | undefined)[], why: string): void {
  const given = flags.filter((f): f is string => typeof f === "string" && f !== "");
  if (given.length > 0) ctx.err(`berth: note: ${given.join(", ")} accepted for docker compose; ${why}`);
}
