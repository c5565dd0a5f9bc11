// Which applicant an 18-character value belongs to, when its check characters alone cannot tell: about
// one resident ID in 31 also passes the USCC check, and about one mistyped resident ID in 31 passes it
// instead of its own. Publishing a person as an organisation shows their ID, name and permits to anyone,
// so what is left ambiguous is read as a person's (the safe side) and flagged for a data steward.

import { isPlausibleBirthDate } from './calendar.js';
import { isProvinceCode } from './divisions.js';
import { hasUsccStructure } from './gb32100.js';
import { normalizeIdentifierText } from './normalize.js';
import { parseIdentifier } from './parse.js';
import type { CanonicalIdentifier, IdentifierType } from './types.js';

/** What the source record itself claims: often wrong, so a claim only ever confirms the personal reading. */
export interface IdentifierClaims {
  /** The record's 证件类型, as read. */
  claimedType?: IdentifierType | null;
  /** The record's 申请人类型. */
  kind?: 'PERSON' | 'ORGANIZATION' | null;
}

export interface IdentifierClassification {
  /** The reading to link on; null when nothing validates, or when the value is left unlinked. */
  identifier: CanonicalIdentifier | null;
  /**
   * The value is, or may be, a natural person's number (a resident ID, one that may be, or a mistyped
   * one): the record is a person's, whatever it claims.
   */
  personal: boolean;
  /**
   * Personal only because nothing settled it, or against the record's own claims: the record goes to a
   * data steward's review (its identifier is the resident-ID reading when that validates, else none).
   */
  ambiguous: boolean;
}

const NONE: IdentifierClassification = { identifier: null, personal: false, ambiguous: false };

/**
 * Whether an 18-character canonical value is shaped like a resident ID, check character aside: 17 digits
 * and a digit or X, a province code first, and a birth date that is real and not in the future, or one
 * typing slip away from such a date (a mistyped number may have its date broken too).
 *
 * @example
 * looksLikeResidentId('11010519491231003X'); // true (its check character is wrong, its shape is not)
 * looksLikeResidentId('11010519491331002X'); // true (month 13: one slip from a real date)
 * looksLikeResidentId('91350200776049653A'); // false
 */
export function looksLikeResidentId(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value) || !isProvinceCode(value.slice(0, 2))) return false;
  const date = value.slice(6, 14);
  if (isRealDate(date)) return true;
  for (let i = 0; i < 8; i++) {
    for (let d = 0; d <= 9; d++) {
      if (String(d) !== date.charAt(i) && isRealDate(date.slice(0, i) + d + date.slice(i + 1))) return true;
    }
  }
  return false;
}

/** A real date and a province code one slip away: a mistyped ID whose slip is in its first two digits. */
function slippedProvince(value: string): boolean {
  if (!/^\d{17}[\dX]$/.test(value) || !isRealDate(value.slice(6, 14))) return false;
  for (let i = 0; i < 2; i++) {
    for (let d = 0; d <= 9; d++) if (isProvinceCode(value.slice(0, i) + d + value.slice(i + 1, 2))) return true;
  }
  return false;
}

const isRealDate = (ymd: string) => isPlausibleBirthDate(Number(ymd.slice(0, 4)), Number(ymd.slice(4, 6)), Number(ymd.slice(6, 8)));

/**
 * Reads one raw identifier of a department record into the identifier to link on. Beyond the check
 * characters it uses what the standards give: GB 32100's registering authority and the categories it
 * registers, its division and embedded organisation code (`hasUsccStructure`); GB 11643's province code
 * and birth date (`looksLikeResidentId`). Then the record's own claims, which can only confirm a person:
 * a legacy record calling a person's number a 统一社会信用代码, or the person a 单位, is common, and
 * believing it publishes the person. What is, or may be, a person's number is `personal` (a mistyped
 * one too); `ambiguous` when only the safe side decided it, or the record's claims contradict it.
 *
 * @example
 * classifyIdentifier('91350200776049653A'); // { identifier: { type: 'USCC', … }, personal: false, ambiguous: false }
 * classifyIdentifier('11010519491231003X', { kind: 'ORGANIZATION' }); // { identifier: null, personal: true, ambiguous: true }
 */
export function classifyIdentifier(raw: string, claims: IdentifierClaims = {}): IdentifierClassification {
  const readings = parseIdentifier(raw);
  const claimsPerson = claims.kind === 'PERSON' || claims.claimedType === 'RESIDENT_ID';
  // A person's number, or one that may be: flagged unless the record itself says it is a person's.
  const personal = (identifier: CanonicalIdentifier | null): IdentifierClassification => ({ identifier, personal: true, ambiguous: !claimsPerson });
  if (readings.length === 0) {
    if (typeof raw !== 'string') return NONE;
    // Nothing validates: a mistyped resident ID (18 or 15 digits, a province code, a date one slip from a real one) is still a person's.
    const s = normalizeIdentifierText(raw);
    const as18 = s.length === 15 && /^\d{15}$/.test(s) ? `${s.slice(0, 6)}19${s.slice(6)}0` : s;
    return as18.length === 18 && (looksLikeResidentId(as18) || slippedProvince(as18)) ? personal(null) : NONE;
  }
  if (readings.length === 1) {
    const only = readings[0]!;
    if (only.type === 'RESIDENT_ID') return { identifier: only, personal: true, ambiguous: false };
    if (only.type !== 'USCC' || !/^\d{17}[\dX]$/.test(only.value)) return { identifier: only, personal: false, ambiguous: false };
    // Digits valid only as a USCC. Without GB 32100's structure they are no USCC: a mistyped resident ID
    // if shaped like one (about 1 in 31 passes the USCC check), else nothing. With it, a USCC unless they
    // are also shaped like a resident ID: then a person's, undecided.
    if (!hasUsccStructure(only.value)) return looksLikeResidentId(only.value) || slippedProvince(only.value) ? personal(null) : NONE;
    return looksLikeResidentId(only.value) ? personal(null) : { identifier: only, personal: false, ambiguous: false };
  }
  // Valid both ways (18 characters).
  const value = readings[0]!.value;
  const resident: CanonicalIdentifier = { type: 'RESIDENT_ID', value };
  if (!hasUsccStructure(value)) return { identifier: resident, personal: true, ambiguous: false };
  if (!isProvinceCode(value.slice(0, 2))) return { identifier: { type: 'USCC', value }, personal: false, ambiguous: false };
  return personal(resident);
}
