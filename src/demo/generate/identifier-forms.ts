// How legacy systems spell an identity code: the clean form, or one of the habits listed in the
// domain README (org code instead of USCC, 15-digit IDs, lower-case x, full-width digits, spaces and
// dashes, a typo, junk, nothing). Each function returns the text and a label of what it did, so tests
// can check that every "valid-form" spelling still normalises back to the true code.

import { formatOrgCodeLegacy, orgCodeOfUscc, toResidentId15 } from '../../schema/identifiers/index.js';
import type { Random } from './random.js';
import type { IdentifierCode, IdentifierNoise, IdentifierPresentation } from './types.js';

/** Relative weights of what a department stores for an organisation. */
export interface OrgIdMix {
  uscc: number;
  orgCode: number;
  broken: number;
  junk: number;
  none: number;
}

/** Relative weights of what a department stores for a person. */
export interface PersonIdMix {
  id18: number;
  id15: number;
  broken: number;
  junk: number;
  none: number;
}

/** Relative weights of the spelling habits applied to a valid form. */
export type NoiseMix = Record<Exclude<IdentifierNoise, 'legacy-dash'>, number>;

export interface PresentedIdentifier {
  text: string | null;
  presentation: IdentifierPresentation;
}

const JUNK = ['无', '/', '暂无', '见营业执照', '待补充', 'N/A', '-', '同上'] as const;

/** Half-width digits and Latin letters → their full-width forms (０-９, Ａ-Ｚ), as Chinese IMEs type them. */
export function toFullWidth(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    out += alnum ? String.fromCharCode(c + 0xfee0) : s.charAt(i);
  }
  return out;
}

/** Splits `s` into groups of the given lengths (the rest in one last group) joined by `sep`. */
function grouped(s: string, sizes: readonly number[], sep: string): string {
  const parts: string[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= s.length) break;
    parts.push(s.slice(at, at + n));
    at += n;
  }
  if (at < s.length) parts.push(s.slice(at));
  return parts.join(sep);
}

// Where clerks break long codes: USCC as prefix/division/org code/check, IDs as address/birth/rest.
const USCC_GROUPS = [2, 6, 9] as const;
const ID18_GROUPS = [6, 8] as const;
const ORG_GROUPS = [4, 4] as const;

/**
 * Replaces one digit (never the check character) with a different digit. Any single substitution
 * changes the weighted sum by a non-multiple of the modulus (11 or 31), so the check always fails.
 */
export function breakOneDigit(r: Random, code: string): string {
  const positions: number[] = [];
  for (let i = 0; i < code.length - 1; i++) {
    const c = code.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) positions.push(i);
  }
  const at = r.pick(positions);
  const old = code.charCodeAt(at) - 0x30;
  const digit = (old + r.int(1, 9)) % 10;
  return code.slice(0, at) + String(digit) + code.slice(at + 1);
}

function applyNoise(r: Random, code: string, groups: readonly number[], noise: NoiseMix): { text: string; noise: IdentifierNoise } {
  const chosen = r.weighted(noise);
  switch (chosen) {
    case 'none':
      return { text: code, noise: 'none' };
    case 'lower':
      // Only letters change; a code without letters is simply written clean.
      return /[A-Z]/.test(code) ? { text: code.toLowerCase(), noise: 'lower' } : { text: code, noise: 'none' };
    case 'spaces':
      return { text: r.chance(0.2) ? ` ${grouped(code, groups, ' ')} ` : grouped(code, groups, ' '), noise: 'spaces' };
    case 'dashes':
      return { text: grouped(code, groups, '-'), noise: 'dashes' };
    case 'fullwidth':
      return { text: toFullWidth(code), noise: 'fullwidth' };
  }
}

function presented(text: string | null, code: IdentifierCode, noise: IdentifierNoise): PresentedIdentifier {
  return { text, presentation: { code, noise } };
}

/**
 * Spells an organisation's USCC the way one department would.
 *
 * @example
 * presentOrgId(r, '91350200776049653A', { uscc: 0, orgCode: 1, broken: 0, junk: 0, none: 0 }, CLEAN, 1);
 * // { text: '77604965-3', presentation: { code: 'ORG_CODE', noise: 'legacy-dash' } }
 */
export function presentOrgId(r: Random, uscc: string, mix: OrgIdMix, noise: NoiseMix, legacyDashShare: number): PresentedIdentifier {
  switch (r.weighted(mix)) {
    case 'uscc': {
      const n = applyNoise(r, uscc, USCC_GROUPS, noise);
      return presented(n.text, 'USCC', n.noise);
    }
    case 'orgCode': {
      const orgCode = orgCodeOfUscc(uscc);
      if (r.chance(legacyDashShare)) return presented(formatOrgCodeLegacy(orgCode), 'ORG_CODE', 'legacy-dash');
      const n = applyNoise(r, orgCode, ORG_GROUPS, noise);
      return presented(n.text, 'ORG_CODE', n.noise);
    }
    case 'broken': {
      const orgCode = orgCodeOfUscc(uscc);
      // Lettered 'MA…' org codes may have no digit to mistype; break the USCC then.
      const text = r.chance(0.3) && /\d/.test(orgCode.slice(0, 8)) ? formatOrgCodeLegacy(breakOneDigit(r, orgCode)) : breakOneDigit(r, uscc);
      return presented(text, 'BROKEN', 'none');
    }
    case 'junk':
      return presented(r.pick(JUNK), 'JUNK', 'none');
    case 'none':
      return presented(null, 'NONE', 'none');
  }
}

/**
 * Spells a person's 18-digit resident ID the way one department would. A 15-digit form is only
 * possible for people born in the 1900s; others get the 18-digit form instead.
 *
 * @example
 * presentPersonId(r, '11010519491231002X', { id18: 0, id15: 1, broken: 0, junk: 0, none: 0 }, CLEAN);
 * // { text: '110105491231002', presentation: { code: 'RESIDENT_ID_15', noise: 'none' } }
 */
export function presentPersonId(r: Random, id18: string, mix: PersonIdMix, noise: NoiseMix): PresentedIdentifier {
  switch (r.weighted(mix)) {
    case 'id15': {
      const id15 = toResidentId15(id18);
      if (id15 !== null) {
        // Old records are mostly plain digits; a few were re-typed with spaces.
        return r.chance(0.85) ? presented(id15, 'RESIDENT_ID_15', 'none') : presented(grouped(id15, [6, 6], ' '), 'RESIDENT_ID_15', 'spaces');
      }
      const n = applyNoise(r, id18, ID18_GROUPS, noise);
      return presented(n.text, 'RESIDENT_ID_18', n.noise);
    }
    case 'id18': {
      const n = applyNoise(r, id18, ID18_GROUPS, noise);
      return presented(n.text, 'RESIDENT_ID_18', n.noise);
    }
    case 'broken':
      return presented(breakOneDigit(r, id18), 'BROKEN', 'none');
    case 'junk':
      return presented(r.pick(JUNK), 'JUNK', 'none');
    case 'none':
      return presented(null, 'NONE', 'none');
  }
}
