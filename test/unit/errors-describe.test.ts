/**
 * The long form of an error (describeError) and the CLI's split between the user's trouble and
 * berth's own bugs (formatError, exitCodeOf).
 */
import { describe, expect, it } from "vitest";
import { exitCodeOf, EXIT } from "../../src/cli/exit-codes.js";
import { errorJson, formatError } from "../../src/cli/format-error.js";
import { BerthError, describeError, internalError, isBerthBug } from "../../src/errors.js";
import type { Engine } from "../../src/engine/engine.js";
import { describeFailure } from "../../src/lifecycle/acquire-failure.js";
import type { ProjectSpec } from "../../src/compose/model.js";
import { ISSUES_URL } from "../../src/version.js";

function modemError(statusCode: number, message: string): Error {
  return Object.assign(new Error(`(HTTP code ${statusCode}) server error - ${message} `), { statusCode, json: { message } });
}

describe("describeError", () => {
  it("message, problems, hint, then each cause's message once: a cause a wrapper repeats is not said again", () => {
    const engine = modemError(500, "failed to create shim: OCI runtime create failed: unknown");
    const wrapped = new BerthError("ENGINE_ERROR", "start container 3f2a: failed to create shim: OCI runtime create failed: unknown", { cause: engine });
    const root = new Error("disk quota exceeded");
    const step = new BerthError("ENGINE_ERROR", `start db-1 (service db) failed: ${wrapped.message}`, { cause: wrapped, hint: "Check the engine." });
    // A chain with a cause of its own below the engine's answer.
    (engine as Error & { cause?: unknown }).cause = root;
    expect(describeError(step)).toBe(
      [
        "start db-1 (service db) failed: start container 3f2a: failed to create shim: OCI runtime create failed: unknown",
        "  caused by: disk quota exceeded",
        "  hint: Check the engine.",
      ].join("\n"),
    );
  });

  it("a cause that says something new is listed, outermost first, and a repeated one only once", () => {
    const inner = new Error("EACCES: permission denied, open '/var/lib/berth/lock'");
    const middle = new Error("could not take the lock", { cause: inner });
    const again = new Error("could not take the lock", { cause: middle });
    const e = new BerthError("LOCK_TIMEOUT", 'lock "up" could not be taken', { cause: again });
    expect(describeError(e).split("\n")).toEqual([
      'lock "up" could not be taken',
      "  caused by: could not take the lock",
      "  caused by: EACCES: permission denied, open '/var/lib/berth/lock'",
    ]);
  });

  it("a client error from a server that is not the engine is said by its status and text body, never as [object Object]", () => {
    const objectBody = Object.assign(new Error("(HTTP code 404) unexpected - [object Object] "), { statusCode: 404, json: {} });
    const notDocker = new BerthError("ENGINE_UNREACHABLE", "the server at tcp://127.0.0.1:1 answered, but is not a Docker engine (HTTP 404 for /version)", {
      cause: objectBody,
    });
    expect(describeError(notDocker)).toBe("the server at tcp://127.0.0.1:1 answered, but is not a Docker engine (HTTP 404 for /version)");
    const textBody = Object.assign(new Error("(HTTP code 502) unexpected - Bad Gateway "), { statusCode: 502, json: "Bad Gateway\n<html>…" });
    expect(describeError(new BerthError("ENGINE_ERROR", "list containers failed", { cause: textBody }))).toBe(
      "list containers failed\n  caused by: HTTP 502: Bad Gateway",
    );
  });

  it("compose problems are listed under the message's first line, and a cycle of causes ends", () => {
    const e = new BerthError("COMPOSE_INVALID", "compose.yml is invalid:\n  compose.yml:3:5 services.db.image: expected a string", {
      problems: [{ file: "compose.yml", line: 3, column: 5, path: "services.db.image", message: "expected a string" }],
    });
    const a = new Error("a");
    const b = new Error("b", { cause: a });
    (a as Error & { cause?: unknown }).cause = b;
    expect(describeError(e)).toBe("compose.yml is invalid\n  compose.yml:3:5 services.db.image: expected a string");
    expect(describeError(a)).toBe("a\n  caused by: b");
  });
});

describe("the CLI tells berth's bugs from the user's trouble", () => {
  it("a TypeError is a bug of berth's: said so, with its stack and where to report it, exit code 70", () => {
    const bug = new TypeError("Cannot read properties of undefined (reading 'ports')");
    const text = formatError(bug);
    expect(text.split("\n")[0]).toBe("berth: internal error (a bug in berth): TypeError: Cannot read properties of undefined (reading 'ports')");
    expect(text).toContain("  stack:\n    TypeError: Cannot read properties");
    expect(text).toContain(ISSUES_URL);
    expect(exitCodeOf(bug)).toBe(EXIT.internal);
    expect(errorJson(bug)).toMatchObject({ code: "INTERNAL", stack: bug.stack });
  });

  it("an INTERNAL error shows the stack of the bug it wraps, and asks once for a report", () => {
    const bug = new RangeError("Invalid array length");
    const text = formatError(internalError("acquire failed: Invalid array length", bug));
    expect(text).toContain("berth: internal error (a bug in berth): acquire failed: Invalid array length");
    expect(text).toContain(`  stack:\n    ${bug.stack!.split("\n")[0]}`);
    expect(text.split(ISSUES_URL).length - 1).toBe(1);
    expect(exitCodeOf(internalError("plan p is stuck"))).toBe(70);
  });

  it("an acquire that fails on something other than a BerthError reports a bug of berth's, not an engine error", async () => {
    const bug = new TypeError("x is not a function");
    const failure = await describeFailure(bug, {} as Engine, { services: {} } as unknown as ProjectSpec, { project: "p", steps: [] }, new Map());
    expect([failure.code, failure.cause]).toEqual(["INTERNAL", bug]);
    expect(exitCodeOf(failure)).toBe(EXIT.internal);
  });

  it("a user's or engine's error is not a bug: no stack, no report request, its own exit code", () => {
    const e = new BerthError(
      "ENGINE_UNREACHABLE",
      "ping the engine: the Docker engine at unix:///var/run/docker.sock does not answer (connect ENOENT /var/run/docker.sock)",
      { hint: "Start Docker." },
    );
    expect(isBerthBug(e)).toBe(false);
    expect(formatError(e)).toBe(`berth: ${e.message}\n  hint: Start Docker.`);
    expect(exitCodeOf(e)).toBe(EXIT.engine);
    expect(exitCodeOf(new BerthError("HEALTH_TIMEOUT", "x"))).toBe(EXIT.health);
    expect(exitCodeOf(new BerthError("CONFLICT", "x"))).toBe(EXIT.failure);
  });
});
