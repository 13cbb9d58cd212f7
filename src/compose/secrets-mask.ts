/**
 * What counts as a secret when berth prints a project or a problem: a variable or key whose
 * name looks like one (PASSWORD, SECRET, TOKEN, KEY, CREDENTIAL…), and the password part of a
 * URL (`scheme://user:PASSWORD@host`). Names are split into words (`_`, `-`, `.`, camelCase) so
 * that `API_KEY`, `apiKey` and `SECRET_KEY_BASE` match while `KEYCLOAK_URL` or `MONKEY` do not.
 */

export const REDACTED = "********";

/** Words that are secret-looking anywhere inside a name (`DBPASSWORD`, `GITHUB_TOKEN`). */
const INSIDE = /PASSWORD|PASSWD|PASSPHRASE|SECRET|TOKEN|CREDENTIAL|PRIVATE_?KEY|APIKEY|ACCESS_?KEY/;
/** Words that are secret-looking only as a whole word (`KEY`, `API_KEY`, `DB_PASS`). */
const WORDS = new Set(["KEY", "KEYS", "PASS", "PWD", "PW", "CREDS", "SALT", "DSN"]);

export function isSecretName(name: string): boolean {
  // PWD is the shell's working directory, not a password.
  if (name === "PWD" || name === "OLDPWD") return false;
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toUpperCase()
    .split(/[^A-Z0-9]+/)
    .filter(Boolean);
  if (INSIDE.test(words.join("_")) || INSIDE.test(words.join(""))) return true;
  return words.some((w) => WORDS.has(w));
}

/** `scheme://user:password@host` → `scheme://user:********@host`. */
export function maskUrlPasswords(s: string): string {
  return s.replace(/([a-z][a-z0-9+.-]*:\/\/[^\s:/@]*:)([^\s@/]+)(@)/gi, (_, a: string, _pw: string, c: string) => `${a}${REDACTED}${c}`);
}

/**
 * `text` with every appearance of `value` masked: quoted forms first (how problems quote a
 * value), then the bare value when it is long enough not to hit unrelated words.
 */
export function maskValueIn(text: string, value: string): string {
  if (value === "") return text;
  const forms = [`"${value}"`, value.length > 60 ? `"${value.slice(0, 57)}..."` : undefined].filter((f): f is string => f !== undefined);
  let out = text;
  for (const f of forms) out = out.split(f).join(`"${REDACTED}"`);
  if (value.length >= 4) out = out.split(value).join(REDACTED);
  return out;
}
