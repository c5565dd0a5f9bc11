import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileDateLayout, isRealClock, readCommonLayouts } from './local-date-format.js';

const clock = (year: number, month: number, day: number, hour = 0, minute = 0, second = 0) => ({ year, month, day, hour, minute, second });

describe('isRealClock', () => {
  it('agrees with the calendar on every day of four hundred years (leap years and century years)', () => {
    for (let year = 1900; year < 2300; year++)
      for (let month = 1; month <= 12; month++)
        for (let day = 28; day <= 32; day++) {
          const date = new Date(Date.UTC(year, month - 1, day));
          const real = date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
          expect(isRealClock(clock(year, month, day)), `${year}-${month}-${day}`).toBe(real);
        }
  });

  it('refuses hour 24, minute 60, month 13 and day 0', () => {
    for (const bad of [
      clock(2023, 4, 12, 24),
      clock(2023, 4, 12, 0, 60),
      clock(2023, 4, 12, 0, 0, 60),
      clock(2023, 13, 1),
      clock(2023, 0, 1),
      clock(2023, 4, 0),
    ])
      expect(isRealClock(bad), JSON.stringify(bad)).toBe(false);
  });

  it('is what the readers go by', () => {
    expect(readCommonLayouts('2024/2/29')).toEqual(clock(2024, 2, 29));
    expect(readCommonLayouts('2023-02-29')).toBeNull();
    expect(compileDateLayout('YYYYMMDD').read('21000229')).toBeNull();
    expect(compileDateLayout('YYYYMMDD').read('20000229')).toEqual(clock(2000, 2, 29));
  });
});

describe('readCommonLayouts', () => {
  it('reads each common layout, with or without a time', () => {
    expect(readCommonLayouts('2023-04-12')).toEqual(clock(2023, 4, 12));
    expect(readCommonLayouts(' 2023/4/2 ')).toEqual(clock(2023, 4, 2));
    expect(readCommonLayouts('2023.04.02')).toEqual(clock(2023, 4, 2));
    expect(readCommonLayouts('20230412')).toEqual(clock(2023, 4, 12));
    expect(readCommonLayouts('2023-04-12 9:05')).toEqual(clock(2023, 4, 12, 9, 5));
    expect(readCommonLayouts('2023-04-12T09:05:07.250')).toEqual(clock(2023, 4, 12, 9, 5, 7));
    expect(readCommonLayouts('20230412 23:59:59')).toEqual(clock(2023, 4, 12, 23, 59, 59));
    for (const bad of [
      '',
      '2023',
      '2023-04',
      '2023-04/12',
      '2023041',
      '202304121',
      '2023-004-12',
      '2023-04-12 9',
      '2023-04-12 9:5',
      '2023-04-12 09:05:',
      '2023-04-12 09:05.5',
      '2023-04-12 09:05:07.',
      '2023-04-12Z',
      '２０２３-04-12',
    ])
      expect(readCommonLayouts(bad), bad).toBeNull();
  });

  // The regular expression it replaced, as the oracle: the scanner must read exactly what it read.
  const byRegex = (text: string) => {
    const m = /^(\d{4})([-/.]?)(\d{1,2})\2(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(text.trim());
    if (!m || (m[2] === '' && (m[3]!.length !== 2 || m[4]!.length !== 2))) return null;
    const c = clock(+m[1]!, +m[3]!, +m[4]!, +(m[5] ?? 0), +(m[6] ?? 0), +(m[7] ?? 0));
    return isRealClock(c) ? c : null;
  };

  it('reads what the regular expression it replaced read, and refuses what it refused', () => {
    // Near-dates (every part right or slightly off) and arbitrary runs of date-like pieces.
    const number = (max: number) =>
      fc.oneof(
        fc.integer({ min: 0, max }).map(String),
        fc.integer({ min: 0, max }).map((n) => String(n).padStart(2, '0')),
      );
    const sep = fc.constantFrom('-', '/', '.', '', ':');
    const time = fc.option(
      fc
        .tuple(fc.constantFrom(' ', 'T', '_'), number(25), fc.constantFrom(':', ''), number(61), fc.constantFrom('', ':00', ':59', ':7', ':30.125', '.5', ':'))
        .map((p) => p.join('')),
      { nil: '' },
    );
    const nearDate = fc
      .tuple(fc.constantFrom('2023', '2024', '202', '20235'), sep, number(13), fc.boolean(), sep, number(32), time, fc.constantFrom('', '', ' ', 'x'))
      .map(([year, sep1, month, same, sep2, day, clock, tail]) => year + sep1 + month + (same ? sep1 : sep2) + day + clock + tail);
    const piece = fc.constantFrom('2023', '0', '04', '4', '12', '29', '31', '123', '-', '/', '.', ' ', 'T', ':', '00', '59', '9', '.5', 'x');
    fc.assert(
      fc.property(
        fc.oneof(
          nearDate,
          fc.array(piece, { maxLength: 12 }).map((p) => p.join('')),
        ),
        (text) => {
          expect(readCommonLayouts(text)).toEqual(byRegex(text));
        },
      ),
      { numRuns: 20_000 },
    );
  });
});
