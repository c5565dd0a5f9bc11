import { describe, expect, it } from 'vitest';
import { isCanonicalDate, isCanonicalShanghaiIso, shanghaiIsoOfEpochMs, toShanghaiIso } from './shanghai-time.js';

// What the formatter replaced: the Date's own ISO text, moved eight hours.
const viaDate = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, -5)}+08:00`;

/** Instants from `from` to `to` (ISO texts) by a fixed-seed walk: no flaky failures, every part of a day reached. */
function walk(from: string, to: string, seed: number): () => number {
  const first = Date.parse(from);
  const span = Date.parse(to) - first;
  return () => first + Math.floor(((seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31) * span);
}

describe('shanghaiIsoOfEpochMs', () => {
  it('writes every instant of years 1–9999 as the Date would', () => {
    const next = walk('0001-01-01T00:00:00+08:00', '9999-12-31T23:59:59.999+08:00', 20_261_204);
    for (let i = 0; i < 200_000; i++) {
      const ms = next();
      expect(shanghaiIsoOfEpochMs(ms), String(ms)).toBe(viaDate(ms));
    }
  });

  it('gets the edges right: leap days, century years, the ends of the range, midnight and the epoch', () => {
    for (const text of [
      '2000-02-29T23:59:59+08:00',
      '1900-03-01T00:00:00+08:00',
      '2100-02-28T12:00:00+08:00',
      '2024-12-31T23:59:59+08:00',
      '2025-01-01T00:00:00+08:00',
      '0001-01-01T00:00:00+08:00',
      '9999-12-31T23:59:59+08:00',
      '1970-01-01T08:00:00+08:00',
      '1969-12-31T23:59:59+08:00',
    ])
      expect(shanghaiIsoOfEpochMs(Date.parse(text))).toBe(text);
    expect(shanghaiIsoOfEpochMs(Date.parse('2023-04-12T02:30:00.999Z'))).toBe('2023-04-12T10:30:00+08:00');
    expect(toShanghaiIso(new Date('2023-04-12T02:30:00Z'))).toBe('2023-04-12T10:30:00+08:00');
  });

  it('answers as the Date does outside four-digit years, and refuses what is no instant', () => {
    const beyond = Date.parse('9999-12-31T23:59:59.999+08:00') + 1;
    expect(shanghaiIsoOfEpochMs(beyond)).toBe('+010000-01-01T00:00:00+08:00');
    expect(shanghaiIsoOfEpochMs(Date.parse('0001-01-01T00:00:00+08:00') - 1000)).toBe('0000-12-31T23:59:59+08:00');
    expect(() => shanghaiIsoOfEpochMs(Number.NaN)).toThrow(RangeError);
  });
});

describe('isCanonicalShanghaiIso and isCanonicalDate', () => {
  it('accept exactly what the formatter writes for years 1000–9999, and the scalars then give it back unchanged', () => {
    const next = walk('1000-01-01T00:00:00+08:00', '9999-12-31T23:59:59.999+08:00', 20_261_205);
    for (let i = 0; i < 50_000; i++) {
      const text = shanghaiIsoOfEpochMs(next());
      expect(isCanonicalShanghaiIso(text), text).toBe(true);
      expect(isCanonicalDate(text.slice(0, 10)), text).toBe(true);
      // What the scalars did before the check: parsed and written again, the same text.
      expect(toShanghaiIso(new Date(text)), text).toBe(text);
    }
  });

  it('refuse what is not a real day and time written the hub’s way, leaving it to the full parse', () => {
    for (const text of [
      '2023-02-29T10:00:00+08:00', // no leap day in 2023
      '1900-02-29T10:00:00+08:00', // nor in a century year
      '2023-04-31T10:00:00+08:00',
      '2023-13-01T10:00:00+08:00',
      '2023-00-10T10:00:00+08:00',
      '2023-04-00T10:00:00+08:00',
      '2023-04-12T24:00:00+08:00',
      '2023-04-12T10:60:00+08:00',
      '2023-04-12T10:30:60+08:00',
      '2023-04-12T10:30:00+09:00',
      '2023-04-12T02:30:00Z',
      '2023-04-12T10:30:00.000+08:00',
      '2023-04-12 10:30:00+08:00',
      '0999-04-12T10:30:00+08:00',
      '２023-04-12T10:30:00+08:00',
      '2023-4-12T10:30:00+08:00 ',
    ])
      expect(isCanonicalShanghaiIso(text), text).toBe(false);
    expect(isCanonicalShanghaiIso('2024-02-29T23:59:59+08:00')).toBe(true);
    expect(isCanonicalShanghaiIso('2000-02-29T00:00:00+08:00')).toBe(true);
    for (const text of ['2023-02-29', '2023-4-12', '2023-04-12T', '0999-01-01', '2023/04/12', '2023-04-1x']) expect(isCanonicalDate(text), text).toBe(false);
    expect(isCanonicalDate('2024-02-29')).toBe(true);
  });
});
