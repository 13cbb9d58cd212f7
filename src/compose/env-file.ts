/**
 * `.env`, `--env-file` and service `env_file:` parsing, with the rules of compose-go's dotenv
 * package (the reference): `KEY=VALUE` or YAML-style `KEY: VALUE`, optional `export`, keys of
 * letters, digits, `_ . - [ ]` (a key starting with a digit is read and dropped); `#` comment lines, and inline
 * comments after ` #` in unquoted values; single quotes literal except that `\'` is a quote;
 * double quotes with shell escapes (`\n`, `\t`, `\0ddd`, …) and multi-line values; `${VAR}`
 * interpolation of unquoted and double-quoted values (the outer environment first, then the
 * file's earlier keys); a bare `KEY` copies the variable from the outer environment if set.
 */
import { InterpolationError, interpolateString, type Lookup } from "./interpolate.js";

export interface EnvFileProblem {
  line: number;
  column: number;
  message: string;
  hint?: string;
}

export interface ParsedEnvFile {
  /** Variables in file order. */
  values: Map<string, string>;
  problems: EnvFileProblem[];
}

const KEY_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
const SPACE = /[\t\v\f\r \u0085\u00A0]/;
const ESCAPE = /\\(?:[abcfnrtv$"\\]|0\d{0,3})/g;

export function parseEnvFile(text: string, outer: (name: string) => string | undefined): ParsedEnvFile {
  const values = new Map<string, string>();
  const problems: EnvFileProblem[] = [];
  const lookup: Lookup = (name) => ({ value: outer(name) ?? values.get(name), secret: false });
  const src = text.replace(/^\uFEFF/, "");
  const lineAt = (i: number) => lineOf(src, i);
  let i = 0;
  const skipLine = () => {
    const nl = src.indexOf("\n", i);
    i = nl < 0 ? src.length : nl + 1;
  };
  for (;;) {
    // Statement start: skip blank space and comment lines.
    while (i < src.length && /\s/.test(src[i]!)) i++;
    if (i >= src.length) break;
    if (src[i] === "#") {
      skipLine();
      continue;
    }
    const start = i;
    const exp = /^export\s+/.exec(src.slice(i, i + 64));
    if (exp) i += exp[0].length;
    // Key: up to `=`, `:` or the end of the line; spaces around it are dropped.
    let keyEnd = -1;
    let bad: string | undefined;
    let j = i;
    for (; j < src.length; j++) {
      const c = src[j]!;
      if (c === "=" || c === ":" || c === "\n") {
        keyEnd = j;
        break;
      }
      if (SPACE.test(c) || KEY_CHAR.test(c)) continue;
      bad = c;
      break;
    }
    const lineNo = lineAt(start);
    if (bad !== undefined) {
      // The line is not echoed: an env file holds secrets, and file:line:column says where it is.
      problems.push({
        line: lineNo,
        column: j - start + 1,
        message: `unexpected character in a variable name`,
        hint: "names use letters, digits and _ . - [ ]; write KEY=VALUE",
      });
      skipLine();
      continue;
    }
    if (keyEnd < 0) keyEnd = src.length;
    const key = src.slice(i, keyEnd).trim();
    if (/\s/.test(key)) {
      problems.push({ line: lineNo, column: 1, message: "invalid variable name: a key cannot contain a space", hint: "write KEY=VALUE" });
      skipLine();
      continue;
    }
    if (keyEnd >= src.length || src[keyEnd] === "\n") {
      // A bare KEY: inherited from the outer environment when it is set there.
      const v = outer(key);
      if (v !== undefined) values.set(key, v);
      i = keyEnd + 1;
      continue;
    }
    i = keyEnd + 1;
    while (i < src.length && SPACE.test(src[i]!)) i++;
    const quote = src[i];
    if (quote === "'" || quote === '"') {
      const end = closingQuote(src, i + 1, quote);
      if (end.at < 0) {
        problems.push({
          line: lineNo,
          column: keyEnd - start + 2,
          message: `unterminated quoted value for ${key}`,
          hint: `close the ${quote === '"' ? "double" : "single"} quote`,
        });
        break;
      }
      i = end.at + 1;
      if (quote === "'") {
        values.set(key, end.body);
        continue;
      }
      setInterpolated(values, problems, key, expandEscapes(end.body), lookup, lineNo, keyEnd - start + 2);
      continue;
    }
    const nl = src.indexOf("\n", i);
    let value = src.slice(i, nl < 0 ? src.length : nl);
    i = nl < 0 ? src.length : nl + 1;
    const hash = value.indexOf(" #");
    if (hash >= 0) value = value.slice(0, hash);
    setInterpolated(values, problems, key, value.trimEnd(), lookup, lineNo, keyEnd - start + 2);
  }
  // compose-go reads keys that start with a digit but leaves them out of the result.
  for (const k of [...values.keys()]) if (/^\d/.test(k)) values.delete(k);
  return { values, problems };
}

function setInterpolated(
  values: Map<string, string>,
  problems: EnvFileProblem[],
  key: string,
  raw: string,
  lookup: Lookup,
  line: number,
  column: number,
): void {
  try {
    values.set(key, interpolateString(raw, lookup).value);
  } catch (e) {
    if (!(e instanceof InterpolationError)) throw e;
    problems.push({ line, column, message: e.message, ...(e.hint ? { hint: e.hint } : {}) });
  }
}

/** The quoted body up to the closing quote: `\<quote>` is a quote, other escapes stay for later. */
function closingQuote(src: string, from: number, quote: string): { at: number; body: string } {
  let body = "";
  let escaped = false;
  for (let i = from; i < src.length; i++) {
    const c = src[i]!;
    if (c !== quote) {
      if (!escaped && c === "\\") {
        escaped = true;
        continue;
      }
      if (escaped) body += "\\";
      escaped = false;
      body += c;
      continue;
    }
    if (escaped) {
      escaped = false;
      body += c;
      continue;
    }
    return { at: i, body };
  }
  return { at: -1, body };
}

/** Shell (XSI echo) escapes of double-quoted values; `\$` becomes `$$`, a literal `$` for the interpolation after. */
function expandEscapes(s: string): string {
  return s.replace(ESCAPE, (m) => {
    if (m === "\\$") return "$$";
    // `\0ddd`: three octal digits make one character; anything shorter stays as written.
    if (m.startsWith("\\0")) return /^\\0[0-7]{3}$/.test(m) ? String.fromCharCode(parseInt(m.slice(2), 8)) : m;
    const map: Record<string, string> = { a: "\x07", b: "\b", f: "\f", n: "\n", r: "\r", t: "\t", v: "\v", '"': '"', "\\": "\\" };
    return map[m[1]!] ?? m;
  });
}

function lineOf(s: string, index: number): number {
  let n = 1;
  for (let i = s.indexOf("\n"); i >= 0 && i < index; i = s.indexOf("\n", i + 1)) n++;
  return n;
}
