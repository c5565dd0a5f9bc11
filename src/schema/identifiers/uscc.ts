// Unified Social Credit Code (统一社会信用代码, GB 32100-2015): 18 characters —
// registering authority (1), organisation type (1), division (6), organisation code (9), check (1).

/** The 31 characters a USCC may use (no I, O, S, V, Z); a character's value is its index. */
export const USCC_ALPHABET = '0123456789ABCDEFGHJKLMNPQRTUWXY';

// Character code → value (0–30), or -1 when not in the alphabet. A table keeps the hot path branch-free.
const VALUE_OF = new Int8Array(128).fill(-1);
for (let v = 0; v < USCC_ALPHABET.length; v++) VALUE_OF[USCC_ALPHABET.charCodeAt(v)] = v;

/** Weight of position i is 3^i mod 31 (GB 32100-2015). */
export const USCC_WEIGHTS: readonly number[] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/** Value (0–30) of a character code in the USCC alphabet, or -1. */
export function usccValueOf(code: number): number {
  return code < 128 ? VALUE_OF[code]! : -1;
}

/** Check value over the first 17 characters of `s`, or -1 if one is outside the alphabet. */
function checkValue(s: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const v = usccValueOf(s.charCodeAt(i));
    if (v < 0) return -1;
    sum += v * USCC_WEIGHTS[i]!;
  }
  return (31 - (sum % 31)) % 31;
}

/**
 * Check character (18th) for the first 17 characters of a USCC. Throws RangeError when the input is
 * not 17 characters of the USCC alphabet.
 *
 * @example
 * usccCheckChar('91350200776049653'); // 'A'
 */
export function usccCheckChar(first17: string): string {
  const v = first17.length === 17 ? checkValue(first17) : -1;
  if (v < 0) throw new RangeError(`usccCheckChar: expected 17 characters of ${USCC_ALPHABET}, got "${first17}"`);
  return USCC_ALPHABET.charAt(v);
}

/**
 * True when `value` is a canonical USCC: 18 characters of the USCC alphabet whose last one is the
 * check character. Does not normalize (see parseIdentifier for raw text).
 *
 * @example
 * isValidUscc('91350200776049653A'); // true
 * isValidUscc('91350200776049653B'); // false
 */
export function isValidUscc(value: string): boolean {
  if (value.length !== 18) return false;
  const v = checkValue(value);
  return v >= 0 && USCC_ALPHABET.charCodeAt(v) === value.charCodeAt(17);
}

/**
 * The organisation code (GB 11714) embedded in a USCC: characters 9–17. Throws RangeError when the
 * input is not 18 characters long.
 *
 * @example
 * orgCodeOfUscc('91350200776049653A'); // '776049653'
 */
export function orgCodeOfUscc(uscc: string): string {
  if (uscc.length !== 18) throw new RangeError(`orgCodeOfUscc: expected 18 characters, got "${uscc}"`);
  return uscc.slice(8, 17);
}
