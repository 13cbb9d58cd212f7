/**
 * A parsed YAML value as text: a scalar (string, number, boolean, null) exactly as String() writes
 * it; a list or mapping as JSON rather than "[object Object]". Schema validation rejects a list or
 * mapping where a scalar belongs before these values are read, so in practice it is String().
 */
export function scalarText(v: unknown): string {
  return typeof v === "object" && v !== null ? JSON.stringify(v) : String(v);
}
