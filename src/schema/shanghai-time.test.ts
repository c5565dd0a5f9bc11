import { describe, expect, it } from 'vitest';
import { shanghaiIsoOfEpochMs, toShanghaiIso } from './shanghai-time.js';

// What the formatter replaced: the Date's own ISO text, moved eight hours.
const viaDate = (ms: number) => `${new Date(ms + 8 * 3_600_000).toISOString().slice(0, -5)}+08:00`;

describe('shanghaiIsoOfEpochMs', () => {
  it('writes every instant of years 1–9999 as the Date would', () => {
    const first = Date.parse('0001-01-01T00:00:00+08:00');
    const last = Date.parse('9999-12-31T23:59:59.999+08:00');
    // A fixed-seed walk (no flaky failures) over the whole range, landing on every part of a day.
    let seed = 20_261_204;
    const next = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    for (let i = 0; i < 200_000; i++) {
      const ms = first + Math.floor(next() * (last - first));
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
