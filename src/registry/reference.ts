/**
 * Which registry an image reference names, as the docker CLI decides: the first path component is
 * a registry host when it has a dot or a port, or is `localhost`; otherwise the image is on Docker
 * Hub, whose credentials the docker CLI files under `https://index.docker.io/v1/`.
 */
export const DOCKER_HUB = "docker.io";
export const DOCKER_HUB_AUTH_KEY = "https://index.docker.io/v1/";

/** The registry host of `ref` (`docker.io` for Docker Hub names). */
export function registryOf(ref: string): string {
  const slash = ref.indexOf("/");
  if (slash < 0) return DOCKER_HUB;
  const first = ref.slice(0, slash);
  if (first.includes(".") || first.includes(":") || first === "localhost") return first === "index.docker.io" ? DOCKER_HUB : first;
  return DOCKER_HUB;
}

/** The key the docker CLI files `host`'s credentials under, and sends as the server address. */
export function authKeyOf(host: string): string {
  return host === DOCKER_HUB ? DOCKER_HUB_AUTH_KEY : host;
}

/** A key of `auths` reduced to its host, as the docker CLI matches them (`https://host/v1/` = `host`). */
export function hostOfAuthKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  return host === "index.docker.io" || host === "registry-1.docker.io" ? DOCKER_HUB : host;
}

/** "registry:5000/team/app:1.2" → ["registry:5000/team/app", "1.2"]; no tag → "latest"; a digest or an id → "<none>". */
export function splitImageRef(ref: string): { repository: string; tag: string } {
  if (ref.startsWith("sha256:")) return { repository: "<none>", tag: "<none>" };
  const at = ref.indexOf("@");
  if (at >= 0) return { repository: ref.slice(0, at), tag: "<none>" };
  const slash = ref.lastIndexOf("/");
  const colon = ref.lastIndexOf(":");
  return colon > slash ? { repository: ref.slice(0, colon), tag: ref.slice(colon + 1) } : { repository: ref, tag: "latest" };
}
