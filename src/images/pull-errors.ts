/**
 * A failed pull (classified by src/engine/pull-failure.ts) in words, with what to do about it.
 */
import { isOwnImage, missingImageHint } from "../engine/image-hint.js";
import { DOCKER_HUB } from "../registry/reference.js";
import { dockerConfigPath } from "../registry/credentials.js";
import type { PullFailure } from "../engine/pull-failure.js";

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
