/**
 * berth's one error type. Every failure a user can meet carries a stable `code`, a message naming
 * the resource and the place, and a `hint` saying what to do. The CLI maps codes to exit codes.
 */
export type BerthErrorCode =
  | "COMPOSE_NOT_FOUND"
  | "COMPOSE_INVALID"
  | "ENGINE_UNREACHABLE"
  | "ENGINE_ERROR"
  | "IMAGE_NOT_FOUND"
  | "CONFLICT"
  | "PORT_IN_USE"
  | "HEALTH_TIMEOUT"
  | "SERVICE_FAILED"
  | "NOT_FOUND"
  | "LOCK_TIMEOUT"
  | "GUARD_REFUSED"
  | "USAGE"
  | "ABORTED";

/** One problem inside a compose file; several are reported together. */
export interface SourceProblem {
  file: string;
  line?: number;
  column?: number;
  /** Field path such as `services.backend.ports[1]`. */
  path?: string;
  message: string;
  hint?: string;
}

export interface BerthErrorOptions {
  hint?: string;
  cause?: unknown;
  problems?: SourceProblem[];
  details?: Record<string, unknown>;
}

export class BerthError extends Error {
  override readonly name = "BerthError";
  readonly code: BerthErrorCode;
  readonly hint: string | undefined;
  readonly problems: SourceProblem[];
  readonly details: Record<string, unknown>;

  constructor(code: BerthErrorCode, message: string, options: BerthErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
    this.details = options.details ?? {};
  }
}

export function isBerthError(error: unknown, code?: BerthErrorCode): error is BerthError {
  return error instanceof BerthError && (code === undefined || error.code === code);
}

/** `file:line:column path: message` — the form every compose problem is printed in. */
export function formatProblem(p: SourceProblem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined]
    .filter((x) => x !== undefined)
    .join(":");
  const path = p.path ? ` ${p.path}` : "";
  const hint = p.hint ? ` (${p.hint})` : "";
  return `${where}${path}: ${p.message}${hint}`;
}
