/**
 * The images a Dockerfile builds on, read from its text as the builder reads it: the `FROM` of
 * each stage (with `--platform`), and `COPY --from=IMAGE` naming an image rather than a stage.
 * `ARG`s declared before the first `FROM` are expanded in them (the build's `args` over their
 * defaults; `${NAME:-word}` and `${NAME:+word}` as the builder expands them); `scratch` and the
 * names of earlier stages are not images. With a target, stages after it are not built, so their
 * bases are left out. Pure: no I/O.
 *
 * What cannot be resolved here (a variable that no global `ARG` declares) is listed in
 * `unresolved`: the builder resolves it, and berth leaves that base to the builder.
 */

export interface BaseImage {
  image: string;
  platform?: string;
}

export interface DockerfileBases {
  /** In the order the builder meets them, each image (and platform) once. */
  bases: BaseImage[];
  /** The references berth could not resolve (as written). */
  unresolved: string[];
}

export interface BaseOptions {
  /** The build's args (`build.args`): they override the `ARG` defaults. */
  args?: Record<string, string | undefined>;
  /** The stage built (`build.target`); the last stage when undefined. */
  target?: string;
}

interface Instruction {
  keyword: string;
  rest: string;
}

/** The escape character a `# escape=` parser directive at the top sets (default backslash). */
function escapeOf(lines: string[]): string {
  for (const line of lines) {
    const m = /^\s*#\s*([a-z]+)\s*=\s*(\S+)\s*$/i.exec(line);
    if (!m) break; // directives come before anything else
    if (m[1]!.toLowerCase() === "escape") return m[2]!;
  }
  return "\\";
}

/**
 * The instructions, continuation lines joined, comments and heredoc bodies (`RUN <<EOF … EOF`)
 * left out: a line in a heredoc that reads `FROM …` is file content, not an instruction.
 */
export function instructions(text: string): Instruction[] {
  const lines = text.split(/\r?\n/);
  const escape = escapeOf(lines);
  const out: Instruction[] = [];
  let current = "";
  let heredocs: { word: string; tabs: boolean }[] = [];
  for (const raw of lines) {
    if (heredocs.length) {
      const h = heredocs[0]!;
      if ((h.tabs ? raw.replace(/^\t+/, "") : raw) === h.word) heredocs.shift();
      continue;
    }
    if (/^\s*#/.test(raw)) continue; // a comment, also inside a continued instruction
    if (raw.trim() === "") continue; // the builder skips empty lines, also inside a continued instruction
    const trimmed = raw.replace(/\s+$/, "");
    if (trimmed.endsWith(escape)) {
      current += trimmed.slice(0, -escape.length);
      continue;
    }
    current += raw;
    const m = /^\s*(\S+)\s*([\s\S]*)$/.exec(current);
    current = "";
    if (!m) continue;
    const keyword = m[1]!.toUpperCase();
    out.push({ keyword, rest: m[2]!.trim() });
    if (keyword === "RUN" || keyword === "COPY" || keyword === "ADD") {
      heredocs = [...m[2]!.matchAll(/<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g)].map((h) => ({ word: h[3]!, tabs: h[1] === "-" }));
    }
  }
  return out;
}

/** `NAME=value` pairs (and bare `NAME`s) of an ARG, quotes removed. */
function argDeclarations(rest: string): [string, string | undefined][] {
  const out: [string, string | undefined][] = [];
  for (const m of rest.matchAll(/([A-Za-z_][A-Za-z0-9_]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g)) {
    const value = m[2];
    out.push([m[1]!, value === undefined ? undefined : value.replace(/^(["'])([\s\S]*)\1$/, "$2")]);
  }
  return out;
}

const VARIABLE = /\\\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:[-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g;

/** `text` with `$NAME` / `${NAME}` / `${NAME:-word}` / `${NAME:+word}` expanded; undefined if a name is not declared. */
export function expand(text: string, vars: ReadonlyMap<string, string>): string | undefined {
  let unresolved = false;
  const result = text.replace(VARIABLE, (all: string, braced?: string, op?: string, word?: string, bare?: string) => {
    if (all === "\\$") return "$";
    const value = vars.get((braced ?? bare)!);
    let chosen: string | undefined = value;
    if (op === ":-") chosen = value ? value : expand(word ?? "", vars);
    else if (op === ":+") chosen = value ? expand(word ?? "", vars) : "";
    if (chosen === undefined) unresolved = true;
    return chosen ?? "";
  });
  return unresolved ? undefined : result;
}

/** `--name=value` flags at the start of an instruction, and what follows them. */
function flags(rest: string): { flags: Map<string, string>; words: string[] } {
  const words = rest.split(/\s+/).filter(Boolean);
  const found = new Map<string, string>();
  while (words[0]?.startsWith("--")) {
    const [name, ...value] = words.shift()!.slice(2).split("=");
    found.set(name!.toLowerCase(), value.join("="));
  }
  return { flags: found, words };
}

export function dockerfileBases(text: string, o: BaseOptions = {}): DockerfileBases {
  const globals = new Map<string, string>();
  const stages: string[] = [];
  const bases: BaseImage[] = [];
  const unresolved: string[] = [];
  const target = o.target?.toLowerCase();
  let seenFrom = false;
  let targetReached = false;
  const add = (written: string, platformText: string | undefined) => {
    const image = expand(written, globals);
    if (image === undefined || image === "") {
      unresolved.push(written);
      return;
    }
    if (image.toLowerCase() === "scratch" || stages.includes(image.toLowerCase())) return;
    // A platform berth cannot resolve ($BUILDPLATFORM and the like) is the engine's own.
    const platform = platformText === undefined ? undefined : expand(platformText, globals) || undefined;
    if (!bases.some((b) => b.image === image && b.platform === platform)) bases.push({ image, ...(platform ? { platform } : {}) });
  };
  for (const { keyword, rest } of instructions(text)) {
    if (keyword === "ARG" && !seenFrom) {
      for (const [name, value] of argDeclarations(rest)) {
        // Declared without a default and not given: empty, as the builder has it. A default that
        // names an undeclared variable leaves the name unresolved.
        const chosen = o.args?.[name] ?? (value === undefined ? "" : expand(value, globals));
        if (chosen !== undefined) globals.set(name, chosen);
      }
    } else if (keyword === "FROM") {
      if (targetReached) break; // stages after the target are not built
      seenFrom = true;
      const { flags: f, words } = flags(rest);
      if (words[0] !== undefined) add(words[0], f.get("platform"));
      const name = words[1]?.toLowerCase() === "as" ? words[2]?.toLowerCase() : undefined;
      if (name !== undefined) stages.push(name);
      else stages.push(`#${stages.length}`); // unnamed: referred to by index only
      if (target !== undefined && name === target) targetReached = true;
    } else if (keyword === "COPY" && seenFrom) {
      const from = flags(rest).flags.get("from");
      // A stage by name or index is not an image.
      if (from !== undefined && !/^\d+$/.test(from) && !stages.includes(from.toLowerCase())) add(from, undefined);
    }
  }
  return { bases, unresolved };
}
