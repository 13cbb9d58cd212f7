/**
 * What a failed pull's engine message means, with what to do about it. The engine passes the
 * registry's answer on as text (Engine 20.10 to 28 word them alike), so the text decides:
 * not found, unauthorized, TLS, unreachable, or a transient fault (5xx, a reset connection, a
 * timeout) that is worth another try. Not found and unauthorized are never retried.
 */
import { isOwnImage, missingImageHint } from "../engine/image-hint.js";
import { DOCKER_HUB } from "../registry/reference.js";
import { dockerConfigPath } from "../registry/credentials.js";

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

const WORDS: Record<PullFailure, string> = {
  "not-found": "not found",
  unauthorized: "unauthorized",
  tls: "TLS failure",
  unreachable: "unreachable",
  transient: "temporary registry failure",
  other: "failed",
};

export function failureWords(f: PullFailure): string {
  return WORDS[f];
}

export function pullFailureHint(f: PullFailure, image: string, registry: string, env: Record<string, string | undefined>): string {
  if (isOwnImage(image)) return missingImageHint([image]);
  const where = registry === DOCKER_HUB ? "Docker Hub" : registry;
  switch (f) {
    case "not-found":
      return `Check the name and tag of ${image} (\`docker pull ${image}\` shows the registry's answer); a private image also answers like this without credentials: \`docker login ${registry === DOCKER_HUB ? "" : registry}\`.`.replace(
        "  ",
        " ",
      );
    case "unauthorized":
      return `Log in to ${where} (\`docker login${registry === DOCKER_HUB ? "" : ` ${registry}`}\`): berth reads credentials from ${dockerConfigPath(env)} (auths, credsStore, credHelpers) as the docker CLI does.`;
    case "tls":
      return `The engine does not trust ${registry}'s certificate: add its CA under /etc/docker/certs.d/${registry}/ca.crt on the engine's host, or list it in the engine's insecure-registries.`;
    case "unreachable":
      return `The engine cannot reach ${where}: check that the registry runs and the engine's network, proxy or registry-mirrors settings.`;
    case "transient":
      return `${where} kept failing after retries: try again later.`;
    default:
      return `Pull it by hand (\`docker pull ${image}\`) to see the engine's full answer.`;
  }
}
