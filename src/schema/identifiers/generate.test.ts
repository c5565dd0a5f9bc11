import { describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc } from './generate.js';
import { isValidOrgCode } from './org-code.js';
import { parseIdentifier } from './parse.js';
import { birthDateOfResidentId, isValidResidentId, sexOfResidentId, toResidentId15, upgradeResidentId15 } from './resident-id.js';
import { mulberry32 } from './rng.js';
import { isValidUscc, orgCodeOfUscc } from './uscc.js';

const N = 1000;

describe('generateUscc', () => {
  it(`produces ${N} valid USCCs whose organisation codes are valid`, () => {
    const rng = mulberry32(1);
    let lettered = 0;
    for (let i = 0; i < N; i++) {
      const code = generateUscc(rng);
      expect(code, code).toMatch(/^91440105/);
      expect(isValidUscc(code), code).toBe(true);
      expect(isValidOrgCode(orgCodeOfUscc(code)), code).toBe(true);
      expect(parseIdentifier(code)[0], code).toEqual({ type: 'USCC', value: code });
      if (code.slice(8, 10) === 'MA') lettered++;
    }
    expect(lettered).toBeGreaterThan(0); // both body styles are exercised
  });

  it('honours division and prefix', () => {
    const code = generateUscc(mulberry32(3), { division: '440106', prefix: '92' });
    expect(code.slice(0, 8)).toBe('92440106');
    expect(isValidUscc(code)).toBe(true);
  });

  it('is deterministic given the rng', () => {
    const a = Array.from(
      { length: 5 },
      (
        (r) => () =>
          generateUscc(r)
      )(mulberry32(9)),
    );
    const b = Array.from(
      { length: 5 },
      (
        (r) => () =>
          generateUscc(r)
      )(mulberry32(9)),
    );
    expect(a).toEqual(b);
  });

  it('rejects bad options', () => {
    expect(() => generateUscc(mulberry32(1), { prefix: '9' })).toThrow(RangeError);
    expect(() => generateUscc(mulberry32(1), { prefix: '9O' })).toThrow(RangeError);
    expect(() => generateUscc(mulberry32(1), { division: '4401' })).toThrow(RangeError);
  });
});

describe('generateResidentId', () => {
  it(`produces ${N} valid IDs that round-trip through the 15-digit form`, () => {
    const rng = mulberry32(2);
    for (let i = 0; i < N; i++) {
      const id = generateResidentId(rng);
      expect(isValidResidentId(id), id).toBe(true);
      expect(id.startsWith('440105'), id).toBe(true);
      const year = Number(id.slice(6, 10));
      expect(year).toBeGreaterThanOrEqual(1950);
      expect(year).toBeLessThanOrEqual(2005);
      const legacy = toResidentId15(id);
      if (year < 2000) {
        expect(legacy, id).not.toBeNull();
        expect(upgradeResidentId15(legacy as string), id).toBe(id);
      } else {
        expect(legacy, id).toBeNull();
      }
    }
  });

  it('honours division, birth year range and sex', () => {
    const rng = mulberry32(5);
    for (let i = 0; i < 200; i++) {
      const sex = i % 2 === 0 ? 'M' : 'F';
      const id = generateResidentId(rng, { division: '110105', birthYearRange: [1984, 1984], sex });
      expect(id.slice(0, 6)).toBe('110105');
      expect(birthDateOfResidentId(id).slice(0, 4)).toBe('1984');
      expect(sexOfResidentId(id)).toBe(sex);
      expect(id.slice(14, 17)).not.toBe('000');
    }
  });

  it('never generates a birth date in the future', () => {
    const rng = mulberry32(6);
    const thisYear = new Date().getUTCFullYear();
    for (let i = 0; i < 200; i++) {
      expect(isValidResidentId(generateResidentId(rng, { birthYearRange: [thisYear, thisYear + 5] }))).toBe(true);
    }
  });

  it('rejects bad options', () => {
    expect(() => generateResidentId(mulberry32(1), { birthYearRange: [1700, 1750] })).toThrow(RangeError);
    expect(() => generateResidentId(mulberry32(1), { birthYearRange: [1990, 1980] })).toThrow(RangeError);
    expect(() => generateResidentId(mulberry32(1), { birthYearRange: [3000, 3001] })).toThrow(RangeError);
    expect(() => generateResidentId(mulberry32(1), { division: 'abcdef' })).toThrow(RangeError);
  });
});

describe('toResidentId15 ∘ upgradeResidentId15', () => {
  it('round-trips the standard example', () => {
    expect(toResidentId15(upgradeResidentId15('110105491231002') as string)).toBe('110105491231002');
  });
});
