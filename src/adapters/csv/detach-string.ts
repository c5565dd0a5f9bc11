/**
 * A copy of `s` that does not keep alive the text it was sliced from. V8 represents a slice of 13 or
 * more characters as a view into its parent, so a few cells kept from a 200 MB export would otherwise
 * keep the whole decoded export in memory. Use it on cells kept after a load.
 *
 * @example
 * const key = detachString(fields[2]!);
 */
export function detachString(s: string): string {
  if (s.length < 13) return s; // V8 copies short slices already.
  const joined = ` ${s}`;
  joined.charCodeAt(1); // flattens the concatenation into a fresh string; the slice then points into it
  return joined.slice(1);
}
