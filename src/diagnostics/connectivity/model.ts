/** What `berth validate` reports: one row per check, dependant → dependency, or host → published port. */

export type CheckStatus = "PASS" | "FAIL" | "SKIP";

/** Why a check failed (or could not run). */
export type FailureCause =
  | "no-dns" // the name does not resolve
  | "refused" // nothing listens on the port
  | "timeout" // no answer in time (a firewall, a hung server)
  | "unreachable" // no route to the address
  | "wrong-network" // the two containers share no network
  | "not-running" // a container is not running
  | "no-tool" // the image has no resolver or TCP tool to test with
  | "closed" // the engine's proxy accepted, then hung up: nothing listens in the container
  | "error"; // anything else (the output says what)

export interface ConnectivityCheck {
  /** The dependant service, or "host" for published ports. */
  from: string;
  /** The container the check ran in (host checks: the host). */
  fromContainer: string;
  /** The dependency service (host checks: the service whose port is published). */
  to: string;
  /** "name" for resolution, "tcp/5432" for a container port, "127.0.0.1:49153→8080/tcp" from the host. */
  check: string;
  status: CheckStatus;
  cause?: FailureCause;
  /** What was seen: the address resolved, the tool used, the error text. */
  detail: string;
}

export interface ConnectivityReport {
  project: string;
  checks: ConnectivityCheck[];
  passed: number;
  failed: number;
  skipped: number;
}

export function summarize(project: string, checks: ConnectivityCheck[]): ConnectivityReport {
  const sorted = [...checks].sort(
    (a, b) =>
      (a.from === "host" ? 1 : 0) - (b.from === "host" ? 1 : 0) ||
      a.from.localeCompare(b.from) ||
      a.fromContainer.localeCompare(b.fromContainer) ||
      a.to.localeCompare(b.to) ||
      (a.check === "name" ? -1 : b.check === "name" ? 1 : a.check.localeCompare(b.check, undefined, { numeric: true })),
  );
  const count = (s: CheckStatus) => checks.filter((c) => c.status === s).length;
  return { project, checks: sorted, passed: count("PASS"), failed: count("FAIL"), skipped: count("SKIP") };
}
