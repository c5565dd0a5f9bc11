import { afterEach, describe, expect, it, vi } from 'vitest';
import { birthDateOfResidentId, isValidResidentId, residentIdCheckChar, sexOfResidentId, toResidentId15, upgradeResidentId15 } from './resident-id.js';

const EXAMPLE = '11010519491231002X'; // the standard's own example (GB 11643-1999)
const EXAMPLE_15 = '110105491231002';

/** A well-formed ID for a given birth date; address and sequence are arbitrary (never a real person). */
function idBornOn(yyyymmdd: string, seq = '002'): string {
  const first17 = `440105${yyyymmdd}${seq}`;
  return first17 + residentIdCheckChar(first17);
}

describe('resident ID (GB 11643-1999)', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('computes the check character of the standard example', () => {
    expect(residentIdCheckChar(EXAMPLE.slice(0, 17))).toBe('X');
  });

  it.each([
    [EXAMPLE, true],
    ['11010519491231002x', false], // canonical input is upper-case
    ['110105194912310021', false], // wrong check
    ['11010519491231002', false],
    [EXAMPLE_15, false], // 15 digits must be upgraded first
    ['', false],
  ])('isValidResidentId(%j) = %s', (value, expected) => {
    expect(isValidResidentId(value)).toBe(expected);
  });

  it('rejects every one-character substitution of the example', () => {
    for (let i = 0; i < 18; i++) {
      for (const c of '0123456789X') {
        if (c === EXAMPLE[i]) continue;
        const typo = EXAMPLE.slice(0, i) + c + EXAMPLE.slice(i + 1);
        expect(isValidResidentId(typo), typo).toBe(false);
      }
    }
  });

  it.each([
    ['19490230', false, 'Feb 30'],
    ['19490229', false, 'Feb 29 in a common year'],
    ['19000229', false, 'Feb 29 in 1900 (century, not leap)'],
    ['20000229', true, 'Feb 29 in 2000 (leap)'],
    ['19880229', true, 'Feb 29 in a leap year'],
    ['19490431', false, 'Apr 31'],
    ['19491301', false, 'month 13'],
    ['19490001', false, 'month 0'],
    ['19490100', false, 'day 0'],
    ['17991231', false, 'before 1800'],
    ['18000101', true, '1800-01-01'],
  ])('birth date %s valid = %s (%s)', (date, expected) => {
    expect(isValidResidentId(idBornOn(date))).toBe(expected);
  });

  it('rejects birth dates after today in China Standard Time', () => {
    vi.useFakeTimers();
    // 2024-02-29 23:59:59 in UTC+8.
    vi.setSystemTime(new Date('2024-02-29T15:59:59Z'));
    expect(isValidResidentId(idBornOn('20240229'))).toBe(true);
    expect(isValidResidentId(idBornOn('20240301'))).toBe(false);
    // One second later it is 1 March in China, though still 29 February in UTC.
    vi.setSystemTime(new Date('2024-02-29T16:00:00Z'));
    expect(isValidResidentId(idBornOn('20240301'))).toBe(true);
    expect(isValidResidentId(idBornOn('20240302'))).toBe(false);
    // Moving the clock back must not keep the cached "today".
    vi.setSystemTime(new Date('2020-01-01T00:00:00Z'));
    expect(isValidResidentId(idBornOn('20240301'))).toBe(false);
  });

  it('upgrades the standard 15-digit example', () => {
    expect(upgradeResidentId15(EXAMPLE_15)).toBe(EXAMPLE);
  });

  it.each([
    ['110105490230002', 'invalid date'],
    ['11010549123100', 'too short'],
    ['1101054912310021', 'too long'],
    ['11010549123100X', 'non-digit'],
  ])('upgradeResidentId15(%j) = null (%s)', (value) => {
    expect(upgradeResidentId15(value)).toBeNull();
  });

  it('converts back to the 15-digit form only for 19xx births', () => {
    expect(toResidentId15(EXAMPLE)).toBe(EXAMPLE_15);
    expect(toResidentId15(idBornOn('20000229'))).toBeNull();
    expect(toResidentId15(idBornOn('18991231'))).toBeNull();
    expect(toResidentId15('110105194912310021')).toBeNull(); // invalid check
  });

  it('reads the birth date and sex', () => {
    expect(birthDateOfResidentId(EXAMPLE)).toBe('1949-12-31');
    expect(sexOfResidentId(EXAMPLE)).toBe('F'); // sequence 002: even
    expect(sexOfResidentId(idBornOn('19800101', '013'))).toBe('M');
    expect(() => birthDateOfResidentId(EXAMPLE_15)).toThrow(RangeError);
    expect(() => sexOfResidentId('1101051949123100XX')).toThrow(RangeError);
  });

  it('residentIdCheckChar rejects malformed input', () => {
    expect(() => residentIdCheckChar('1101051949123100')).toThrow(RangeError);
    expect(() => residentIdCheckChar('1101051949123100X')).toThrow(RangeError);
  });
});
