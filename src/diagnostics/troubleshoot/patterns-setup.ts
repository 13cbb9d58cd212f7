/** Failure patterns of the set-up: file permissions, missing configuration, an uninitialised database. */
import { evidenceOf, findLine, type Pattern } from "./text-sources.js";

export const permissionDenied: Pattern = (f, _env, lines) => {
  const hit = findLine(
    lines,
    [
      /(\/[^\s:'"]*)[^\n]*?: Permission denied/i,
      /permission denied[^\n]*?(\/[^\s:'",)]+)/i,
      /EACCES[^\n]*?'(\/[^']+)'/,
      /Operation not permitted[^\n]*?(\/\S+)/i,
    ],
    ["logs", "engine"],
  );
  if (!hit) return null;
  const path = hit.match[1];
  const mount = path
    ? f.mounts
        .filter((m) => path === m.destination || path.startsWith(`${m.destination.replace(/\/$/, "")}/`))
        .sort((a, b) => b.destination.length - a.destination.length)[0]
    : undefined;
  const who = f.user ? `user ${f.user}` : "the image's default user";
  if (!mount) {
    return {
      pattern: "permission-denied",
      title: "permission denied",
      cause: `${f.service} (running as ${who}) may not access ${path ?? "a file"}.`,
      fix: `Fix the file's owner or mode in the image, or run the service as a user that may use it (services.${f.service}.user).`,
      evidence: evidenceOf(hit.line),
      source: hit.line.source,
    };
  }
  return {
    pattern: "permission-denied-volume",
    title: `permission denied on the ${mount.type} mounted at ${mount.destination}`,
    cause: `${f.service} runs as ${who}, which may not write ${path} on the ${mount.type} mounted at ${mount.destination}${mount.type === "bind" && mount.source ? ` (host path ${mount.source})` : ""}; a fresh volume's root belongs to root unless the image created that directory with another owner.`,
    fix:
      mount.type === "bind"
        ? `Make the host directory writable for that user (chown/chmod ${mount.source ?? "it"}), or set services.${f.service}.user to its owner's uid.`
        : `Create ${mount.destination} owned by the service's user in the image (RUN mkdir -p ${mount.destination} && chown …), run the service as that owner (services.${f.service}.user), or chown it once from a root init job.`,
    evidence: evidenceOf(hit.line),
    source: hit.line.source,
  };
};

const ENV_PATTERNS = [
  /(?:^|\s)([A-Z][A-Z0-9_]{1,}): parameter not set/, // sh with set -u
  /(?:^|\s)([A-Z][A-Z0-9_]{1,}): unbound variable/, // bash with set -u
  /(?:environment variable|env var(?:iable)?|variable)\s+['"`]?([A-Z][A-Z0-9_]+)['"`]?\s+(?:is\s+)?(?:not set|unset|missing|required|must be (?:set|specified|defined)|is empty)/i,
  /(?:missing|required)\s+(?:required\s+)?(?:environment variable|env var(?:iable)?)s?:?\s+['"`]?([A-Z][A-Z0-9_]+)/i,
  /KeyError: '([A-Z][A-Z0-9_]+)'/,
  /You must (?:specify|set) (?:the )?([A-Z][A-Z0-9_]+)/,
  /\b([A-Z][A-Z0-9_]+) (?:is required|is not set|must be set)/,
];

export const missingEnv: Pattern = (f, _env, lines) => {
  const hit = findLine(lines, ENV_PATTERNS, ["logs"]);
  if (!hit) return null;
  const name = hit.match[1]!;
  const set = f.envNames.includes(name);
  return {
    pattern: "missing-env-var",
    title: `environment variable ${name} ${set ? "rejected" : "not set"}`,
    cause: set
      ? `${f.service} complains about ${name}, which is set but (probably) empty or invalid.`
      : `${f.service} needs the environment variable ${name}, which its container does not have.`,
    fix: `Set ${name} under services.${f.service}.environment (or in an env_file / .env the file reads); \`berth config\` shows the resolved environment.`,
    evidence: evidenceOf(hit.line),
    source: hit.line.source,
  };
};

export const dbNotInitialised: Pattern = (f, _env, lines) => {
  const hit = findLine(
    lines,
    [
      /database "([^"]+)" does not exist/,
      /role "([^"]+)" does not exist/,
      /relation "([^"]+)" does not exist/,
      /Unknown database '([^']+)'/,
      /Table '([^']+)' doesn't exist/,
      /no such table: (\S+)/,
      /Database is uninitialized and superuser password is not specified/,
    ],
    ["logs", "health check"],
  );
  if (!hit) return null;
  const what = hit.match[0];
  const object = hit.match[1];
  const kind = /^database|Unknown database/i.test(what) ? "database" : /^role/.test(what) ? "role" : /uninitialized/.test(what) ? "cluster" : "table";
  const causes: Record<string, string> = {
    database: `the database "${object}" was never created: the server initialised a different one (POSTGRES_DB / MYSQL_DATABASE), or its data volume was initialised earlier with other settings`,
    role: `the database user "${object}" was never created: POSTGRES_USER differs from the user the client connects as, or the data volume was initialised earlier with another user`,
    table: `the schema is missing: "${object}" does not exist because the migrations or seed scripts did not run before this service used it`,
    cluster: "the database server's data directory is empty and it was not told how to initialise it",
  };
  const fixes: Record<string, string> = {
    database:
      "Make the client's database name match the server's POSTGRES_DB (or create it in an init script); a named volume initialised earlier keeps its old databases: `berth down -v` starts afresh.",
    role: "Make the client's user match POSTGRES_USER (or create the role in an init script); a named volume initialised earlier keeps its old users: `berth down -v` starts afresh.",
    table:
      "Run the migrations first: a one-shot migrate service that this one depends on with condition: service_completed_successfully, or init scripts in /docker-entrypoint-initdb.d.",
    cluster: "Set the server's password variable (e.g. POSTGRES_PASSWORD) or POSTGRES_HOST_AUTH_METHOD.",
  };
  return {
    pattern: "database-not-initialised",
    title: `database not initialised (${kind}${object ? ` "${object}"` : ""} missing)`,
    cause: `${f.service}: ${causes[kind]}.`,
    fix: fixes[kind]!,
    evidence: evidenceOf(hit.line),
    source: hit.line.source,
  };
};
