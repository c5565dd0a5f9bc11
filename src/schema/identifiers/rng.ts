import type { Rng } from './types.js';

/**
 * Mulberry32: a tiny seeded PRNG (32-bit state). Good enough for demo data and tests, not for
 * anything secret. The same seed always yields the same sequence.
 *
 * @example
 * const rng = mulberry32(42);
 * rng(); // 0.6011037519201636 — and again on every run
 */
export function mulberry32(seed: number): Rng {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
