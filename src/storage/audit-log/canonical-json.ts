/**
 * Canonical JSON: object keys sorted by code unit, no whitespace, `undefined` members dropped. The
 * audit log stores this text itself and hashes exactly that stored text, so the form only has to be
 * deterministic when writing; verification never re-serialises (a different JSON library in a
 * verifier's hands cannot produce a false mismatch).
 *
 * @example
 * canonicalJson({ b: 1, a: [true, null] }); // '{"a":[true,null],"b":1}'
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    // NaN and Infinity would silently become null: a record must say what it was given.
    if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not representable`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) {
    // A list of strings (an event's record ids: hundreds) in one call: JSON.stringify writes it alike.
    if (value.every((v) => typeof v === 'string')) return JSON.stringify(value);
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  throw new TypeError(`canonicalJson: cannot serialise a ${typeof value}`);
}
