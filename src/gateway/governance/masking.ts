import type { PersonalData } from './field-policy.js';

/**
 * Masks a resident identity number the way Chinese services print it: region code and the last four
 * characters kept, birth date and sequence hidden.
 *
 * @example
 * maskResidentId('44010519900101123X'); // '440105********123X'
 */
export function maskResidentId(value: string): string {
  if (value.length <= 10) return '*'.repeat(value.length);
  return `${value.slice(0, 6)}${'*'.repeat(value.length - 10)}${value.slice(-4)}`;
}

/**
 * Masks a phone number whatever its legacy form (`+86 138-0013-8000`, `(020)8888-1234`): the first three
 * and last four digits kept. Separators are dropped so their positions cannot leak the hidden digits.
 *
 * @example
 * maskPhone('+86 138 1234 5678'); // '138****5678'
 */
export function maskPhone(value: string): string {
  let digits = value.replace(/[０-９]/g, (d) => String.fromCharCode(d.charCodeAt(0) - 0xfee0)).replace(/\D/g, '');
  if (digits.length === 13 && digits.startsWith('86')) digits = digits.slice(2);
  if (digits.length < 7) return '*'.repeat(Math.max(digits.length, 4));
  return `${digits.slice(0, 3)}${'*'.repeat(digits.length - 7)}${digits.slice(-4)}`;
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
  if (street && street[2] && !/\d/.test(street[2])) return street[0];
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
