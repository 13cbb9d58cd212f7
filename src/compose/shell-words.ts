/**
 * Splits a string `command:` / `entrypoint:` into words the way a POSIX shell (and Python's
 * `shlex.split`, which docker-compose v1 uses) would, without expanding anything: quotes group,
 * single quotes are literal, a backslash escapes the next character outside quotes and only
 * `\ " $ \`` inside double quotes. Operators such as `;` or `|` are ordinary characters, so
 * `sh -c "a; b"` is the way to get a shell.
 */
export class ShellWordsError extends Error {}

export function splitShellWords(input: string): string[] {
  const words: string[] = [];
  let buf = "";
  let inWord = false;
  let quote: "'" | '"' | undefined;
  for (let i = 0; i < input.length; i++) {
    const c = input[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else buf += c;
      continue;
    }
    if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === "\\" && i + 1 < input.length && '\\"$`\n'.includes(input[i + 1]!)) buf += input[++i];
      else buf += c;
      continue;
    }
    if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === "\\") {
      if (i + 1 < input.length) buf += input[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(buf);
      buf = "";
      inWord = false;
    } else {
      buf += c;
      inWord = true;
    }
  }
  if (quote) throw new ShellWordsError(`unterminated ${quote === '"' ? "double" : "single"} quote`);
  if (inWord) words.push(buf);
  return words;
}
