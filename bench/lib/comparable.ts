/**
 * A response's data with every cursor field left out (each implementation encodes its own), so the
 * targets' answers can be compared as data.
 *
 * @example
 * JSON.stringify(comparable(a.data)) === JSON.stringify(comparable(b.data));
 */
export function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value)
        .filter(([k]) => !/cursor$/i.test(k))
        .map(([k, v]) => [k, comparable(v)]),
    );
  return value;
}
