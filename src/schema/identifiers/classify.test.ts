import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { classifyIdentifier, looksLikeResidentId, type IdentifierClaims } from './classify.js';
import { isPlausibleDivision, isProvinceCode } from './divisions.js';
import { hasUsccStructure, USCC_CATEGORIES } from './gb32100.js';
import { generateResidentId, generateUscc } from './generate.js';
import { parseIdentifier } from './parse.js';
import { isValidResidentId } from './resident-id.js';
import { mulberry32 } from './rng.js';
import type { Rng } from './types.js';
import { isValidUscc } from './uscc.js';

/** The first generated value matching `pred`, searching from `rng` (deterministic for a seed). */
function search(rng: Rng, gen: (rng: Rng) => string, pred: (s: string) => boolean, tries = 20_000): string {
  for (let i = 0; i < tries; i++) {
    const s = gen(rng);
    if (pred(s)) return s;
  }
  throw new Error('no match found');
}

const PROVINCES = [
  '11',
  '12',
  '13',
  '14',
  '15',
  '21',
  '22',
  '23',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '37',
  '41',
  '42',
  '43',
  '44',
  '45',
  '46',
  '50',
  '51',
  '52',
  '53',
  '54',
  '61',
  '62',
  '63',
  '64',
  '65',
];
/** A division a resident ID may carry: a province, then any prefecture and county digits. */
const division = fc.tuple(fc.constantFrom(...PROVINCES), fc.integer({ min: 0, max: 9999 })).map(([p, rest]) => p + String(rest).padStart(4, '0'));
const claims = fc.record<IdentifierClaims>({
  kind: fc.constantFrom('PERSON', 'ORGANIZATION', null),
  claimedType: fc.constantFrom('RESIDENT_ID', 'USCC', 'ORG_CODE', null),
});
const spelled = (value: string, how: number) =>
  how === 0
    ? value
    : how === 1
      ? value.toLowerCase()
      : how === 2
        ? `${value.slice(0, 6)} ${value.slice(6, 14)} ${value.slice(14)}`
        : value.replace(/[0-9A-Z]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

describe('classifyIdentifier', () => {
  it('reads the published examples', () => {
    expect(classifyIdentifier('91350200776049653A')).toEqual({ identifier: { type: 'USCC', value: '91350200776049653A' }, personal: false, ambiguous: false });
    expect(classifyIdentifier('77604965-3')).toEqual({ identifier: { type: 'ORG_CODE', value: '776049653' }, personal: false, ambiguous: false });
    expect(classifyIdentifier('11010519491231002X')).toEqual({
      identifier: { type: 'RESIDENT_ID', value: '11010519491231002X' },
      personal: true,
      ambiguous: false,
    });
    expect(classifyIdentifier('110105491231002')).toEqual({
      identifier: { type: 'RESIDENT_ID', value: '11010519491231002X' },
      personal: true,
      ambiguous: false,
    });
    expect(classifyIdentifier('无')).toEqual({ identifier: null, personal: false, ambiguous: false });
  });

  it('never reads a resident ID that also passes the USCC check as a USCC, whatever its record claims', () => {
    fc.assert(
      fc.property(fc.integer(), division, claims, fc.integer({ min: 0, max: 3 }), (seed, code, claim, how) => {
        const id = search(mulberry32(seed), (r) => generateResidentId(r, { division: code }), isValidUscc);
        const { identifier, ambiguous } = classifyIdentifier(spelled(id, how), claim);
        expect(identifier).toEqual({ type: 'RESIDENT_ID', value: id });
        // Ambiguous only when GB 32100's structure holds too and the record does not say it is a person's.
        const claimsPerson = claim.kind === 'PERSON' || claim.claimedType === 'RESIDENT_ID';
        expect(ambiguous).toBe(hasUsccStructure(id) && !claimsPerson);
      }),
      { numRuns: 300 },
    );
  });

  it("the demo district's divisions never leave such an ID ambiguous: 44 and 45 are no authority and category", () => {
    for (const code of ['440105', '440103', '441402', '450102', '430105', '360502']) {
      const id = search(mulberry32(7), (r) => generateResidentId(r, { division: code }), isValidUscc);
      expect(hasUsccStructure(id)).toBe(false);
      expect(classifyIdentifier(id, { kind: 'ORGANIZATION', claimedType: 'USCC' })).toEqual({
        identifier: { type: 'RESIDENT_ID', value: id },
        personal: true,
        ambiguous: false,
      });
    }
  });

  it("leaves a value ambiguous only when every structural check passes, and then as a person's", () => {
    // 131102 (Hebei) gives authority 1, category 3 and a division under 11: the USCC structure can hold.
    const id = search(
      mulberry32(11),
      (r) => generateResidentId(r, { division: '131102' }),
      (s) => isValidUscc(s) && hasUsccStructure(s),
    );
    expect(classifyIdentifier(id, { kind: 'ORGANIZATION', claimedType: 'USCC' })).toEqual({
      identifier: { type: 'RESIDENT_ID', value: id },
      personal: true,
      ambiguous: true,
    });
    expect(classifyIdentifier(id)).toEqual({ identifier: { type: 'RESIDENT_ID', value: id }, personal: true, ambiguous: true });
    expect(classifyIdentifier(id, { kind: 'PERSON' })).toEqual({ identifier: { type: 'RESIDENT_ID', value: id }, personal: true, ambiguous: false });
    expect(classifyIdentifier(id, { claimedType: 'RESIDENT_ID' })).toEqual({
      identifier: { type: 'RESIDENT_ID', value: id },
      personal: true,
      ambiguous: false,
    });
  });

  it("reads a mistyped resident ID that passes the USCC check as a person's with no identifier, never a USCC", () => {
    fc.assert(
      fc.property(fc.integer(), division, claims, (seed, code, claim) => {
        const rng = mulberry32(seed);
        const typo = search(
          rng,
          (r) => {
            const id = generateResidentId(r, { division: code });
            const at = Math.floor(r() * 14) + 3;
            return id.slice(0, at) + String((Number(id[at]) + 1 + Math.floor(r() * 9)) % 10) + id.slice(at + 1);
          },
          (s) => isValidUscc(s) && !isValidResidentId(s),
        );
        expect(looksLikeResidentId(typo)).toBe(true);
        const { identifier, personal, ambiguous } = classifyIdentifier(typo, claim);
        expect(identifier).toBeNull();
        expect(personal).toBe(true);
        // Flagged unless the record itself says it is a person's.
        expect(ambiguous).toBe(!(claim.kind === 'PERSON' || claim.claimedType === 'RESIDENT_ID'));
      }),
      { numRuns: 200 },
    );
  });

  it("reads a mistyped resident ID that validates as nothing as a person's, flagged when the record says otherwise", () => {
    fc.assert(
      fc.property(fc.integer(), division, claims, fc.boolean(), (seed, code, claim, old) => {
        const rng = mulberry32(seed);
        const id = generateResidentId(rng, { division: code, birthYearRange: [1930, 1999] });
        const at = 6 + Math.floor(rng() * 11);
        const typo = id.slice(0, at) + String((Number(id[at]) + 1 + Math.floor(rng() * 9)) % 10) + id.slice(at + 1);
        const value = old ? typo.slice(0, 6) + typo.slice(8, 17) : typo;
        // A 15-digit number has no check character: only a broken date leaves it invalid.
        fc.pre(parseIdentifier(value).length === 0);
        const claimsPerson = claim.kind === 'PERSON' || claim.claimedType === 'RESIDENT_ID';
        expect(classifyIdentifier(value, claim)).toEqual({ identifier: null, personal: true, ambiguous: !claimsPerson });
      }),
      { numRuns: 300 },
    );
    expect(classifyIdentifier('91350200776049654A')).toEqual({ identifier: null, personal: false, ambiguous: false });
  });

  it("keeps genuine USCCs, all-digit ones included, as USCCs whatever the record claims, unless they read as a person's number", () => {
    const prefixes = Object.entries(USCC_CATEGORIES).flatMap(([authority, categories]) => [...categories].map((c) => authority + c));
    fc.assert(
      fc.property(
        fc.integer(),
        fc.constantFrom(...prefixes),
        fc.constantFrom('440105', '440106', '310120', '100000', '131102'),
        claims,
        (seed, prefix, code, claim) => {
          const uscc = generateUscc(mulberry32(seed), { prefix, division: code });
          const { identifier, ambiguous } = classifyIdentifier(uscc.toLowerCase(), claim);
          const claimsPerson = claim.kind === 'PERSON' || claim.claimedType === 'RESIDENT_ID';
          if (isValidResidentId(uscc) && isProvinceCode(prefix)) {
            // Also a plausible person's number: read as one (the safe side).
            expect(identifier?.type).toBe('RESIDENT_ID');
            expect(ambiguous).toBe(!claimsPerson);
          } else if (looksLikeResidentId(uscc)) {
            // Digits that start like a person's number with a date one slip from a real one: maybe a mistyped ID.
            expect(identifier).toBeNull();
            expect(classifyIdentifier(uscc).personal).toBe(true);
            expect(ambiguous).toBe(!claimsPerson);
          } else {
            expect(classifyIdentifier(uscc.toLowerCase(), claim)).toEqual({ identifier: { type: 'USCC', value: uscc }, personal: false, ambiguous: false });
          }
        },
      ),
      { numRuns: 500 },
    );
    // The usual all-digit USCC: a division like 440105 puts 05 where a birth year's century would be.
    for (const prefix of ['11', '12', '51', '52', '91']) {
      const allDigits = search(
        mulberry32(5),
        (r) => generateUscc(r, { prefix, division: '440105' }),
        (s) => /^\d{17}[\dX]$/.test(s),
      );
      expect(classifyIdentifier(allDigits, { kind: 'PERSON' })).toEqual({ identifier: { type: 'USCC', value: allDigits }, personal: false, ambiguous: false });
    }
    // An all-digit enterprise USCC that also passes the resident-ID check: 91 is no province, so it is a USCC.
    const both = search(
      mulberry32(3),
      (r) => generateUscc(r, { prefix: '91', division: '310120' }),
      (s) => /^\d{18}$/.test(s) && isValidResidentId(s),
    );
    expect(classifyIdentifier(both, { kind: 'PERSON' })).toEqual({ identifier: { type: 'USCC', value: both }, personal: false, ambiguous: false });
  });
});

describe('GB 32100 structure and GB/T 2260 divisions', () => {
  it.each([
    ['91350200776049653A', true],
    ['12100000400000624D', true],
    ['44010519491231002X', false],
    ['9A350200776049653A', false],
    ['94350200776049653A', false],
    ['91010200776049653A', false],
    ['91350200776049654A', false],
  ])('hasUsccStructure(%s) = %s', (value, expected) => expect(hasUsccStructure(value)).toBe(expected));

  it.each([
    ['440105', true],
    ['100000', true],
    ['830000', true],
    ['010519', false],
    ['990000', false],
    ['44010', false],
  ])('isPlausibleDivision(%s) = %s', (value, expected) => expect(isPlausibleDivision(value)).toBe(expected));
});
