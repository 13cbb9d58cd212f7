/**
 * Real projects' compose files (vendored verbatim under test/fixtures/real-projects, each with its
 * licence and a NOTICE.md naming repository, path and commit) load to the model that
 * docker compose v2 (compose-go) gives them.
 *
 * A project directory holds the vendored files, `berth-cases.json` (one entry per way of loading
 * it: files, env, profiles, cwd, and the variables the loader must warn about) and
 * `expected/<case>.json`: the model, with the project directory written as `<project>`. The
 * expectations were written from the Compose specification and compose-go's loader, field by
 * field (see the notes in each NOTICE.md); `facts` below restates the points where a loader most
 * easily goes wrong, so that regenerating the JSON cannot quietly accept a regression.
 * BERTH_UPDATE_FIXTURES=1 writes missing expectations (then review them by hand).
 */
import { existsSync, readdirSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject, renderConfig, type ProjectSpec } from "../../../src/compose/index.js";
import { comparable, projectDir } from "./conformance-helpers.js";

const ROOT = resolve(__dirname, "../../fixtures/real-projects");
const UPDATE = process.env.BERTH_UPDATE_FIXTURES === "1";

interface Case {
  files?: string[];
  env?: Record<string, string>;
  profiles?: string[];
  cwd?: string;
  /** Variables used without a value: the loader warns about each (compose v2 does too). */
  unsetVariables?: string[];
}

const projects = readdirSync(ROOT, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

function casesOf(project: string): [string, Case][] {
  return Object.entries(JSON.parse(readFileSync(join(ROOT, project, "berth-cases.json"), "utf8")) as Record<string, Case>);
}

async function load(project: string, c: Case): Promise<{ model: ProjectSpec; warnings: string[] }> {
  const dir = join(ROOT, project);
  const warnings: string[] = [];
  const model = await loadProject({
    cwd: c.cwd ? join(dir, c.cwd) : dir,
    env: { HOME: "/home/tester", ...c.env },
    ...(c.files ? { files: c.files } : {}),
    ...(c.profiles ? { profiles: c.profiles } : {}),
    onWarning: (w) => warnings.push(w.message),
  });
  return { model, warnings };
}

function withPlaceholder(model: ProjectSpec, project: string): unknown {
  return JSON.parse(JSON.stringify(model).split(join(ROOT, project)).join("<project>"));
}

/** The value at a dotted path ("services.db.environment.X"; array indices as numbers). */
function valueAt(model: unknown, path: string): unknown {
  return path.split(".").reduce<unknown>((v, k) => (v as Record<string, unknown> | undefined)?.[k], model);
}

/**
 * Where a loader most easily goes wrong, per project and case: [path, value compose v2 gives,
 * the rule]. Written by hand from the specification and compose-go, independently of the JSON.
 */
const facts: Record<string, Record<string, [string, unknown, string][]>> = {
  airflow: {
    default: [
      ["services.airflow-worker.environment.DUMB_INIT_SETSID", "0", "`<<: *airflow-common-env` merged with the service's own keys"],
      ["services.airflow-worker.environment.AIRFLOW__CORE__EXECUTOR", "CeleryExecutor", "keys of the merged anchor are kept"],
      ["services.airflow-init.user", "0:0", "a key next to `<<:` overrides the anchor's"],
      ["services.airflow-scheduler.user", "50000:0", "${AIRFLOW_UID:-50000} with the variable unset"],
      ["services.airflow-apiserver.depends_on.airflow-init.condition", "service_completed_successfully", "anchored depends_on plus a local key"],
      ["services.airflow-apiserver.depends_on.redis.condition", "service_healthy", "…and the anchor's keys"],
      ["services.airflow-init.depends_on.redis.condition", "service_healthy", "the service's depends_on comes from the anchor alone"],
      [
        "services.airflow-worker.healthcheck.test.1",
        'celery --app airflow.providers.celery.executors.celery_executor.app inspect ping -d "celery@${HOSTNAME}" || celery --app airflow.executors.celery_executor.app inspect ping -d "celery@${HOSTNAME}"',
        "$$ is a literal $",
      ],
      ["services.airflow-worker.command", ["celery", "worker"], "a string command is split into words"],
      ["services.redis.expose", ["6379"], "expose numbers become strings"],
      ["services.airflow-apiserver.volumes.0.source", "<project>/dags", "${AIRFLOW_PROJ_DIR:-.}/dags, relative to the project directory"],
      ["services.airflow-apiserver.volumes.0.bind.create_host_path", true, "implied by the short syntax"],
      ["services.flower", undefined, "profile flower not active"],
      ["services.airflow-cli", undefined, "profile debug not active"],
      ["extensions.x-airflow-common.image", "apache/airflow:|version|", "top-level x- keys are kept, interpolated"],
    ],
    "profiles-flower-debug": [
      ["services.flower.ports.0.published", "5555", "profile flower active"],
      ["services.airflow-cli.environment.CONNECTION_CHECK_MAX_COUNT", "0", "profile debug active"],
      ["services.airflow-init.user", "0:0", "the local user still wins with AIRFLOW_UID set"],
      ["services.airflow-worker.user", "1000:0", "${AIRFLOW_UID:-50000} with AIRFLOW_UID=1000"],
      ["services.postgres.image", "postgres:16", "no variable"],
      ["services.airflow-worker.image", "apache/airflow:3.0.2", "AIRFLOW_IMAGE_NAME from the environment"],
    ],
  },
  "netbox-docker": {
    default: [
      ["files.1", "<project>/docker-compose.override.yml", "discovery adds the override file"],
      ["services.netbox.ports.0.published", "8000", "ports from the override"],
      ["services.netbox-worker.ports", [], "anchors are resolved per file: the worker copied netbox before the override applied"],
      ["services.netbox.image", "docker.io/netboxcommunity/netbox:v4.1-3.0.2", "${VERSION-default}: the default is all after the first -"],
      [
        "services.netbox-worker.depends_on",
        { netbox: { condition: "service_healthy", required: true, restart: false } },
        "a local depends_on replaces the anchor's whole list",
      ],
      ["services.netbox.depends_on.redis-cache.condition", "service_started", "the list form"],
      [
        "services.netbox.environment.SECRET_KEY",
        "r(m)9nLGnz$(_q3N4z1k(EFsMCjjjzx08x9VhNVcfd%6RF#r!6DE@+V5Zk2X",
        "single quotes in an env file: literal, no interpolation",
      ],
      ["services.netbox.environment.EMAIL_PASSWORD", "", "KEY= is an empty value"],
      [
        "services.netbox.volumes.0",
        { type: "bind", source: "<project>/configuration", target: "/etc/netbox/config", read_only: true, bind: { create_host_path: true, selinux: "z" } },
        ":z,ro",
      ],
      ["services.netbox.healthcheck.test", ["CMD-SHELL", "curl -f http://localhost:8080/login/ || exit 1"], "a string test is CMD-SHELL"],
      ["services.redis.command.2", "valkey-server --appendonly yes --requirepass $REDIS_PASSWORD", "YAML comment after the value; $$ is a literal $"],
      [
        "services.redis-cache.healthcheck.test.1",
        `[ $(valkey-cli --pass "\${REDIS_PASSWORD}" ping) = 'PONG' ]`,
        "the healthcheck anchor, '' inside single quotes",
      ],
      ["services.redis-cache.environment.REDIS_PASSWORD", "t4Ph722qJ5QHeQ1qfu36", "its own env_file"],
    ],
    "version-from-env": [["services.netbox-housekeeping.image", "docker.io/netboxcommunity/netbox:v4.2-3.2.0", "${VERSION-…} with VERSION set"]],
  },
  "example-voting-app": {
    default: [
      ["networks", { "back-tier": {}, "front-tier": {} }, "no service uses the default network, so there is none"],
      ["services.result.entrypoint", ["nodemon", "--inspect=0.0.0.0", "server.js"], "a string entrypoint is split into words"],
      ["services.result.ports.1", { target: 9229, published: "9229", host_ip: "127.0.0.1", protocol: "tcp" }, "host address in the short syntax"],
      ["services.vote.build", { context: "<project>/vote", target: "dev" }, "build context relative to the project"],
      ["services.redis.healthcheck", { test: ["CMD-SHELL", "/healthchecks/redis.sh"], interval_ms: 5000 }, "interval given as a quoted string"],
      ["services.seed", undefined, "profile seed not active"],
    ],
    "profile-seed": [["services.seed.restart", "no", 'restart: "no" stays the string "no"']],
  },
  "awesome-compose-react-express-mysql": {
    default: [
      ["services.backend.build.args", { NODE_ENV: "development" }, "args as a KEY=value list"],
      ["services.backend.secrets", [{ source: "db-password" }], "short secret syntax"],
      ["secrets.db-password.file", "<project>/db/password.txt", "secret file relative to the project"],
      ["services.frontend.volumes.1", { type: "volume", target: "/code/node_modules" }, "an anonymous volume"],
      ["services.backend.ports.0", { target: 80, published: "80", protocol: "tcp" }, "unquoted 80:80 is a string in YAML 1.2"],
      ["services.db.command", ["--default-authentication-plugin=mysql_native_password"], "a single-word string command"],
    ],
  },
  "self-hosted-ai-starter-kit": {
    default: [
      ["services.n8n.environment.N8N_ENCRYPTION_KEY", "super-secret-key", "a name without value takes the project's .env value"],
      ["services.postgres.environment.POSTGRES_USER", "root", "…also for a service without env_file"],
      ["services.n8n.environment.N8N_DEFAULT_BINARY_DATA_MODE", "filesystem", "env_file (long syntax, required) adds its keys"],
      ["services.n8n.environment.OLLAMA_HOST", "ollama:11434", "${OLLAMA_HOST:-…}: commented out in .env"],
      ["services.postgres.healthcheck.test.1", "pg_isready -h localhost -U root -d n8n", "interpolated from .env"],
      ["services.ollama-cpu", undefined, "no profile active: the alternatives sharing port 11434 are all off"],
    ],
    "profile-cpu": [
      ["services.ollama-cpu.container_name", "ollama", "<<: *service-ollama"],
      ["services.ollama-pull-llama-cpu.entrypoint", ["/bin/sh"], "<<: *init-ollama"],
      ["services.ollama-gpu", undefined, "profile gpu-nvidia not active"],
    ],
    "profile-gpu-amd": [
      ["services.ollama-gpu-amd.image", "ollama/ollama:rocm", "a key next to `<<:` overrides the anchor's"],
      ["services.ollama-gpu-amd.devices.0", { source: "/dev/kfd", target: "/dev/kfd" }, "a device path alone maps to itself"],
    ],
    "profile-gpu-nvidia": [
      ["services.ollama-gpu.deploy.resources.reservations.devices", [{ driver: "nvidia", count: 1, capabilities: ["gpu"] }], "GPU reservation"],
    ],
  },
  "docker-elk": {
    default: [
      ["services.elasticsearch.build.args.ELASTIC_VERSION", "9.5.1", "build args interpolated from .env"],
      ["services.elasticsearch.environment.ELASTIC_PASSWORD", "changeme", "single-quoted .env value"],
      [
        "services.elasticsearch.environment",
        { "discovery.type": "single-node", "node.name": "elasticsearch", ES_JAVA_OPTS: "-Xms512m -Xmx512m", ELASTIC_PASSWORD: "changeme" },
        "keys with dots; a value with spaces",
      ],
      [
        "services.elasticsearch.volumes.1",
        { type: "volume", source: "elasticsearch", target: "/usr/share/elasticsearch/data", bind: { selinux: "Z" } },
        ":Z on a named volume",
      ],
      ["services.logstash.ports.2", { target: 50000, published: "50000", protocol: "udp" }, "/udp"],
      ["services.setup", undefined, "profile setup not active"],
    ],
    "setup-and-metricbeat": [
      ["services.setup.network_mode", "service:elasticsearch", "network_mode: no networks"],
      ["services.setup.networks", {}, "…and no default network"],
      ["services.setup.environment.METRICBEAT_INTERNAL_PASSWORD", "", "'' in .env"],
      ["services.metricbeat.build.context", "<project>/extensions/metricbeat", "paths in a second file are relative to the project directory"],
      ["services.metricbeat.volumes.0.source", "<project>/extensions/metricbeat/config/metricbeat.yml", "…bind sources too"],
      ["services.metricbeat.volumes.1", { type: "bind", source: "/", target: "/hostfs", read_only: true }, "the long syntax implies no create_host_path"],
      ["services.metricbeat.cgroup", "host", "cgroup"],
    ],
  },
  "docker-jitsi-meet": {
    default: [
      ["services.web.volumes.0.source", "/home/tester/.jitsi-meet-cfg/web", "${CONFIG}/web with CONFIG=~/.jitsi-meet-cfg: ~ is the home directory"],
      [
        "services.web.volumes.2",
        {
          type: "bind",
          source: "/home/tester/.jitsi-meet-cfg/storage/transcripts",
          target: "/usr/share/jitsi-meet/transcripts",
          read_only: true,
          bind: { create_host_path: true, selinux: "z" },
        },
        ":ro,z",
      ],
      ["services.web.environment.TZ", "UTC", "a name without value takes the .env value"],
      ["services.web.environment.ENABLE_AUTH", null, "…and stays unset (null) when there is none"],
      ["services.jvb.environment.JVB_AUTH_PASSWORD", "", "KEY= in .env is an empty value, not unset"],
      ["services.jicofo.environment.SENTRY_DSN", '"0"', "the list form keeps quotes in the value"],
      ["services.web.ports.0.published", "8000", "'${HTTP_PORT}:8000' from .env"],
      ["services.jvb.ports.0", { target: 10000, published: "10000", protocol: "udp" }, "${JVB_PORT:-10000} on both sides, /udp"],
      ["services.prosody.expose", ["5222", "5269", "5347", "5280"], "interpolated expose, in order"],
      ["services.prosody.networks", { "meet.jitsi": { aliases: ["xmpp.meet.jitsi"] } }, "an alias from ${XMPP_SERVER:-xmpp.meet.jitsi}"],
      ["services.web.tmpfs", ["/run:size=16M,mode=1750,exec", "/tmp:size=16M,mode=1777,noexec"], "tmpfs with options, as written"],
      ["services.web.restart", "unless-stopped", "${RESTART_POLICY:-unless-stopped}"],
      ["services.web.read_only", true, "read_only"],
      ["services.jibri", undefined, "jibri.yml not given"],
    ],
    "with-jibri": [
      ["services.jibri.shm_size", 2147483648, "'2gb' in bytes"],
      ["services.jibri.environment.DISPLAY", ":0", "a value with a colon"],
      ["services.jibri.depends_on.jicofo.condition", "service_started", "a service from another file"],
    ],
  },
  "anything-llm": {
    default: [
      ["name", "anythingllm", "name: in the file"],
      ["working_dir", "<project>/docker", "the first file's directory"],
      ["services.anything-llm.build.context", "<project>", "../. from the project directory"],
      ["services.anything-llm.build.dockerfile", "./docker/Dockerfile", "dockerfile stays relative to the context"],
      ["services.anything-llm.build.args", { ARG_UID: "1000", ARG_GID: "1000" }, "${UID:-1000} with UID='1000' in .env"],
      ["services.anything-llm.volumes.2.source", "<project>/collector/hotdir", "../collector/hotdir/: the trailing slash goes"],
      ["services.anything-llm.extra_hosts", ["host.docker.internal:host-gateway"], "host-gateway is passed to the engine as written"],
      ["services.anything-llm.environment.STORAGE_DIR", "/app/server/storage", "double-quoted env-file value"],
    ],
  },
};

describe("real projects load to compose v2's model", () => {
  it("has projects, each case with facts", () => {
    expect(projects.length).toBeGreaterThanOrEqual(5);
    for (const project of projects) for (const [name] of casesOf(project)) expect(facts[project]?.[name]?.length, `${project}: ${name}`).toBeGreaterThan(0);
  });
  for (const project of projects) {
    for (const [name, c] of casesOf(project)) {
      it(`${project}: ${name}`, async () => {
        const { model, warnings } = await load(project, c);
        const got = withPlaceholder(model, project);
        for (const [path, want, rule] of facts[project]?.[name] ?? []) expect(valueAt(got, path), `${path}: ${rule}`).toEqual(want);
        // One warning per variable, as compose v2 prints one per variable.
        expect(warnings.map((w) => /variable (\S+) is not set/.exec(w)?.[1] ?? w).sort()).toEqual([...(c.unsetVariables ?? [])].sort());
        const file = join(ROOT, project, "expected", `${name}.json`);
        if (!existsSync(file)) {
          if (!UPDATE) throw new Error(`${project}: no expected/${name}.json`);
          mkdirSync(join(ROOT, project, "expected"), { recursive: true });
          writeFileSync(file, JSON.stringify(got, null, 2) + "\n");
        }
        expect(got).toEqual(JSON.parse(readFileSync(file, "utf8")));
      });
      it(`${project}: ${name}: berth config round-trips`, async () => {
        const { model: first } = await load(project, c);
        const text = renderConfig(first, "yaml", { showSecrets: true });
        const dir = projectDir({ "compose.yaml": text });
        const second = await loadProject({ cwd: dir, env: { HOME: "/home/tester" }, ...(first.profiles ? { profiles: first.profiles } : {}) });
        expect(comparable(second)).toEqual(comparable(first));
      });
    }
  }
});
