/** Failure patterns of the process itself: killed for memory, a program that does not exist. */
import { evidenceOf, findLine, type Pattern } from "./text-sources.js";

const MiB = 1024 * 1024;
const mib = (bytes: number) => `${Math.round(bytes / MiB)} MiB`;

export const outOfMemory: Pattern = (f, _env, lines) => {
  const heap = findLine(lines, [
    /JavaScript heap out of memory/i,
    /java\.lang\.OutOfMemoryError/,
    /\bMemoryError\b/,
    /out of memory/i,
    /cannot allocate memory/i,
  ]);
  const limit = f.memoryLimitBytes > 0 ? `its memory limit of ${mib(f.memoryLimitBytes)}` : "the memory available to it";
  const fix =
    f.memoryLimitBytes > 0
      ? `Raise mem_limit (or deploy.resources.limits.memory) of ${f.service} above ${mib(f.memoryLimitBytes)}, or make the program use less (e.g. a smaller heap, cache or pool).`
      : `Give the engine's host more free memory, or cap the program's own heap (e.g. NODE_OPTIONS=--max-old-space-size, -Xmx).`;
  if (f.oomKilled) {
    return {
      pattern: "out-of-memory",
      title: "out of memory",
      cause: `The kernel killed ${f.service}'s process because it used more than ${limit} (OOM kill, exit code ${f.exitCode}).`,
      fix,
      evidence: heap ? evidenceOf(heap.line) : `engine: OOMKilled=true, exit code ${f.exitCode}`,
      source: heap ? heap.line.source : "engine",
    };
  }
  if (f.exitCode === 137 && !f.running && f.memoryLimitBytes > 0) {
    return {
      pattern: "out-of-memory",
      title: "probably out of memory",
      cause: `${f.service} was killed (exit code 137, SIGKILL) and has a memory limit of ${mib(f.memoryLimitBytes)}; the engine did not flag an OOM kill, so a stop timeout is the other explanation.`,
      fix,
      evidence: heap ? evidenceOf(heap.line) : "engine: exit code 137 with a memory limit",
      source: heap ? heap.line.source : "engine",
    };
  }
  if (heap && /heap|OutOfMemoryError|MemoryError/i.test(heap.match[0])) {
    return {
      pattern: "out-of-memory",
      title: "out of memory (the program's own heap)",
      cause: `${f.service}'s runtime ran out of heap space before the container's limit was reached.`,
      fix: "Raise the runtime's heap limit (NODE_OPTIONS=--max-old-space-size=…, -Xmx…) together with mem_limit, or fix the leak.",
      evidence: evidenceOf(heap.line),
      source: heap.line.source,
    };
  }
  return null;
};

export const commandNotFound: Pattern = (f, _env, lines) => {
  const hit = findLine(
    lines,
    [
      /exec: "?([^":]+)"?: executable file not found in \$PATH/,
      /exec: "?([^":]+)"?: (?:stat [^:]+: )?no such file or directory/i,
      /^(?:\S+: )?(?:line \d+: )?([^:\s]+): (?:command )?not found$/,
      /exec (\S+) failed: No such file or directory/,
    ],
    ["engine", "logs"],
  );
  if (!hit && f.exitCode !== 127) return null;
  if (!hit && f.running) return null;
  const what = hit?.match[1] ?? "its command";
  return {
    pattern: "command-not-found",
    title: "executable not found",
    cause: `${f.service} could not start ${what === "its command" ? what : `"${what}"`}: no such program in the image's PATH${f.exitCode === 127 ? " (exit code 127)" : ""}.`,
    fix: `Check ${f.service}'s command and entrypoint (and the image's) for a typo, install the program in the image, or call it by its full path.`,
    evidence: hit ? evidenceOf(hit.line) : `engine: exit code 127`,
    source: hit?.line.source ?? "engine",
  };
};

export const healthcheckNotFound: Pattern = (f, _env, lines) => {
  const hit = findLine(
    lines,
    [/exec: "?([^":]+)"?: executable file not found/, /(?:sh: )?(?:line \d+: )?([^:\s]+): (?:command )?not found/, /exec failed: .*no such file or directory/i],
    ["health check"],
  );
  if (!hit) return null;
  return {
    pattern: "healthcheck-command-not-found",
    title: "health check command not found",
    cause: `${f.service}'s health check runs "${hit.match[1] ?? "a program"}", which the image does not have, so the check can never pass and the service never becomes healthy.`,
    fix: `Use a program the image has in healthcheck.test (busybox/Debian images: \`wget -q -O- URL\`, \`nc\`, bash's /dev/tcp; or a berth probe under x-berth.ready such as { tcp: PORT } or { http: { port: PORT } }).`,
    evidence: evidenceOf(hit.line),
    source: hit.line.source,
  };
};

/** A paused container serves nothing however healthy it was: the likeliest reason its dependants time out. */
export const paused: Pattern = (f) =>
  f.state !== "PAUSED"
    ? null
    : {
        pattern: "paused",
        title: "paused",
        cause: `${f.service}'s processes are frozen (\`berth pause\` or \`docker pause\`): connections to it stay open and get no answer.`,
        fix: `Unpause it: berth unpause ${f.service}.`,
        evidence: "engine: status paused",
        source: "engine",
      };
