import { describe, expect, it } from 'vitest';
import { USCC_ALPHABET, USCC_WEIGHTS, isValidUscc, orgCodeOfUscc, usccCheckChar } from './uscc.js';

const EXAMPLE = '91350200776049653A'; // published example (GB 32100-2015)

describe('USCC', () => {
  it('weights are 3^(i−1) mod 31', () => {
    expect(USCC_WEIGHTS).toEqual(Array.from({ length: 17 }, (_, i) => 3 ** i % 31));
  });

  it('alphabet has 31 characters without I, O, S, V, Z', () => {
    expect(USCC_ALPHABET).toHaveLength(31);
    expect(USCC_ALPHABET).not.toMatch(/[IOSVZ]/);
  });

  it('computes the check character of the published example', () => {
    expect(usccCheckChar(EXAMPLE.slice(0, 17))).toBe('A');
  });

  it.each([
    [EXAMPLE, true],
    ['91350200776049653B', false], // wrong check
    ['91350200776049653a', false], // canonical input only
    ['91350200776049653', false], // too short
    ['91350200776049653AA', false], // too long
    ['9135020077604965IA', false], // I is not in the alphabet
    ['', false],
  ])('isValidUscc(%j) = %s', (value, expected) => {
    expect(isValidUscc(value)).toBe(expected);
  });

  it('rejects every one-character substitution of the example', () => {
    for (let i = 0; i < 18; i++) {
      for (const c of USCC_ALPHABET) {
        if (c === EXAMPLE[i]) continue;
        const typo = EXAMPLE.slice(0, i) + c + EXAMPLE.slice(i + 1);
        expect(isValidUscc(typo), typo).toBe(false);
      }
    }
  });

  it('usccCheckChar rejects malformed input', () => {
    expect(() => usccCheckChar('9135020077604965')).toThrow(RangeError);
    expect(() => usccCheckChar('9135020077604965O')).toThrow(RangeError);
  });

  it('extracts the embedded organisation code', () => {
    expect(orgCodeOfUscc(EXAMPLE)).toBe('776049653');
    expect(() => orgCodeOfUscc('776049653')).toThrow(RangeError);
  });
});
