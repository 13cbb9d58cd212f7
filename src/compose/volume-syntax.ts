/**
 * Volume short syntax, `[SOURCE:]TARGET[:OPTIONS]`, parsed into the long form. A source that
 * starts with `.`, `/` or `~` is a host path (bind mount); anything else names a volume.
 * Relative and `~` paths are resolved later by the normalizer, which knows the directories.
 */
import type { VolumeMountSpec } from "./model.js";

export class VolumeSyntaxError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

export const VOLUME_HINT = "expected [SOURCE:]TARGET[:ro|rw|z|Z|nocopy|…], e.g. ./data:/data:ro or cache:/cache";

const PROPAGATION = ["shared", "rshared", "slave", "rslave", "private", "rprivate"];
const CONSISTENCY = ["cached", "delegated", "consistent", "default"];
const VOLUME_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

export function isHostPath(source: string): boolean {
  return source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
}

export function parseVolumeShort(spec: string): VolumeMountSpec {
  const parts = spec.split(":");
  if (parts.some((p) => p === "")) throw new VolumeSyntaxError(`invalid volume "${spec}": empty part`, VOLUME_HINT);
  if (parts.length > 3) throw new VolumeSyntaxError(`invalid volume "${spec}": too many colons`, VOLUME_HINT);
  if (parts.length === 1) {
    const target = parts[0]!;
    checkTarget(target, spec);
    return { type: "volume", target };
  }
  const [source, target, options = ""] = parts as [string, string, string?];
  checkTarget(target, spec);
  const mount: VolumeMountSpec = isHostPath(source) ? { type: "bind", source, target } : { type: "volume", source, target };
  if (mount.type === "volume" && !VOLUME_NAME.test(source)) {
    throw new VolumeSyntaxError(`invalid volume name "${source}" in "${spec}"`, `for a host path write ./${source}; volume names use letters, digits, _ . -`);
  }
  for (const opt of options === "" ? [] : options.split(",")) {
    if (opt === "ro" || opt === "readonly") mount.read_only = true;
    else if (opt === "rw") mount.read_only = undefined;
    else if (opt === "z" || opt === "Z") mount.bind = { ...mount.bind, selinux: opt };
    else if (opt === "nocopy") mount.volume = { ...mount.volume, nocopy: true };
    else if (PROPAGATION.includes(opt)) mount.bind = { ...mount.bind, propagation: opt };
    else if (CONSISTENCY.includes(opt)) mount.consistency = opt;
    else
      throw new VolumeSyntaxError(
        `invalid volume option "${opt}" in "${spec}"`,
        "options are ro, rw, z, Z, nocopy, shared, rshared, slave, rslave, private, rprivate, cached, delegated",
      );
  }
  if (mount.read_only === undefined) delete mount.read_only;
  if (mount.type === "bind") mount.bind = { create_host_path: true, ...mount.bind };
  return mount;
}

function checkTarget(target: string, spec: string): void {
  if (!target.startsWith("/")) {
    throw new VolumeSyntaxError(`invalid volume "${spec}": the container path "${target}" is not absolute`, "container paths start with /");
  }
}
