import { describe, expect, it } from 'vitest';
import { compareCodePoints, comparePermitOrder } from './permit-order.js';

describe('compareCodePoints', () => {
  it('orders by code point, not UTF-16 unit', () => {
    expect(compareCodePoints('a', 'b')).toBeLessThan(0);
    expect(compareCodePoints('ab', 'a')).toBeGreaterThan(0);
    expect(compareCodePoints('x', 'x')).toBe(0);
    // U+20000 (a surrogate pair) is after U+FF21 by code point, before it by UTF-16 unit.
    expect('\u{20000}' < '\uFF21').toBe(true);
    expect(compareCodePoints('\u{20000}', '\uFF21')).toBeGreaterThan(0);
    expect(compareCodePoints('\u{20000}', '\u{20001}')).toBeLessThan(0);
    const sorted = ['\uFF21', '\u{20000}', 'Z', '\uD7FF'].sort(compareCodePoints);
    expect(sorted).toEqual(['Z', '\uD7FF', '\uFF21', '\u{20000}']);
  });
});

describe('comparePermitOrder', () => {
  it('puts later dates first, missing dates last, then ids ascending', () => {
    const rows: Array<[string | null, string]> = [
      ['20240101', 'B'],
      [null, 'A'],
      ['20240102', 'Z'],
      ['20240101', 'A'],
      [null, '0'],
    ];
    rows.sort((a, b) => comparePermitOrder(a[0], a[1], b[0], b[1]));
    expect(rows).toEqual([
      ['20240102', 'Z'],
      ['20240101', 'A'],
      ['20240101', 'B'],
      [null, '0'],
      [null, 'A'],
    ]);
  });
});
