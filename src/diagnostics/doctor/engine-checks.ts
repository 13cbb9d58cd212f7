/** Doctor checks of the engine itself: version, storage driver, cgroups, memory and disk. */
import { existsSync, statfsSync } from "node:fs";
import type { Engine } from "../../engine/engine.js";
import type { DaemonInfo } from "../../engine/diagnostics-queries.js";
import { availableMemory, guardSettings } from "../../guards/resources.js";
import { fail, formatSize, pass, warn, type DoctorCheck } from "./check.js";

const GiB = 1024 ** 3;

export function versionCheck(engine: Engine, info: DaemonInfo): DoctorCheck {
  const i = engine.info;
  return pass(
    "engine",
    `Docker ${info.serverVersion || i.version} at ${engine.endpoint}, API ${i.apiVersion} (berth speaks ${i.negotiatedApiVersion}), ${info.operatingSystem}, ${info.ncpu} CPUs`,
  );
}

export function storageCheck(info: DaemonInfo): DoctorCheck {
  const d = info.storageDriver;
  if (d === "overlay2" || d === "btrfs" || d === "zfs" || d === "overlayfs" || d === "fuse-overlayfs") return pass("storage driver", d);
  if (d === "vfs")
    return warn(
      "storage driver",
      "vfs: every layer is a full copy, so builds and container starts are slow and use much disk",
      "Run dockerd with --storage-driver=overlay2 on an ext4 or xfs data root.",
    );
  if (d === "devicemapper" || d === "aufs") return warn("storage driver", `${d} is deprecated and slow`, "Switch dockerd to --storage-driver=overlay2.");
  return pass("storage driver", d || "not reported");
}

export function cgroupCheck(info: DaemonInfo): DoctorCheck {
  const limits = info.warnings.filter((w) => /memory limit|swap limit|cpu cfs|oom kill/i.test(w));
  const what = `cgroup v${info.cgroupVersion || "?"} (${info.cgroupDriver || "driver not reported"})`;
  if (limits.length)
    return warn(
      "cgroups",
      `${what}; the engine warns: ${limits.join("; ")}`,
      "Enable the missing cgroup controllers (kernel boot options such as cgroup_enable=memory swapaccount=1); until then mem_limit and friends are not enforced.",
    );
  return pass("cgroups", `${what}; memory and CPU limits enforced`);
}

/** Host memory available against berth's floor (BERTH_MIN_FREE_MEMORY): `up` refuses below it. */
export function memoryCheck(engine: Engine, info: DaemonInfo, env: Record<string, string | undefined>): DoctorCheck {
  const floor = guardSettings(env).minFreeMemoryBytes;
  const local = engine.endpoint.startsWith("unix://");
  const available = local ? availableMemory() : undefined;
  const total = `engine host memory ${formatSize(info.memTotalBytes)}`;
  if (available === undefined) return pass("memory", `${total}; available memory not measured (remote engine)`);
  const detail = `${formatSize(available)} available of ${formatSize(info.memTotalBytes)}; berth's floor ${formatSize(floor)} (BERTH_MIN_FREE_MEMORY)`;
  const fix =
    "Free memory: `berth status` then `berth down <project>` for environments you no longer need, `berth clean` for orphans; or lower BERTH_MIN_FREE_MEMORY.";
  if (available < floor) return fail("memory", `${detail}: \`berth up\` will refuse to start`, fix);
  if (available < floor * 2) return warn("memory", `${detail}: little headroom`, fix);
  return pass("memory", detail);
}

/** Free space where the engine keeps images, containers and volumes (visible for a local engine only). */
export function diskCheck(engine: Engine, info: DaemonInfo): DoctorCheck {
  const root = info.dockerRootDir;
  if (!engine.endpoint.startsWith("unix://") || !root || !existsSync(root)) {
    return pass("disk", `engine data root ${root || "?"} is not visible from here; free space not measured`);
  }
  const s = statfsSync(root);
  const free = s.bavail * s.bsize;
  const total = s.blocks * s.bsize;
  const detail = `${formatSize(free)} free of ${formatSize(total)} at ${root}`;
  const fix = `Free space on ${root}: remove unused images (\`docker image prune\`), stopped containers and volumes you do not need, or move the data root.`;
  if (free < 1 * GiB) return fail("disk", `${detail}: builds and new containers will fail`, fix);
  if (free < 5 * GiB || free / total < 0.05) return warn("disk", `${detail}: running low`, fix);
  return pass("disk", detail);
}
