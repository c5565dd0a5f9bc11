// Identifiers as evidence of different strength. A value whose check character holds links
// deterministically (via parseIdentifier, reused from schema/identifiers); a value that fails its check
// is kept as "broken" evidence: its one-typo neighbours that do validate are looked up, and a match
// plus an agreeing name or phone is strong, but never proof on its own.

import {
  birthDateOfResidentId,
  classifyIdentifier,
  isValidOrgCode,
  isValidResidentId,
  isValidUscc,
  normalizeIdentifierText,
  orgCodeOfUscc,
  sexOfResidentId,
  type CanonicalIdentifier,
  type IdentifierType,
} from '../schema/identifiers/index.js';
import type { NameShape } from './normalise-name.js';

export interface IdentifierEvidence {
  /** A check-valid USCC. */
  uscc: string | null;
  /** A check-valid resident ID (15-digit forms upgraded to 18). */
  residentId: string | null;
  /** The organisation code: the legacy value, or characters 9–17 of the USCC. */
  orgCode: string | null;
  /** True when the record holds only the legacy organisation code, no USCC. */
  orgCodeOnly: boolean;
  /** A normalised identifier-shaped value (9, 15 or 18 characters) whose check fails. */
  broken: string | null;
  /** Birth date YYYYMMDD and sex (1 male, 2 female) from a valid resident ID; 0 when unknown. */
  birth: number;
  sex: number;
  /** A valid identifier ignored because it contradicts the record's name (an organisation holding its representative's ID). */
  conflicting: CanonicalIdentifier | null;
}

const EMPTY: IdentifierEvidence = {
  uscc: null,
  residentId: null,
  orgCode: null,
  orgCodeOnly: false,
  broken: null,
  birth: 0,
  sex: 0,
  conflicting: null,
};

/**
 * Reads a legacy `证件类型` value: a code or free text, often wrong, so it only breaks ties between
 * readings that both validate.
 *
 * @example
 * claimedIdentifierType('居民身份证'); // 'RESIDENT_ID'
 * claimedIdentifierType('营业执照');   // 'USCC'
 */
export function claimedIdentifierType(idType: string | null | undefined): IdentifierType | null {
  if (!idType) return null;
  const t = idType.trim().toUpperCase();
  if (t.includes('身份') || t === 'RESIDENT_ID' || t === 'ID' || t === 'SFZ' || t === '01' || t === '1' || t === '111') return 'RESIDENT_ID';
  if (t.includes('信用') || t.includes('执照') || t === 'USCC' || t === '49' || t === 'TYSHXYDM') return 'USCC';
  if (t.includes('机构') || t === 'ORG_CODE' || t === 'ZZJGDM' || t === '41') return 'ORG_CODE';
  return null;
}

/**
 * The identifier evidence of one record. The value is read by `classifyIdentifier` (check characters,
 * then GB 32100's and GB 11643's structure, then the claims, which only ever confirm a person: the
 * claimed type, the record's kind, a person-shaped name). A value that may be a person's number is
 * never a USCC here: undecided, it is a resident ID; valid only as a USCC but shaped like a resident ID,
 * it is a broken resident ID, matched against its one-typo neighbours. A valid identifier of the wrong
 * kind for an unmistakable name is set aside, not linked on.
 *
 * @example
 * readIdentifier('77604965-3', null, 'ORGANIZATION').orgCode; // '776049653'
 * readIdentifier('110105491231002', null, 'PERSON').residentId; // '11010519491231002X'
 * readIdentifier('11010519491231003X', null, 'PERSON').broken;  // '11010519491231003X'
 */
export function readIdentifier(
  raw: string | null | undefined,
  idType: string | null | undefined,
  shape: NameShape,
  kind?: 'PERSON' | 'ORGANIZATION' | null,
): IdentifierEvidence {
  if (typeof raw !== 'string' || raw.length === 0) return EMPTY;
  const claimsPerson = shape === 'PERSON' || kind === 'PERSON';
  const reading = classifyIdentifier(raw, { claimedType: claimedIdentifierType(idType), kind: claimsPerson ? 'PERSON' : null }).identifier;
  if (reading) {
    const personId = reading.type === 'RESIDENT_ID';
    if ((personId && shape === 'ORGANIZATION') || (!personId && reading.type === 'ORG_CODE' && shape === 'PERSON')) {
      return { ...EMPTY, conflicting: reading };
    }
    if (reading.type === 'USCC') return { ...EMPTY, uscc: reading.value, orgCode: orgCodeOfUscc(reading.value) };
    if (reading.type === 'ORG_CODE') return { ...EMPTY, orgCode: reading.value, orgCodeOnly: true };
    return {
      ...EMPTY,
      residentId: reading.value,
      birth: Number(birthDateOfResidentId(reading.value).replaceAll('-', '')),
      sex: sexOfResidentId(reading.value) === 'M' ? 1 : 2,
    };
  }
  const s = normalizeIdentifierText(raw);
  if ((s.length === 18 || s.length === 9 || s.length === 15) && isAlnum(s)) return { ...EMPTY, broken: s };
  return EMPTY;
}

function isAlnum(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a))) return false;
  }
  return true;
}

/**
 * The valid identifiers a broken value may stand for: its one-typo neighbours (`typoNeighbours`), the
 * organisation code each USCC neighbour holds, and for an 18-character value the organisation code it
 * holds itself when that code validates (a slip in the USCC's first eight characters or its check
 * character leaves the embedded code intact, so the legacy record holding that code is the match).
 * Two broken values sharing a candidate are two slips of one number, even when no record holds it.
 *
 * @example
 * identifierCandidates('19440105843268961U'); // includes { type: 'ORG_CODE', value: '843268961' }
 */
export function identifierCandidates(broken: string): CanonicalIdentifier[] {
  const out: CanonicalIdentifier[] = [];
  const seen = new Set<string>();
  const add = (c: CanonicalIdentifier) => {
    const k = `${c.type}:${c.value}`;
    if (seen.has(k)) return;
    seen.add(k);
    out.push(c);
  };
  for (const n of typoNeighbours(broken)) {
    add(n);
    if (n.type === 'USCC') {
      const org = orgCodeOfUscc(n.value);
      if (isValidOrgCode(org)) add({ type: 'ORG_CODE', value: org });
    }
  }
  // Not for a value shaped like a resident ID (its characters 9–17 are a birth date and sequence).
  if (broken.length === 18 && !/^[1-8]\d{16}[\dX]$/.test(broken)) {
    const org = broken.slice(8, 17);
    if (isAlnum(org) && isValidOrgCode(org)) add({ type: 'ORG_CODE', value: org });
  }
  return out;
}

const USCC_CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const ORG_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DIGITS = '0123456789';
const RID_CHECK = '0123456789X';

/**
 * Every check-valid identifier one typing slip away from a broken value: one character substituted
 * or two adjacent characters swapped. A typo that breaks the check character has ~15–20 such
 * neighbours, of which at most a few are ever issued, so the caller looks them up in its index.
 *
 * @example
 * typoNeighbours('11010519491231003X').some((n) => n.value === '11010519491231002X'); // true
 */
export function typoNeighbours(broken: string): CanonicalIdentifier[] {
  const out: CanonicalIdentifier[] = [];
  if (broken.length === 18) {
    neighboursIn(broken, 'USCC', USCC_SCHEME, out);
    neighboursIn(broken, 'RESIDENT_ID', RID_SCHEME, out);
  } else if (broken.length === 9) {
    neighboursIn(broken, 'ORG_CODE', ORG_SCHEME, out);
  }
  return out;
}

/**
 * Substitutions, then adjacent swaps, that validate under one scheme. A weighted check sum changes by
 * w·(new − old) when one character changes, so only the characters that make the sum match the check
 * character are built (a necessary condition; each candidate is still fully validated): ~35 strings
 * per value instead of ~700. No candidate repeats (a substitution changes one position, a swap two).
 */
function neighboursIn(broken: string, type: IdentifierType, scheme: CheckScheme, out: CanonicalIdentifier[]): void {
  const valid = type === 'USCC' ? isValidUscc : type === 'RESIDENT_ID' ? isValidResidentId : isValidOrgCode;
  const { weights, value, checkOf } = scheme;
  const n = weights.length; // body length; the check character follows
  let sum = 0;
  let bad = 0;
  let badAt = -1;
  for (let i = 0; i < n; i++) {
    const c = broken.charCodeAt(i);
    const v = c < 128 ? value[c]! : -1;
    if (v < 0) {
      bad++;
      badAt = i;
    } else sum += v * weights[i]!;
  }
  const checkCode = broken.charCodeAt(n);
  if (bad <= 1) {
    for (let i = 0; i <= n; i++) {
      if (bad === 1 && i !== badAt) continue;
      const own = broken.charCodeAt(i);
      if (i === n) {
        // Substituting the check character: exactly one value fits.
        const code = checkOf[sum % scheme.modulus]!;
        if (code !== own && scheme.checkAlphabet.includes(String.fromCharCode(code)))
          pushIfValid(broken.slice(0, n) + String.fromCharCode(code), type, valid, out);
        continue;
      }
      const v0 = own < 128 ? value[own]! : -1;
      const base = sum - (v0 < 0 ? 0 : v0 * weights[i]!);
      const alphabet = scheme.bodyAlphabet;
      for (let k = 0; k < alphabet.length; k++) {
        const code = alphabet.charCodeAt(k);
        if (code === own || checkOf[(base + value[code]! * weights[i]!) % scheme.modulus] !== checkCode) continue;
        pushIfValid(broken.slice(0, i) + String.fromCharCode(code) + broken.slice(i + 1), type, valid, out);
      }
    }
  }
  for (let i = 0; i + 1 < broken.length; i++) {
    if (broken.charCodeAt(i) === broken.charCodeAt(i + 1)) continue;
    pushIfValid(broken.slice(0, i) + broken.charAt(i + 1) + broken.charAt(i) + broken.slice(i + 2), type, valid, out);
  }
}

function pushIfValid(value: string, type: IdentifierType, valid: (s: string) => boolean, out: CanonicalIdentifier[]): void {
  if (valid(value)) out.push({ type, value });
}

/** A weighted-sum check character scheme: body character values, weights, and Σ mod m → check code. */
interface CheckScheme {
  weights: readonly number[];
  bodyAlphabet: string;
  checkAlphabet: string;
  /** Character code (< 128) → value, -1 outside the body alphabet. */
  value: Int8Array;
  modulus: number;
  /** Σ mod modulus → check character code. */
  checkOf: Int32Array;
}

function scheme(
  weights: number[],
  bodyAlphabet: string,
  checkAlphabet: string,
  valueOf: (ch: string) => number,
  modulus: number,
  check: (r: number) => string,
): CheckScheme {
  const value = new Int8Array(128).fill(-1);
  for (const ch of bodyAlphabet) value[ch.charCodeAt(0)] = valueOf(ch);
  const checkOf = new Int32Array(modulus);
  for (let r = 0; r < modulus; r++) checkOf[r] = check(r).charCodeAt(0);
  return { weights, bodyAlphabet, checkAlphabet, value, modulus, checkOf };
}

/** GB 32100-2015: weight 3^i mod 31, check = (31 − Σ mod 31) mod 31. */
const USCC_SCHEME = scheme(
  [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28],
  USCC_CHARS,
  USCC_CHARS,
  (ch) => USCC_CHARS.indexOf(ch),
  31,
  (r) => USCC_CHARS.charAt((31 - r) % 31),
);
/** GB 11643-1999: ISO 7064 MOD 11-2. */
const RID_SCHEME = scheme(
  [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2],
  DIGITS,
  RID_CHECK,
  (ch) => DIGITS.indexOf(ch),
  11,
  (r) => '10X98765432'.charAt(r),
);
/** GB 11714: c = 11 − Σ mod 11 (10 → X, 11 → 0). */
const ORG_SCHEME = scheme(
  [3, 7, 9, 10, 5, 8, 4, 2],
  ORG_CHARS,
  `${DIGITS}X`,
  (ch) => ORG_CHARS.indexOf(ch),
  11,
  (r) => {
    const c = 11 - r;
    return c === 10 ? 'X' : c === 11 ? '0' : String(c);
  },
);
