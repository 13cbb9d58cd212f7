/**
 * The model `loadProject` returns, in canonical form: every mapping's keys in order (sequences
 * keep theirs; it is meaningful), no undefined values, and no object reachable twice (so a caller
 * may change one service's values without changing another's).
 *
 * The model normalize builds is almost all fresh objects whose keys are sorted already. Copying it
 * whole (hundreds of thousands of objects for a file of thousands of services) was about a fifth
 * of such a load's CPU time, most of it the garbage collector's; so an object already in canonical
 * form, met for the first time, is kept (its children are made canonical in place), and only the
 * others are rebuilt. The objects given are the load's own (nothing the caller passed in reaches
 * the model uncopied), which is why they may be changed in place.
 */
export function canonical(v: unknown): unknown {
  return canon(v, new Set());
}

function canon(v: unknown, seen: Set<object>): unknown {
  if (typeof v !== "object" || v === null) return v;
  // A second reference to an object (a value two services share) becomes an independent copy.
  if (seen.has(v)) return sortedCopy(v);
  seen.add(v);
  if (Array.isArray(v)) {
    for (let i = 0; i < v.length; i++) {
      const item: unknown = v[i];
      const c = canon(item, seen);
      if (c !== item) v[i] = c;
    }
    return v;
  }
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o);
  if (!isSorted(keys) || hasUndefined(o, keys)) {
    sortKeys(keys);
    const out: Record<string, unknown> = {};
    for (const k of keys) {
      const val = o[k];
      if (val !== undefined) out[k] = canon(val, seen);
    }
    return out;
  }
  for (const k of keys) {
    const val = o[k];
    const c = canon(val, seen);
    if (c !== val) o[k] = c;
  }
  return o;
}

/** A fresh canonical copy of `v` (every object in it new). */
function sortedCopy(v: unknown): unknown {
  if (typeof v !== "object" || v === null) return v;
  if (Array.isArray(v)) {
    const list: unknown[] = new Array(v.length);
    for (let i = 0; i < v.length; i++) list[i] = sortedCopy(v[i]);
    return list;
  }
  const keys = Object.keys(v);
  if (!isSorted(keys)) sortKeys(keys);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    const val = (v as Record<string, unknown>)[k];
    if (val !== undefined) out[k] = sortedCopy(val);
  }
  return out;
}

function isSorted(keys: string[]): boolean {
  for (let i = 1; i < keys.length; i++) if (keys[i - 1]! > keys[i]!) return false;
  return true;
}

/**
 * Sorts in place as `keys.sort()` does (UTF-16 code units; keys are distinct). Short lists, most
 * of the model's (a port, a mount, a healthcheck), are insertion-sorted: `Array#sort` allocates
 * working memory per call, which for tens of thousands of small objects was most of this
 * phase's garbage.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 16) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const k = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > k) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = k;
  }
}

function hasUndefined(o: Record<string, unknown>, keys: string[]): boolean {
  for (const k of keys) if (o[k] === undefined) return true;
  return false;
}
