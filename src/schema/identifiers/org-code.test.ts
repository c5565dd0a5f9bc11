import { describe, expect, it } from 'vitest';
import { formatOrgCodeLegacy, isValidOrgCode, orgCodeCheckChar } from './org-code.js';

describe('organisation code (GB 11714)', () => {
  it('computes the check character of the published example', () => {
    expect(orgCodeCheckChar('77604965')).toBe('3');
  });

  it.each([
    ['00000006', 'X'], // Σ = 6·2 = 12 ≡ 1 → c = 10 → X
    ['00000000', '0'], // Σ = 0 → c = 11 → 0
    ['00000001', '9'], // Σ = 2 → c = 9
  ])('orgCodeCheckChar(%j) = %j (10 → X, 11 → 0)', (body, check) => {
    expect(orgCodeCheckChar(body)).toBe(check);
  });

  it.each([
    ['776049653', true],
    ['776049654', false],
    ['77604965-3', false], // canonical input only; parseIdentifier handles the dash
    ['77604965', false],
    ['7760496533', false],
    ['', false],
  ])('isValidOrgCode(%j) = %s', (value, expected) => {
    expect(isValidOrgCode(value)).toBe(expected);
  });

  it('rejects every one-digit substitution of the example', () => {
    const code = '776049653';
    for (let i = 0; i < 9; i++) {
      for (const c of i < 8 ? '0123456789' : '0123456789X') {
        if (c === code[i]) continue;
        const typo = code.slice(0, i) + c + code.slice(i + 1);
        expect(isValidOrgCode(typo), typo).toBe(false);
      }
    }
  });

  // GB 11714's MOD 11 cannot see letter↔digit swaps whose values differ by a multiple of 11
  // (X = 33 vs 0): documented here so nobody "fixes" the validator to reject them.
  it('cannot detect a letter swapped for a digit 11·k apart (limitation of the standard)', () => {
    expect(isValidOrgCode('776X49653')).toBe(true);
  });

  it('accepts letters in the body', () => {
    const body = 'MA5D0K1X';
    expect(isValidOrgCode(body + orgCodeCheckChar(body))).toBe(true);
  });

  it('orgCodeCheckChar rejects malformed input', () => {
    expect(() => orgCodeCheckChar('7760496')).toThrow(RangeError);
    expect(() => orgCodeCheckChar('7760496-')).toThrow(RangeError);
  });

  it('formats the legacy dashed form', () => {
    expect(formatOrgCodeLegacy('776049653')).toBe('77604965-3');
    expect(() => formatOrgCodeLegacy('77604965')).toThrow(RangeError);
  });
});
