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
