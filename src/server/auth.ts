/**
 * Token checks for `berth serve --token`. An API client sends `Authorization: Bearer <token>`; a
 * browser opens the page once with `?token=<token>`, gets an HttpOnly, SameSite=Strict cookie and
 * is redirected to the same address without the token (so it stays out of history and of the
 * EventSource URL, which cannot carry headers). Comparisons take constant time.
 */
import { createHash, createHmac, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";

export const COOKIE_NAME = "berth_session";

export type AuthResult = { ok: true; setCookie?: string; redirectTo?: string } | { ok: false; reason: string };

function digest(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

/** Equal-length digests, so neither the content nor the length of the secret leaks through timing. */
function sameSecret(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? "").split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

export class TokenAuth {
  /** The cookie holds a value derived from the token, not the token itself. */
  private readonly session: string;

  constructor(private readonly token: string) {
    this.session = createHmac("sha256", token).update("berth-serve-session").digest("hex");
  }

  check(req: IncomingMessage, url: URL): AuthResult {
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)\s*$/i.exec(auth);
      return m && sameSecret(m[1]!, this.token) ? { ok: true } : { ok: false, reason: "the Authorization header does not carry the server's token" };
    }
    const cookie = cookieValue(req.headers.cookie, COOKIE_NAME);
    if (cookie !== undefined && sameSecret(cookie, this.session)) return { ok: true };
    const query = url.searchParams.get("token");
    if (query !== null) {
      if (!sameSecret(query, this.token)) return { ok: false, reason: "the token in the address is not the server's token" };
      const clean = new URL(url);
      clean.searchParams.delete("token");
      return {
        ok: true,
        setCookie: `${COOKIE_NAME}=${this.session}; HttpOnly; SameSite=Strict; Path=/`,
        // Only the page is redirected; API clients using ?token= get their answer directly.
        ...(url.pathname === "/" ? { redirectTo: clean.pathname + clean.search } : {}),
      };
    }
    return { ok: false, reason: "this server requires a token" };
  }
}
