/**
 * The order every permit list uses (see `PermitPosition`), for connectors that sort or page in memory
 * because their legacy system cannot do it for them.
 */

/**
 * Compares two strings by Unicode code point, as PostgreSQL's "C" collation does. JavaScript's `<`
 * compares UTF-16 code units, which puts U+E000–U+FFFF after astral characters (surrogates): wrong for
 * keyset pagination against a system that sorts by code point.
 *
 * @example
 * compareCodePoints('JZ1', 'JZ2');     // < 0
 * compareCodePoints('\u{20000}', '\uFF21'); // > 0 (code point 0x20000 > 0xFF21), though '\u{20000}' < '\uFF21' in JS
 */
export function compareCodePoints(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    // Only when both units are ≥ U+D800 can code-unit order differ from code-point order: move the
    // surrogates (D800–DFFF) above E000–FFFF.
    if (x >= 0xd800 && y >= 0xd800) {
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

/**
 * Compares two permits in list order: applied-at descending with missing values last, then local id
 * ascending by code point. `applied` values must be comparable with `<`: epoch milliseconds, or
 * strings of one fixed-width format such as `YYYYMMDD`.
 *
 * @example
 * rows.sort((a, b) => comparePermitOrder(a.appliedMs, a.id, b.appliedMs, b.id));
 * comparePermitOrder(2, 'B', 1, 'A'); // < 0: the later application comes first
 * comparePermitOrder(null, 'A', 1, 'B'); // > 0: no date sorts last
 */
export function comparePermitOrder<T extends number | string>(aApplied: T | null, aId: string, bApplied: T | null, bId: string): number {
  if (aApplied !== bApplied) {
    if (aApplied === null) return 1;
    if (bApplied === null) return -1;
    return aApplied < bApplied ? 1 : -1;
  }
  return compareCodePoints(aId, bId);
}

/**
 * A string whose UTF-16 order (JavaScript's `<`) is `s`'s code-point order: compute it once per row,
 * then sort and binary-search with native comparisons. Strings without units ≥ U+D800 (nearly every
 * id) are returned as they are.
 *
 * @example
 * const key = codePointKey(id);
 * codePointKey('\u{20000}') > codePointKey('\uFF21'); // true, as by code point
 */
export function codePointKey(s: string): string {
  if (!HIGH_UNITS.test(s)) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    out += String.fromCharCode(c < 0xd800 ? c : c >= 0xe000 ? c - 0x800 : c + 0x2000);
  }
  return out;
}

const HIGH_UNITS = /[\uD800-\uFFFF]/;
