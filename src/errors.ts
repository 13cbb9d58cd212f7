import type { ErrorDetailsByCode } from "./error-details.js";
import { ISSUES_URL } from "./version.js";

export type { ErrorDetailsByCode } from "./error-details.js";

/**
 * berth's one error type. Every failure a user can meet carries a stable `code`, a short message
 * naming the resource and the place, a `hint` saying what to do, and details typed per code
 * (error-details.ts). `describeError` gives the long form. The CLI maps codes to exit codes.
 * `INTERNAL` is berth's own bug (an invariant broken); every other code is about the user's input,
 * machine or engine.
 */
export type BerthErrorCode =
  | "COMPOSE_NOT_FOUND"
  | "COMPOSE_INVALID"
  | "ENGINE_UNREACHABLE"
  | "ENGINE_ERROR"
  | "IMAGE_NOT_FOUND"
  | "IMAGE_PULL_FAILED"
  | "CONFLICT"
  | "PORT_IN_USE"
  | "HEALTH_TIMEOUT"
  | "SERVICE_FAILED"
  | "NOT_FOUND"
  | "LOCK_TIMEOUT"
  | "GUARD_REFUSED"
  | "USAGE"
  | "ABORTED"
  | "INTERNAL";

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

export interface BerthErrorOptions<C extends BerthErrorCode = BerthErrorCode> {
  hint?: string;
  cause?: unknown;
  problems?: SourceProblem[];
  details?: ErrorDetailsByCode[C];
}

export class BerthError<C extends BerthErrorCode = BerthErrorCode> extends Error {
  override readonly name = "BerthError";
  readonly code: C;
  readonly hint: string | undefined;
  readonly problems: SourceProblem[];
  readonly details: ErrorDetailsByCode[C];

  constructor(code: C, message: string, options: BerthErrorOptions<C> = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.hint = options.hint;
    this.problems = options.problems ?? [];
    // Every field of every code's details is optional: none is a valid value.
    this.details = options.details ?? {};
  }
}

/** Whether `error` is a BerthError, of one of `codes` when given (its details typed accordingly). */
export function isBerthError<C extends BerthErrorCode = BerthErrorCode>(error: unknown, ...codes: C[]): error is BerthError<C> {
  return error instanceof BerthError && (codes.length === 0 || codes.includes(error.code as C));
}

/** What to do about a bug of berth's: report it. */
export const REPORT_BUG_HINT = `This is a bug in berth, not a problem of your input, machine or engine: please report it, with the command you ran and this output, at ${ISSUES_URL}`;

/** berth's own bug: an invariant of its code broke. Not the user's input, machine or engine. */
export function internalError(message: string, cause?: unknown): BerthError<"INTERNAL"> {
  return new BerthError("INTERNAL", message, { cause, hint: REPORT_BUG_HINT });
}

/** Whether `error` is berth's own bug: an INTERNAL error, or anything that is not a BerthError (a TypeError, …). */
export function isBerthBug(error: unknown): boolean {
  return !(error instanceof BerthError) || error.code === "INTERNAL";
}

/** `file:line:column path: message` — the form every compose problem is printed in. */
export function formatProblem(p: SourceProblem): string {
  const where = [p.file, p.line, p.line !== undefined ? p.column : undefined].filter((x) => x !== undefined).join(":");
  const path = p.path ? ` ${p.path}` : "";
  const hint = p.hint ? ` (${p.hint})` : "";
  return `${where}${path}: ${p.message}${hint}`;
}

/**
 * The long form of an error: its (short) message, the compose problems, `more` (lines a caller
 * adds, such as the CLI's container state and log tail), each cause's message that was not said
 * already, and the hint. Each line after the first is indented by two spaces.
 */
export function describeError(error: unknown, more: string[] = []): string {
  if (!(error instanceof BerthError)) return [messageOf(error), ...more, ...causeLines(error, [messageOf(error)])].join("\n");
  // The message may already list the problems (for API users): they are listed once, here.
  const first = error.problems.length ? error.message.split("\n")[0]!.replace(/:$/, "") : error.message;
  const lines = [first, ...error.problems.map((p) => `  ${formatProblem(p)}`), ...more];
  lines.push(...causeLines(error, [error.message]));
  if (error.hint && !(error.problems.length === 1 && error.problems[0]!.hint === error.hint)) lines.push(`  hint: ${error.hint}`);
  return lines.join("\n");
}

/**
 * `caused by:` lines for the causes of `error`, outermost first, each skipped when its message is
 * part of one said before (a wrapper usually repeats its cause's message).
 */
function causeLines(error: unknown, said: string[]): string[] {
  const lines: string[] = [];
  const seen = new Set<unknown>([error]);
  for (let c = causeOf(error); c !== undefined && !seen.has(c); c = causeOf(c)) {
    seen.add(c);
    const text = messageOf(c);
    if (!text || said.some((s) => s.includes(text))) continue;
    said.push(text);
    lines.push(`  caused by: ${text}`);
  }
  return lines;
}

function causeOf(error: unknown): unknown {
  return error instanceof Error ? error.cause : undefined;
}

/**
 * An error's own message. A client error that carries the server's structured answer
 * (`json.message`, as the Docker client's do) is described by that answer, not by the client's
 * wrapping of it.
 */
function messageOf(error: unknown): string {
  const client = error as { json?: unknown; statusCode?: unknown } | null;
  const body = client?.json;
  const answer = (body as { message?: unknown } | null | undefined)?.message;
  if (typeof answer === "string") return answer.trim();
  // Answered by a server that is not what the client expected (a web server at DOCKER_HOST): the
  // client's own text would print the body as "[object Object]"; the status and a text body say it.
  if (typeof client?.statusCode === "number" && body !== undefined) {
    const text = typeof body === "string" ? (body.trim().split("\n")[0] ?? "").slice(0, 200) : "";
    return text ? `HTTP ${client.statusCode}: ${text}` : `HTTP ${client.statusCode}`;
  }
  return (error instanceof Error ? error.message : String(error)).trim();
}
