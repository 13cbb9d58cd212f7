/** Documented exit codes. One place maps berth's error codes to them. */
import type { BerthErrorCode } from "../errors.js";

export const EXIT = { ok: 0, failure: 1, usage: 2, engine: 3, health: 4, interrupted: 130 } as const;

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
    default:
      return EXIT.failure;
  }
}
