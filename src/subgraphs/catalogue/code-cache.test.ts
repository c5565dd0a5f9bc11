import { describe, expect, it } from 'vitest';
import { CodeCache } from './code-cache.js';

const row = (code: string) => ({ code, name: `item ${code}` });

describe("the catalogue's code cache", () => {
  it('reads each code once while fresh, unknown codes included, and again once stale', async () => {
    const reads: string[][] = [];
    let now = 1_000;
    const realNow = Date.now;
    Date.now = () => now;
    try {
      const cache = new CodeCache(async (codes) => (reads.push([...codes]), codes.filter((c) => c !== 'nope').map(row)), 10_000);
      expect(await cache.byCodes(['a', 'b', 'a', 'nope'])).toEqual([row('a'), row('b'), row('a'), null]);
      expect(await cache.byCodes(['b', 'nope'])).toEqual([row('b'), null]);
      expect(reads).toEqual([['a', 'b', 'nope']]);
      now += 10_001;
      await cache.byCodes(['a']);
      expect(reads).toEqual([['a', 'b', 'nope'], ['a']]);
    } finally {
      Date.now = realNow;
    }
  });

  it('stays bounded whatever codes callers invent', async () => {
    let reads = 0;
    const cache = new CodeCache(async () => (reads++, []), 60_000, 100);
    for (let i = 0; i < 1_000; i++) await cache.byCodes([`x${i}`]);
    expect(reads).toBe(1_000);
    expect(await cache.byCodes(['x999'])).toEqual([null]);
    expect(reads).toBe(1_000);
  });
});
