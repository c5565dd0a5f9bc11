/**
 * How large a caller-supplied value may be. The public schema shows each bound on its argument
 * (`@constraint`, and in the description); the gateway refuses a request over any of them before
 * doing any work, and the subgraphs check again what they are sent.
 */
export const INPUT_LIMITS = {
  /** Opaque global ids (`base64url("<Type>:<key>")`). */
  id: 512,
  /** A department's own key of a record (a permit number, an applicant number). */
  localId: 256,
  /** Codes: departments, service items, purposes, categories. */
  code: 64,
  /** Free-text search terms. */
  search: 100,
  /** An identifier as a caller may write it (USCC, organisation code, resident ID, with spaces or dashes). */
  identifier: 64,
  /** Reasons, legal bases, descriptions written by stewards and departments. */
  text: 2000,
  /** Cursors (`after`). */
  cursor: 4096,
  /** Items of a list argument of strings (codes, ids, field names). */
  listItems: 100,
} as const;

/** C0/C1 control characters and lone surrogates: no key, code or id legitimately holds one. */
const UNPRINTABLE = /[\p{Cc}\p{Cs}]/u;

/**
 * Whether `value` is a string of 1 to `max` characters with no control character or lone surrogate:
 * the shape of every key, code and id the hub passes to a department.
 *
 * @example
 * isPlainText('SJ2023000123', INPUT_LIMITS.localId); // true
 * isPlainText('A\u0000', INPUT_LIMITS.localId);        // false
 */
export function isPlainText(value: unknown, max: number): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= max && !UNPRINTABLE.test(value);
}
