/** Documented exit codes. One place maps berth's error codes to them. */
import { isBerthError, type BerthErrorCode } from "../errors.js";

/** `internal`: a bug of berth's (70 is EX_SOFTWARE of sysexits.h). */
export const EXIT = { ok: 0, failure: 1, usage: 2, engine: 3, health: 4, internal: 70, interrupted: 130 } as const;

/** The exit code for any error a command threw: berth's own bugs (not a BerthError, or INTERNAL) get `internal`. */
export function exitCodeOf(error: unknown): number {
  return isBerthError(error) ? exitCodeFor(error.code) : EXIT.internal;
}

export function exitCodeFor(code: BerthErrorCode): number {
  switch (code) {
    case "USAGE":
    case "COMPOSE_INVALID":
    case "COMPOSE_NOT_FOUND":
      return EXIT.usage;
    case "ENGINE_UNREACHABLE":
      return EXIT.engine;
    case "HEALTH_TIMEOUT":
      return EXIT.health;
    case "ABORTED":
      return EXIT.interrupted;
    case "INTERNAL":
      return EXIT.internal;
    default:
      return EXIT.failure;
  }
}
