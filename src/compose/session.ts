/**
 * One load's working state and the per-file pipeline: read → interpolate → validate →
 * include → extends, then merge of the files in order. All state lives in a `LoadSession`
 * created per `loadProject` call; nothing is shared between loads.
 */
import { readFileSync } from "node:fs";
import { excludesService, Exclusions } from "./excluded.js";
import { applyExtends } from "./extends.js";
import { applyIncludes } from "./include.js";
import { interpolateTree, type Lookup } from "./interpolate.js";
import { Merger } from "./merge.js";
import { Origins, type Path } from "./origins.js";
import { Problems } from "./problems.js";
import { readYaml } from "./read.js";
import type { RawCompose } from "./schema-project.js";
import { enforceUnique } from "./unique.js";
import { validateFile } from "./validate.js";
import { loadEnvFiles, type EnvSource } from "./dotenv.js";
import { isSecretName } from "./secrets-mask.js";

export class LoadSession {
  readonly origins = new Origins();
  readonly problems = new Problems();
  readonly merger = new Merger(this.origins);
  /** Unset variables used without a default, for warnings: name → first path. */
  readonly unset = new Map<string, string>();
  /** What the later phases skip because it has problems (see excluded.ts); for the whole project. */
  readonly excluded = new Exclusions();
  readonly #cache = new Map<string, RawCompose | undefined>();
  /** Per file: the parts `loadFile` removed (whatever the lookup scope). */
  readonly #excluded = new Map<string, Path[]>();

  constructor(private readonly env: Record<string, string | undefined>) {}

  readText(file: string): string | undefined {
    try {
      return readFileSync(file, "utf8");
    } catch {
      return undefined;
    }
  }

  /**
   * Process environment first, then env files (whose values count as secrets). A variable whose
   * name looks like a secret (`DB_PASSWORD`) is `sensitive` whatever its source: never echoed in
   * a problem. (`secret` alone decides `secret_env_keys`, which is part of a service's hash.)
   */
  lookupFor(dotenv: EnvSource): Lookup {
    return (name) => {
      const v = this.env[name];
      if (v !== undefined) return { value: v, secret: false, sensitive: isSecretName(name) };
      const d = dotenv.values.get(name);
      return d !== undefined ? { value: d, secret: true } : { value: undefined, secret: false };
    };
  }

  /**
   * read → interpolate → validate one file; cached per file and lookup scope. The parts with a
   * problem are removed from the result and listed by `excludedIn`; undefined when the file
   * cannot be used at all (unreadable, empty, a YAML syntax error: there is no tree to check).
   */
  loadFile(file: string, lookup: Lookup, scope: string): RawCompose | undefined {
    const key = `${scope}\u0000${file}`;
    if (this.#cache.has(key)) return this.#cache.get(key);
    this.#cache.set(key, undefined);
    const text = this.readText(file);
    if (text === undefined) {
      this.problems.at({ file, line: 1, column: 1 }, undefined, "cannot read the file", "check that it exists and is readable");
      return undefined;
    }
    const docs = readYaml(text, file, this.origins, this.problems);
    if (!docs) return undefined;
    let merged: Record<string, unknown> | undefined;
    let valid = true;
    const excluded = this.#excluded.get(file) ?? [];
    for (const raw of docs) {
      const failed: Path[] = [];
      interpolateTree(
        raw,
        lookup,
        this.origins,
        this.problems,
        (name) => {
          if (!this.unset.has(name)) this.unset.set(name, file);
        },
        (path) => failed.push(path),
      );
      const { doc, excluded: parts } = validateFile(raw, this.origins, this.problems, failed);
      excluded.push(...parts);
      if (!doc) valid = false;
      // Several documents in one file merge in order, as several files would.
      else merged = merged ? (this.merger.merge(merged, doc, []) as Record<string, unknown>) : doc;
    }
    this.#excluded.set(file, excluded);
    const result = valid ? (merged as RawCompose) : undefined;
    this.#cache.set(key, result);
    return result;
  }

  /** What `loadFile` removed from `file` because of its problems (`exclusionOf` paths). */
  excludedIn(file: string): readonly Path[] {
    return this.#excluded.get(file) ?? [];
  }

  /**
   * Several files as one project: each goes through include and extends, then they merge in order.
   * `outermost`: the project's own files, whose result nothing is merged over (an included
   * project's result is, as part of the including file).
   */
  loadRawProject(files: string[], projectDir: string, lookup: Lookup, chain: string[], outermost = false): RawCompose {
    let merged: Record<string, unknown> | undefined;
    const scope = projectDir;
    for (const file of files) {
      const doc = this.loadFile(file, lookup, scope);
      if (!doc) {
        this.excluded.incomplete = true;
        continue;
      }
      for (const part of this.excludedIn(file)) this.excluded.add(part);
      applyIncludes(
        {
          origins: this.origins,
          problems: this.problems,
          exclude: (path) => this.excluded.add(path),
          loadProject: (paths, dir, envFiles, ch) => {
            const env = loadEnvFiles(envFiles, (n) => this.env[n], this.problems);
            return this.loadRawProject(paths, dir, this.lookupFor(env), ch);
          },
        },
        doc,
        file,
        projectDir,
        chain,
      );
      applyExtends(
        {
          origins: this.origins,
          problems: this.problems,
          merger: this.merger,
          projectDir,
          loadFile: (f) => this.loadFile(f, lookup, scope),
          isExcluded: (f, service) => excludesService(this.excludedIn(f), service),
          exclude: (service) => this.excluded.add(["services", service]),
        },
        doc,
        file,
      );
      // The outermost project's first file is taken as it is rather than merged onto nothing,
      // which copies every mapping to drop its `!reset` marks (for a file of thousands of
      // services, a tenth of the load): a mark only removes what a file before it set, and this
      // file has none before it. An included project's result is copied: it becomes part of the
      // including file, which may be merged over files before it.
      merged = merged === undefined && outermost ? doc : (this.merger.merge(merged ?? {}, doc, []) as Record<string, unknown>);
    }
    merged ??= {};
    this.excluded.removeFrom(merged);
    // compose-go enforces list uniqueness after each merge, which also dedupes a single file's lists.
    enforceUnique(this.origins, merged);
    return merged;
  }
}
