/** Phase 6, normalize (one service): validated raw service → the model's `ServiceSpec`. */
import { parseDuration } from "./duration.js";
import { parseEnvFile } from "./env-file.js";
import type { BuildSpec, DependencySpec, DeploySpec, FileRefSpec, ResourceSpec, ServiceHookSpec, ServiceNetworkSpec, ServiceSpec } from "./model.js";
import { hostPath, isRemoteContext, problem, type NormalizeContext } from "./normalize-context.js";
import * as f from "./normalize-fields.js";
import type { Path } from "./origins.js";
import { scalarText } from "./scalar-text.js";
import type { RawService } from "./schema-service.js";
import { parseCpus } from "./units.js";

export function normalizeService(ctx: NormalizeContext, name: string, raw: RawService & Record<string, unknown>): ServiceSpec {
  const path: Path = ["services", name];
  const at = (...rest: (string | number)[]): Path => [...path, ...rest];
  const { environment, secretKeys } = resolveEnvironment(ctx, raw, path);
  const svc: ServiceSpec = {
    name,
    environment,
    ports: f.ports(ctx, raw.ports, at("ports")),
    depends_on: dependsOn(ctx, raw.depends_on, at("depends_on")),
    volumes: f.volumes(ctx, raw.volumes, at("volumes")),
    labels: { ...labelFiles(ctx, raw.label_file, at("label_file")), ...f.stringMap(raw.labels) },
    networks: networks(raw),
    scale: 1,
    extensions: extensions(raw),
  };
  if (secretKeys.length > 0) svc.secret_env_keys = secretKeys.sort();
  const set = <K extends keyof ServiceSpec>(k: K, v: ServiceSpec[K] | undefined) => {
    if (v !== undefined) svc[k] = v;
  };
  set("image", raw.image);
  set("build", build(ctx, raw.build, at("build")));
  set("command", f.command(ctx, raw.command, at("command")));
  set("entrypoint", f.command(ctx, raw.entrypoint, at("entrypoint")));
  set("expose", raw.expose?.map(String));
  set("healthcheck", f.healthcheck(ctx, raw.healthcheck, at("healthcheck")));
  set("tmpfs", f.toStringList(raw.tmpfs));
  for (const k of [
    "container_name",
    "hostname",
    "working_dir",
    "user",
    "restart",
    "stop_signal",
    "network_mode",
    "cpuset",
    "platform",
    "pull_policy",
    "ipc",
    "uts",
    "userns_mode",
    "cgroup",
    "cgroup_parent",
    "runtime",
    "isolation",
    "domainname",
    "mac_address",
  ] as const) {
    const v = raw[k];
    if (typeof v === "string") svc[k] = v;
  }
  if (typeof raw.pid === "string") svc.pid = raw.pid;
  for (const k of ["init", "read_only", "privileged", "stdin_open", "tty", "oom_kill_disable", "attach"] as const) set(k, f.bool(ctx, raw[k], at(k)));
  set("use_api_socket", raw.use_api_socket);
  if (raw.stop_grace_period !== undefined) svc.stop_grace_period_ms = parseDuration(raw.stop_grace_period);
  set("profiles", raw.profiles);
  for (const k of ["mem_limit", "mem_reservation", "memswap_limit", "shm_size"] as const) set(k, f.size(ctx, raw[k], at(k)));
  for (const k of [
    "mem_swappiness",
    "cpu_shares",
    "cpu_quota",
    "cpu_period",
    "cpu_count",
    "cpu_percent",
    "cpu_rt_period",
    "cpu_rt_runtime",
    "pids_limit",
    "oom_score_adj",
  ] as const)
    set(k, f.integer(ctx, raw[k], at(k)));
  set("cpus", cpus(ctx, raw.cpus, at("cpus")));
  set("deploy", deploy(ctx, raw.deploy, at("deploy")));
  if (raw.logging)
    svc.logging = {
      ...(raw.logging.driver !== undefined ? { driver: raw.logging.driver } : {}),
      ...(raw.logging.options ? { options: mapValues(raw.logging.options) } : {}),
    };
  set("secrets", fileRefs(ctx, raw.secrets, at("secrets")));
  set("configs", fileRefs(ctx, raw.configs, at("configs")));
  set("extra_hosts", f.extraHosts(raw.extra_hosts));
  for (const k of ["cap_add", "cap_drop", "dns_opt", "security_opt", "device_cgroup_rules", "links", "external_links", "volumes_from"] as const) set(k, raw[k]);
  set("dns", f.toStringList(raw.dns));
  set("dns_search", f.toStringList(raw.dns_search));
  if (raw.sysctls !== undefined) svc.sysctls = f.stringMap(raw.sysctls);
  if (raw.annotations !== undefined) svc.annotations = f.stringMap(raw.annotations);
  set("ulimits", f.ulimits(ctx, raw.ulimits, at("ulimits")));
  set("devices", raw.devices?.map(device));
  set("group_add", raw.group_add?.map(String));
  set("storage_opt", raw.storage_opt);
  set(
    "post_start",
    raw.post_start?.map((h, i) => hook(ctx, h, at("post_start", i))),
  );
  set(
    "pre_stop",
    raw.pre_stop?.map((h, i) => hook(ctx, h, at("pre_stop", i))),
  );
  for (const k of ["gpus", "blkio_config", "credential_spec", "provider", "models"] as const) set(k, raw[k] as never);
  if (raw.develop) {
    // Watched paths are host paths: absolute, like bind sources.
    svc.develop = { ...raw.develop, ...(raw.develop.watch ? { watch: raw.develop.watch.map((w) => ({ ...w, path: hostPath(ctx, w.path) })) } : {}) };
  }
  const scale = f.integer(ctx, raw.scale, at("scale"));
  svc.scale = scale ?? svc.deploy?.replicas ?? 1;
  if (scale !== undefined && svc.deploy?.replicas !== undefined && scale !== svc.deploy.replicas) {
    problem(ctx, at("scale"), `scale (${scale}) and deploy.replicas (${svc.deploy.replicas}) disagree`, "set only one of them");
  }
  if (svc.image === undefined && svc.build === undefined && raw.provider === undefined) {
    problem(ctx, path, `service "${name}" has neither an image nor a build context`, "add image: or build:");
  }
  return svc;
}

function extensions(raw: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // Only the (usually no) x- keys are sorted, not every key of every service.
  const keys = Object.keys(raw).filter((k) => k.startsWith("x-"));
  for (const k of keys.sort()) out[k] = raw[k];
  return out;
}

function resolveEnvironment(ctx: NormalizeContext, raw: RawService, path: Path) {
  const environment: Record<string, string | null> = {};
  const secret = new Set<string>();
  const files = raw.env_file === undefined ? [] : typeof raw.env_file === "string" ? [raw.env_file] : raw.env_file;
  files.forEach((entry, i) => {
    const p = typeof entry === "string" ? entry : entry.path;
    const required = typeof entry === "string" ? true : entry.required === undefined ? true : entry.required === true || entry.required === "true";
    const file = hostPath(ctx, p);
    const text = ctx.readText(file);
    const entryPath = [...path, "env_file", ...(typeof raw.env_file === "string" ? [] : [i])];
    if (text === undefined) {
      if (required) problem(ctx, entryPath, `env file ${file} not found`, "create it, fix the path, or mark it `required: false`");
      return;
    }
    const parsed = parseEnvFile(text, (n) => ctx.lookup(n).value);
    for (const pr of parsed.problems) ctx.problems.add({ file, line: pr.line, column: pr.column, message: pr.message, ...(pr.hint ? { hint: pr.hint } : {}) });
    for (const [k, v] of parsed.values) {
      environment[k] = v;
      secret.add(k);
    }
  });
  const env = raw.environment;
  const entries: [string, string | null, boolean][] = [];
  if (Array.isArray(env)) {
    env.forEach((item, i) => {
      const eq = item.indexOf("=");
      const s = ctx.origins.entry(env, i)?.secret === true;
      entries.push(eq < 0 ? [item, null, s] : [item.slice(0, eq), item.slice(eq + 1), s]);
    });
  } else if (env) {
    for (const [k, v] of Object.entries(env)) entries.push([k, v === null ? null : String(v), ctx.origins.entry(env, k)?.secret === true]);
  }
  for (const [k, v, s] of entries) {
    if (v === null) {
      // A bare name takes the value from the environment Compose runs in, if set.
      const found = ctx.lookup(k);
      if (found.value !== undefined) {
        environment[k] = found.value;
        if (found.secret) secret.add(k);
        else secret.delete(k);
      } else if (!(k in environment)) {
        environment[k] = null;
      }
      continue;
    }
    environment[k] = v;
    if (s) secret.add(k);
    else secret.delete(k);
  }
  return { environment: sortKeys(environment), secretKeys: [...secret] };
}

function labelFiles(ctx: NormalizeContext, v: string | string[] | undefined, path: Path): Record<string, string> {
  const out: Record<string, string> = {};
  f.toStringList(v)?.forEach((p, i) => {
    const file = hostPath(ctx, p);
    const text = ctx.readText(file);
    if (text === undefined) {
      problem(ctx, typeof v === "string" ? path : [...path, i], `label file ${file} not found`);
      return;
    }
    for (const [k, val] of parseEnvFile(text, () => undefined).values) out[k] = val;
  });
  return out;
}

function dependsOn(ctx: NormalizeContext, v: RawService["depends_on"], path: Path): Record<string, DependencySpec> {
  const out: Record<string, DependencySpec> = {};
  if (Array.isArray(v)) {
    for (const n of v) out[n] = { condition: "service_started", required: true, restart: false };
  } else if (v) {
    for (const [n, d] of Object.entries(v)) {
      out[n] = { condition: d.condition, required: d.required ?? true, restart: f.bool(ctx, d.restart, [...path, n, "restart"]) ?? false };
    }
  }
  return sortKeys(out);
}

function networks(raw: RawService): Record<string, ServiceNetworkSpec> {
  const out: Record<string, ServiceNetworkSpec> = {};
  const v = raw.networks;
  if (Array.isArray(v)) for (const n of v) out[n] = {};
  else if (v) {
    for (const [n, opts] of Object.entries(v)) {
      const { driver_opts, ...rest } = opts ?? {};
      out[n] = { ...rest, ...(driver_opts ? { driver_opts: mapValues(driver_opts) as Record<string, string> } : {}) };
    }
  }
  // Compose attaches a service without networks (and without network_mode) to "default".
  if (v === undefined && raw.network_mode === undefined) out.default = {};
  return sortKeys(out);
}

function build(ctx: NormalizeContext, v: RawService["build"], path: Path): BuildSpec | undefined {
  if (v === undefined) return undefined;
  const o = typeof v === "string" ? { context: v } : v;
  const contextRaw = o.context ?? ".";
  const b: BuildSpec = { context: isRemoteContext(contextRaw) ? contextRaw : hostPath(ctx, contextRaw) };
  if (o.dockerfile !== undefined) b.dockerfile = o.dockerfile;
  if (o.dockerfile !== undefined && o.dockerfile_inline !== undefined)
    problem(ctx, [...path, "dockerfile_inline"], "dockerfile and dockerfile_inline are mutually exclusive");
  if (o.dockerfile_inline !== undefined) b.dockerfile_inline = o.dockerfile_inline;
  if (o.args !== undefined) b.args = buildArgs(ctx, o.args);
  if (o.labels !== undefined) b.labels = f.stringMap(o.labels);
  if (o.target !== undefined) b.target = o.target;
  if (o.ssh !== undefined) b.ssh = Array.isArray(o.ssh) ? o.ssh : Object.entries(f.stringMap(o.ssh)).map(([k, val]) => (val ? `${k}=${val}` : k));
  for (const k of ["cache_from", "cache_to", "tags", "platforms", "entitlements"] as const) if (o[k] !== undefined) b[k] = o[k];
  if (o.additional_contexts !== undefined) b.additional_contexts = f.stringMap(o.additional_contexts);
  if (o.network !== undefined) b.network = o.network;
  if (o.isolation !== undefined) b.isolation = o.isolation;
  for (const k of ["no_cache", "pull", "privileged"] as const) {
    const val = f.bool(ctx, o[k], [...path, k]);
    if (val !== undefined) b[k] = val;
  }
  const shm = f.size(ctx, o.shm_size, [...path, "shm_size"]);
  if (shm !== undefined) b.shm_size = shm;
  const hosts = f.extraHosts(o.extra_hosts);
  if (hosts) b.extra_hosts = hosts;
  const secrets = fileRefs(ctx, o.secrets, [...path, "secrets"]);
  if (secrets) b.secrets = secrets;
  const ul = f.ulimits(ctx, o.ulimits, [...path, "ulimits"]);
  if (ul) b.ulimits = ul;
  return b;
}

/**
 * A build arg without a value (`- NAME`, or `NAME:` with no value) takes the variable from the
 * environment or .env, and is left out (unset) when neither has it, as Compose does.
 */
function buildArgs(ctx: NormalizeContext, raw: NonNullable<Exclude<RawService["build"], string | undefined>["args"]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(f.keyValues(raw))) {
    const value = v ?? ctx.lookup(k).value;
    if (value !== undefined) out[k] = value;
  }
  return out;
}

function fileRefs(ctx: NormalizeContext, v: RawService["secrets"], path: Path): FileRefSpec[] | undefined {
  return v?.map((r, i) => {
    if (typeof r === "string") return { source: r };
    const out: FileRefSpec = { source: r.source };
    if (r.target !== undefined) out.target = r.target;
    if (r.uid !== undefined) out.uid = r.uid;
    if (r.gid !== undefined) out.gid = r.gid;
    if (r.mode !== undefined) {
      const mode = typeof r.mode === "number" ? r.mode : parseInt(r.mode, 8);
      if (Number.isNaN(mode)) problem(ctx, [...path, i, "mode"], `invalid file mode "${r.mode}": expected an octal number such as 0440`);
      else out.mode = mode;
    }
    return out;
  });
}

function cpus(ctx: NormalizeContext, v: unknown, path: Path): number | undefined {
  if (v === undefined) return undefined;
  const n = parseCpus(v);
  if (n === undefined) problem(ctx, path, `invalid cpus "${scalarText(v)}": expected a number of CPUs such as 0.5 or 2`);
  return n;
}

function resources(
  ctx: NormalizeContext,
  r: { cpus?: string | number; memory?: string | number; pids?: string | number } | undefined,
  path: Path,
): ResourceSpec | undefined {
  if (!r) return undefined;
  const out: ResourceSpec = {};
  const c = cpus(ctx, r.cpus, [...path, "cpus"]);
  if (c !== undefined) out.cpus = c;
  const m = f.size(ctx, r.memory, [...path, "memory"]);
  if (m !== undefined) out.memory = m;
  const p = f.integer(ctx, r.pids, [...path, "pids"]);
  if (p !== undefined) out.pids = p;
  return out;
}

function deploy(ctx: NormalizeContext, d: RawService["deploy"], path: Path): DeploySpec | undefined {
  if (!d) return undefined;
  const out: DeploySpec = {};
  if (d.mode !== undefined) out.mode = d.mode;
  if (d.endpoint_mode !== undefined) out.endpoint_mode = d.endpoint_mode;
  const replicas = f.integer(ctx, d.replicas, [...path, "replicas"]);
  if (replicas !== undefined) out.replicas = replicas;
  if (d.labels !== undefined) out.labels = f.stringMap(d.labels);
  if (d.resources) {
    const limits = resources(ctx, d.resources.limits, [...path, "resources", "limits"]);
    const res = d.resources.reservations;
    const reservations = res ? { ...resources(ctx, res, [...path, "resources", "reservations"]) } : undefined;
    if (reservations && res?.devices) {
      (reservations as NonNullable<NonNullable<DeploySpec["resources"]>["reservations"]>).devices = res.devices.map((dev) => ({
        capabilities: dev.capabilities,
        ...(dev.count !== undefined ? { count: dev.count === "all" ? ("all" as const) : Number(dev.count) } : {}),
        ...(dev.device_ids ? { device_ids: dev.device_ids } : {}),
        ...(dev.driver ? { driver: dev.driver } : {}),
        ...(dev.options ? { options: f.stringMap(dev.options) } : {}),
      }));
    }
    out.resources = { ...(limits ? { limits } : {}), ...(reservations ? { reservations } : {}) };
  }
  if (d.restart_policy) {
    const r = d.restart_policy;
    const max = f.integer(ctx, r.max_attempts, [...path, "restart_policy", "max_attempts"]);
    out.restart_policy = {
      ...(r.condition !== undefined ? { condition: r.condition } : {}),
      ...(r.delay !== undefined ? { delay_ms: parseDuration(r.delay)! } : {}),
      ...(max !== undefined ? { max_attempts: max } : {}),
      ...(r.window !== undefined ? { window_ms: parseDuration(r.window)! } : {}),
    };
  }
  if (d.placement) {
    const mr = f.integer(ctx, d.placement.max_replicas_per_node, [...path, "placement", "max_replicas_per_node"]);
    out.placement = {
      ...(d.placement.constraints ? { constraints: d.placement.constraints } : {}),
      ...(d.placement.preferences ? { preferences: d.placement.preferences } : {}),
      ...(mr !== undefined ? { max_replicas_per_node: mr } : {}),
    };
  }
  for (const k of ["update_config", "rollback_config"] as const) {
    const u = d[k];
    if (!u) continue;
    const par = f.integer(ctx, u.parallelism, [...path, k, "parallelism"]);
    out[k] = {
      ...(par !== undefined ? { parallelism: par } : {}),
      ...(u.delay !== undefined ? { delay_ms: parseDuration(u.delay)! } : {}),
      ...(u.monitor !== undefined ? { monitor_ms: parseDuration(u.monitor)! } : {}),
      ...(u.failure_action !== undefined ? { failure_action: u.failure_action } : {}),
      ...(u.max_failure_ratio !== undefined ? { max_failure_ratio: Number(u.max_failure_ratio) } : {}),
      ...(u.order !== undefined ? { order: u.order } : {}),
    };
  }
  return out;
}

function device(d: NonNullable<RawService["devices"]>[number]): { source: string; target: string; permissions?: string } {
  if (typeof d !== "string") return { source: d.source, target: d.target ?? d.source, ...(d.permissions ? { permissions: d.permissions } : {}) };
  const [source = "", target, permissions] = d.split(":");
  return { source, target: target ?? source, ...(permissions ? { permissions } : {}) };
}

function hook(ctx: NormalizeContext, h: NonNullable<RawService["post_start"]>[number], path: Path): ServiceHookSpec {
  return {
    command: f.command(ctx, h.command, [...path, "command"]) ?? [],
    ...(h.user !== undefined ? { user: h.user } : {}),
    ...(h.working_dir !== undefined ? { working_dir: h.working_dir } : {}),
    ...(h.privileged !== undefined ? { privileged: f.bool(ctx, h.privileged, [...path, "privileged"]) ?? false } : {}),
    ...(h.environment !== undefined ? { environment: f.keyValues(h.environment) } : {}),
  };
}

function mapValues(o: Record<string, string | number | null>): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(o)) out[k] = v === null ? null : String(v);
  return out;
}

export function sortKeys<T>(o: Record<string, T>): Record<string, T> {
  const out: Record<string, T> = {};
  for (const k of Object.keys(o).sort()) out[k] = o[k]!;
  return out;
}
