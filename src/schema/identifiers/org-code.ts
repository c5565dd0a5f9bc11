// Organisation code (组织机构代码, GB 11714): 8 body characters + 1 check character. Systems built
// before 2015 store it instead of the USCC, often written "77604965-3".

const WEIGHTS: readonly number[] = [3, 7, 9, 10, 5, 8, 4, 2];

/** Body character value: digits 0–9, A–Z 10–35; -1 otherwise. */
function bodyValue(code: number): number {
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41 + 10;
  return -1;
}

/** Check character code over the first 8 characters of `s`, or -1 if one is not 0–9/A–Z. */
function checkCode(s: string): number {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const v = bodyValue(s.charCodeAt(i));
    if (v < 0) return -1;
    sum += v * WEIGHTS[i]!;
  }
  const c = 11 - (sum % 11);
  return c === 10 ? 0x58 /* X */ : c === 11 ? 0x30 /* 0 */ : 0x30 + c;
}

/**
 * Check character for the first 8 characters of an organisation code (c = 11 − Σ mod 11;
 * 10 → X, 11 → 0). Throws RangeError when the input is not 8 characters of 0–9/A–Z.
 *
 * @example
 * orgCodeCheckChar('77604965'); // '3'
 */
export function orgCodeCheckChar(first8: string): string {
  const c = first8.length === 8 ? checkCode(first8) : -1;
  if (c < 0) throw new RangeError(`orgCodeCheckChar: expected 8 characters of 0-9/A-Z, got "${first8}"`);
  return String.fromCharCode(c);
}

/**
 * True when `value` is a canonical organisation code: 9 characters, body 0–9/A–Z, valid check
 * character. Does not normalize: '77604965-3' is false here (parseIdentifier accepts it).
 *
 * @example
 * isValidOrgCode('776049653'); // true
 */
export function isValidOrgCode(value: string): boolean {
  if (value.length !== 9) return false;
  const c = checkCode(value);
  return c >= 0 && c === value.charCodeAt(8);
}

/**
 * The legacy written form with a dash before the check character. Throws RangeError unless the
 * input is 9 characters long.
 *
 * @example
 * formatOrgCodeLegacy('776049653'); // '77604965-3'
 */
export function formatOrgCodeLegacy(orgCode: string): string {
  if (orgCode.length !== 9) throw new RangeError(`formatOrgCodeLegacy: expected 9 characters, got "${orgCode}"`);
  return `${orgCode.slice(0, 8)}-${orgCode.charAt(8)}`;
}
