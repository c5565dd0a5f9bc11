import { describe, expect, it } from 'vitest';
import { mulberry32 } from './rng.js';

describe('mulberry32', () => {
  it('matches the reference sequence and is deterministic', () => {
    expect(mulberry32(42)()).toBe(0.6011037519201636);
    const a = mulberry32(7);
    const b = mulberry32(7);
    for (let i = 0; i < 100; i++) expect(a()).toBe(b());
  });

  it('returns floats in [0, 1)', () => {
    const rng = mulberry32(123);
    for (let i = 0; i < 10_000; i++) {
      const x = rng();
      expect(x >= 0 && x < 1).toBe(true);
    }
  });
});
