/**
 * What a failed pull's engine message means. The engine passes the registry's answer on as text
 * (Engine 20.10 to 28 word them alike), so the text decides: not found, unauthorized, TLS,
 * unreachable, or a transient fault (5xx, a reset connection, a timeout) that is worth another
 * try. Not found and unauthorized are never retried. Here, because only src/engine reads
 * dockerd's wording; src/images/pull-errors.ts turns a failure into words and a hint.
 */
export type PullFailure = "not-found" | "unauthorized" | "tls" | "unreachable" | "transient" | "other";

const RULES: [PullFailure, RegExp][] = [
  ["unauthorized", /unauthorized|authentication required|no basic auth credentials|denied: requested access|incorrect username or password|\b401\b|\b403\b/i],
  ["not-found", /manifest unknown|not found|repository does not exist|name unknown|no matching manifest|\b404\b/i],
  ["tls", /x509|certificate|tls: |server gave HTTP response to HTTPS client/i],
  [
    "transient",
    /connection reset|unexpected EOF|\bEOF\b|i\/o timeout|TLS handshake timeout|timeout exceeded|status: 5\d\d|\b50[0-9] |Service Unavailable|Bad Gateway|Gateway Time-?out|Internal Server Error|too many requests|\b429\b|broken pipe/i,
  ],
  ["unreachable", /connection refused|no such host|no route to host|network is unreachable|dial tcp|lookup /i],
];

export function classifyPullFailure(message: string): PullFailure {
  // "pull access denied … repository does not exist or may require 'docker login'": Docker Hub's
  // answer to both; the name is the likelier mistake, the hint names both.
  if (/pull access denied/i.test(message)) return "not-found";
  return RULES.find(([, re]) => re.test(message))?.[0] ?? "other";
}

export const isRetryable = (f: PullFailure): boolean => f === "transient";
