import type { PersonalData } from './field-policy.js';

// Masking works on a value's significant characters only: NFKC folds full-width forms (１２３, ＋, Ｘ)
// to ASCII, and separators are dropped, so neither their positions nor their count can leak what is
// hidden. The printed standard formats keep what the standards make public anyway (a resident ID's
// region code, a phone's carrier prefix or area code); any other shape shows at most a quarter of its
// characters at each end, so at least half is always hidden.

/** Digits and upper-case Latin letters of `value`, full-width forms folded. */
function significant(value: string): string {
  return value
    .normalize('NFKC')
    .toUpperCase()
    .replace(/[^0-9A-Z]/g, '');
}

/**
 * Hides the middle of a value that has no standard masked format: at most ⌊n/4⌋ characters are kept at
 * each end (so at least half is hidden), and a value under 6 characters is hidden whole.
 *
 * @example
 * maskMiddle('88881234');        // '88****34'
 * maskMiddle('110105491231002'); // '110*********002'
 */
export function maskMiddle(chars: string): string {
  const n = chars.length;
  if (n < 6) return '*'.repeat(Math.max(n, 4));
  const keep = Math.floor(n / 4);
  return `${chars.slice(0, keep)}${'*'.repeat(n - 2 * keep)}${chars.slice(n - keep)}`;
}

/**
 * Masks a resident identity number the way Chinese services print it: region code and the last four
 * characters of an 18-character number kept, birth date and sequence hidden. Anything else (a 15-digit
 * number, a typo, an organisation's code held by a person) keeps at most a quarter at each end.
 *
 * @example
 * maskResidentId('44010519900101123X'); // '440105********123X'
 * maskResidentId('440105900101123');    // '440*********123'
 */
export function maskResidentId(value: string): string {
  const chars = significant(value);
  if (/^\d{17}[\dX]$/.test(chars)) return `${chars.slice(0, 6)}********${chars.slice(14)}`;
  return maskMiddle(chars);
}

// Mainland mobile numbers: 11 digits from 13x to 19x.
const MOBILE = /^1[3-9]\d{9}$/;
// Landlines with their trunk 0 and area code: 010 and 02x take 3 digits, every other area code 4;
// the local number has 7 or 8 digits.
const LANDLINE = /^(0(?:10|2\d)|0[3-9]\d\d)(\d{7,8})$/;

/** The phone's digits without a country code (+86, 0086, or 86 before a mobile number). */
function nationalDigits(value: string): string {
  const folded = value.normalize('NFKC');
  let digits = folded.replace(/\D/g, '');
  const international = /^\s*(\+|00)/.test(folded) || digits.startsWith('0086');
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (international && digits.startsWith('86')) digits = digits.slice(2);
  else if (digits.length === 13 && digits.startsWith('86') && MOBILE.test(digits.slice(2))) digits = digits.slice(2);
  // Written internationally, a landline drops its trunk 0 (+86 20 8888 1234).
  if (international && !MOBILE.test(digits) && LANDLINE.test(`0${digits}`)) digits = `0${digits}`;
  return digits;
}

/**
 * Masks a phone number whatever its legacy form (`+86 138-0013-8000`, `(020)8888-1234`, full-width
 * digits). A mobile number keeps its first three and last four digits; a landline its area code and the
 * last half of its local number; any other length at most a quarter of its digits at each end.
 * Separators and the country code are dropped, so their positions cannot leak the hidden digits.
 *
 * @example
 * maskPhone('+86 138 1234 5678'); // '138****5678'
 * maskPhone('(020)8888-1234');    // '020****1234'
 * maskPhone('8888-1234');         // '88****34'
 */
export function maskPhone(value: string): string {
  const digits = nationalDigits(value);
  if (MOBILE.test(digits)) return `${digits.slice(0, 3)}****${digits.slice(7)}`;
  const landline = LANDLINE.exec(digits);
  if (landline) {
    const [, area, local] = landline as unknown as [string, string, string];
    const hidden = Math.ceil(local.length / 2);
    return `${area}${'*'.repeat(hidden)}${local.slice(hidden)}`;
  }
  return maskMiddle(digits);
}

// The first street-level name after the administrative prefix: 路, 街, 大道, 巷, 弄, or a town 镇/乡.
const STREET = /^(.*?(?:省|自治区|市|自治州|地区|盟|区|县|旗))?(.*?(?:大道|大街|街道|路|街|巷|弄|道|镇|乡))/u;
const REGION = /^(.*(?:省|自治区|市|自治州|地区|盟|区|县|旗))/u;

/**
 * Cuts an address after its street: the house number, building and room are dropped. Without a
 * recognisable street, only the administrative region is kept.
 *
 * @example
 * maskAddress('广东省广州市越秀区北京路123号5楼'); // '广东省广州市越秀区北京路'
 */
export function maskAddress(value: string): string {
  const street = STREET.exec(value);
  if (street?.[2] && !/\d/.test(street[2])) return street[0];
  return REGION.exec(value)?.[1] ?? '';
}

/** Masks a field's value for its kind of personal data. */
export function maskValue(kind: PersonalData, value: unknown): unknown {
  if (typeof value !== 'string') return value;
  switch (kind) {
    case 'PHONE':
      return maskPhone(value);
    case 'ADDRESS':
      return maskAddress(value);
    case 'RESIDENT_ID':
      return maskResidentId(value);
  }
}
