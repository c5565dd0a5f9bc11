// Resident identity number (公民身份号码, GB 11643-1999): address code (6), birth date YYYYMMDD (8),
// sequence (3, odd = male), check character (ISO 7064 MOD 11-2). Pre-1999 numbers have 15 digits:
// a 2-digit year and no check character.
//
// Address codes are deliberately not checked against a list: they are historical, and a number is
// never invalid because its area has since been renamed or merged.

import { isPlausibleBirthDate } from './calendar.js';

const WEIGHTS: readonly number[] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
/** Check character indexed by Σ mod 11. */
const CHECK_CHARS = '10X98765432';

function isDigitCode(c: number): boolean {
  return c >= 0x30 && c <= 0x39;
}

/** Check character code for `s`'s first 17 characters, or -1. */
function checkCode(s: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const c = s.charCodeAt(i);
    if (!isDigitCode(c)) return -1;
    sum += (c - 0x30) * WEIGHTS[i]!;
  }
  return CHECK_CHARS.charCodeAt(sum % 11);
}

/** Integer value of the decimal digits s[from, to); caller has checked they are digits. */
function digitsAt(s: string, from: number, to: number): number {
  let n = 0;
  for (let i = from; i < to; i++) n = n * 10 + (s.charCodeAt(i) - 0x30);
  return n;
}

/**
 * Check character for the first 17 digits of a resident ID ("10X98765432"[Σ mod 11]). Throws
 * RangeError unless the input is exactly 17 digits.
 *
 * @example
 * residentIdCheckChar('11010519491231002'); // 'X'
 */
export function residentIdCheckChar(first17: string): string {
  const c = first17.length === 17 ? checkCode(first17) : -1;
  if (c < 0) throw new RangeError(`residentIdCheckChar: expected 17 digits, got "${first17}"`);
  return String.fromCharCode(c);
}

/**
 * True when `value` is a canonical 18-character resident ID: 17 digits, a real birth date
 * (year ≥ 1800, not after today in China Standard Time) and the right check character (upper-case X).
 * The address code is not checked against any list.
 *
 * @example
 * isValidResidentId('11010519491231002X'); // true
 * isValidResidentId('11010519490230002X'); // false (no 30 February)
 */
export function isValidResidentId(value: string): boolean {
  if (value.length !== 18) return false;
  const check = checkCode(value);
  if (check < 0 || check !== value.charCodeAt(17)) return false;
  return isPlausibleBirthDate(digitsAt(value, 6, 10), digitsAt(value, 10, 12), digitsAt(value, 12, 14));
}

/**
 * Upgrades a pre-1999 15-digit number: inserts "19" before the 2-digit year and appends the check
 * character. Returns null unless the input is 15 digits with a real birth date.
 *
 * @example
 * upgradeResidentId15('110105491231002'); // '11010519491231002X'
 */
export function upgradeResidentId15(value15: string): string | null {
  if (value15.length !== 15) return null;
  for (let i = 0; i < 15; i++) if (!isDigitCode(value15.charCodeAt(i))) return null;
  if (!isPlausibleBirthDate(1900 + digitsAt(value15, 6, 8), digitsAt(value15, 8, 10), digitsAt(value15, 10, 12))) {
    return null;
  }
  const first17 = `${value15.slice(0, 6)}19${value15.slice(6)}`;
  return first17 + String.fromCharCode(checkCode(first17));
}

/**
 * The legacy 15-digit form of a valid 18-digit ID born in 19xx (drops the century and the check
 * character). Returns null for other years and for invalid IDs.
 *
 * @example
 * toResidentId15('11010519491231002X'); // '110105491231002'
 */
export function toResidentId15(id18: string): string | null {
  if (!isValidResidentId(id18) || id18.charCodeAt(6) !== 0x31 || id18.charCodeAt(7) !== 0x39) return null;
  return id18.slice(0, 6) + id18.slice(8, 17);
}

function assertDigits(s: string, from: number, to: number, fn: string): void {
  for (let i = from; i < to; i++) {
    if (!isDigitCode(s.charCodeAt(i))) throw new RangeError(`${fn}: expected an 18-character resident ID, got "${s}"`);
  }
}

/**
 * Birth date of an 18-character resident ID as 'YYYY-MM-DD'. Throws RangeError unless the input is
 * 18 characters with digits in the date positions (the date itself is not re-validated).
 *
 * @example
 * birthDateOfResidentId('11010519491231002X'); // '1949-12-31'
 */
export function birthDateOfResidentId(id18: string): string {
  if (id18.length !== 18) throw new RangeError(`birthDateOfResidentId: expected 18 characters, got "${id18}"`);
  assertDigits(id18, 6, 14, 'birthDateOfResidentId');
  return `${id18.slice(6, 10)}-${id18.slice(10, 12)}-${id18.slice(12, 14)}`;
}

/**
 * Sex recorded in an 18-character resident ID: the 17th digit is odd for men, even for women.
 * Throws RangeError unless the input is 18 characters with a digit in position 17.
 *
 * @example
 * sexOfResidentId('11010519491231002X'); // 'F'
 */
export function sexOfResidentId(id18: string): 'M' | 'F' {
  if (id18.length !== 18) throw new RangeError(`sexOfResidentId: expected 18 characters, got "${id18}"`);
  assertDigits(id18, 16, 17, 'sexOfResidentId');
  return (id18.charCodeAt(16) - 0x30) % 2 === 1 ? 'M' : 'F';
}
