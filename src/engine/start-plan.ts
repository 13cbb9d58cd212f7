/**
 * How `berth engine start` starts a local engine at an endpoint, decided from the platform and what is
 * installed. Pure: the caller says what exists.
 *
 * - A Podman socket (a path containing /podman/): `podman system service --time=0 unix://PATH`.
 * - Linux as root with dockerd: `dockerd --host=unix://PATH` (plus a data-root, exec-root and pidfile when given).
 * - Linux as another user with dockerd-rootless.sh: rootless Docker (it serves $XDG_RUNTIME_DIR/docker.sock).
 * - Anything else (macOS, Windows, a remote endpoint, nothing installed): nothing berth can start; the
 *   text says what to run.
 */
export interface StartPlanInput {
  endpoint: string;
  platform: string;
  /** process.getuid() (0: root); undefined on Windows. */
  uid: number | undefined;
  /** Whether a program is on PATH. */
  has: (program: string) => boolean;
  dataRoot?: string;
  execRoot?: string;
}

export type StartPlan = { kind: "dockerd" | "rootless" | "podman"; command: string[]; pidfile?: string } | { kind: "manual"; text: string };

export function planEngineStart(i: StartPlanInput): StartPlan {
  if (!i.endpoint.startsWith("unix://")) {
    return { kind: "manual", text: `${i.endpoint} is not a local socket: start the engine on the machine it runs on.` };
  }
  const path = i.endpoint.slice("unix://".length);
  if (i.platform === "darwin" || i.platform === "win32") {
    return { kind: "manual", text: "Start Docker Desktop, or `colima start` (or Rancher Desktop, OrbStack); each sets a docker context berth follows." };
  }
  if (path.includes("/podman/")) {
    if (i.has("podman")) return { kind: "podman", command: ["podman", "system", "service", "--time=0", i.endpoint] };
    return { kind: "manual", text: "Install Podman (e.g. `apt-get install podman`), then `systemctl --user start podman.socket`." };
  }
  if (i.uid === 0 && i.has("dockerd")) {
    const pidfile = i.execRoot ? `${i.execRoot}.pid` : undefined;
    return {
      kind: "dockerd",
      command: [
        "dockerd",
        `--host=${i.endpoint}`,
        ...(i.dataRoot ? [`--data-root=${i.dataRoot}`] : []),
        ...(i.execRoot ? [`--exec-root=${i.execRoot}`] : []),
        ...(pidfile ? [`--pidfile=${pidfile}`] : []),
      ],
      pidfile: pidfile ?? "/var/run/docker.pid",
    };
  }
  if (i.uid !== 0 && i.has("dockerd-rootless.sh")) return { kind: "rootless", command: ["dockerd-rootless.sh"] };
  return {
    kind: "manual",
    text:
      i.uid === 0
        ? "dockerd is not installed: install Docker (e.g. `apt-get install docker.io`) or Podman, then run `berth engine start` again."
        : "Start Docker as root (`sudo systemctl start docker`, or `sudo berth engine start`), or install rootless Docker (dockerd-rootless-setuptool.sh install) or Podman.",
  };
}
