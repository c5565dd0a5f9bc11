import { describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc } from './generate.js';
import { isValidResidentId } from './resident-id.js';
import { mulberry32 } from './rng.js';
import { parseIdentifier } from './parse.js';
import type { CanonicalIdentifier, IdentifierType } from './types.js';
import { isValidUscc } from './uscc.js';

const USCC = '91350200776049653A';
const ORG = '776049653';
const RID = '11010519491231002X';

const uscc = (value: string): CanonicalIdentifier => ({ type: 'USCC', value });
const org = (value: string): CanonicalIdentifier => ({ type: 'ORG_CODE', value });
const rid = (value: string): CanonicalIdentifier => ({ type: 'RESIDENT_ID', value });

/** Searches generated values for the first one matching `pred` (deterministic: fixed seed). */
function findGenerated(gen: (rng: () => number) => string, pred: (s: string) => boolean, seed = 2024): string {
  const rng = mulberry32(seed);
  for (let i = 0; i < 100_000; i++) {
    const s = gen(rng);
    if (pred(s)) return s;
  }
  throw new Error('no match found');
}

describe('parseIdentifier', () => {
  it.each<[string, string, CanonicalIdentifier[]]>([
    ['published USCC', USCC, [uscc(USCC)]],
    ['USCC lower-case', USCC.toLowerCase(), [uscc(USCC)]],
    ['USCC with spaces', '9135 0200 7760 4965 3A', [uscc(USCC)]],
    ['USCC full-width', '９１３５０２００７７６０４９６５３Ａ', [uscc(USCC)]],
    ['org code', ORG, [org(ORG)]],
    ['org code legacy dash', '77604965-3', [org(ORG)]],
    ['org code full-width dash', '77604965－3', [org(ORG)]],
    ['org code em dash and spaces', ' 77604965 — 3 ', [org(ORG)]],
    ['resident ID', RID, [rid(RID)]],
    ['resident ID lower-case x', '11010519491231002x', [rid(RID)]],
    ['resident ID full-width digits', '１１０１０５１９４９１２３１００２Ｘ', [rid(RID)]],
    ['resident ID full-width lower-case x', '１１０１０５１９４９１２３１００２ｘ', [rid(RID)]],
    ['resident ID with dashes', '110105-19491231-002X', [rid(RID)]],
    ['resident ID with ideographic spaces', '110105\u300019491231\u3000002x', [rid(RID)]],
    ['15-digit resident ID is upgraded', '110105491231002', [rid(RID)]],
    ['15-digit with spaces', '110105 491231 002', [rid(RID)]],
  ])('%s', (_label, raw, expected) => {
    expect(parseIdentifier(raw)).toEqual(expected);
  });

  it.each([
    ['USCC typo', '91350200776049653B'],
    ['USCC one character changed', '91350200776049654A'],
    ['org code typo', '77604965-4'],
    ['resident ID typo', '11010519491231003X'],
    ['resident ID wrong check', '110105194912310021'],
    ['resident ID Feb 30 (check char correct)', '110105194902300020'],
    ['15-digit Feb 30', '110105490230002'],
    ['empty', ''],
    ['no identifier', '无'],
    ['free text', '广州市海珠区某某有限公司'],
    ['text around a valid code', '证件号11010519491231002X'],
    ['wrong length', '1101051949123100'],
    ['long digits', '1101051949123100211010519491231002X'],
    ['letter O for zero is not corrected', '11O10519491231002X'],
  ])('rejects %s', (_label, raw) => {
    expect(parseIdentifier(raw)).toEqual([]);
  });

  it('treats a non-string from untyped legacy rows as no identifier', () => {
    expect(parseIdentifier(null as unknown as string)).toEqual([]);
    expect(parseIdentifier(undefined as unknown as string)).toEqual([]);
  });

  it.each<[string, IdentifierType, CanonicalIdentifier[]]>([
    [USCC, 'USCC', [uscc(USCC)]],
    [USCC, 'RESIDENT_ID', []],
    [USCC, 'ORG_CODE', []],
    ['77604965-3', 'ORG_CODE', [org(ORG)]],
    ['77604965-3', 'USCC', []],
    ['110105491231002', 'RESIDENT_ID', [rid(RID)]],
    ['110105491231002', 'USCC', []],
    [RID, 'ORG_CODE', []],
  ])('hint: parseIdentifier(%j, %s)', (raw, hint, expected) => {
    expect(parseIdentifier(raw, hint)).toEqual(expected);
  });

  it('finds an all-digit USCC (classified by check character, not by shape)', () => {
    const allDigits = findGenerated(
      (r) => generateUscc(r),
      (s) => /^\d{18}$/.test(s),
    );
    expect(isValidUscc(allDigits)).toBe(true);
    // Division 440105 puts "05" at the start of the would-be birth year, so it is no resident ID.
    expect(parseIdentifier(allDigits)).toEqual([uscc(allDigits)]);
    expect(parseIdentifier(allDigits, 'USCC')).toEqual([uscc(allDigits)]);
    expect(parseIdentifier(allDigits, 'RESIDENT_ID')).toEqual([]);
  });

  it('returns both readings for a string valid as USCC and as resident ID, resident first for a province prefix', () => {
    const both = findGenerated((r) => generateResidentId(r), isValidUscc);
    expect(isValidResidentId(both)).toBe(true);
    expect(parseIdentifier(both)).toEqual([rid(both), uscc(both)]);
    expect(parseIdentifier(both, 'USCC')).toEqual([uscc(both)]);
    expect(parseIdentifier(both, 'RESIDENT_ID')).toEqual([rid(both)]);
    expect(parseIdentifier(both, 'ORG_CODE')).toEqual([]);
    // The same ambiguity survives lower-case x and separators.
    const messy = `${both.slice(0, 6)} ${both.slice(6, 14)}-${both.slice(14).toLowerCase()}`;
    expect(parseIdentifier(messy)).toEqual([rid(both), uscc(both)]);
  });

  it('puts USCC first when the string starts with 9 (no province code does)', () => {
    const both = findGenerated((r) => generateResidentId(r, { division: '914401' }), isValidUscc);
    expect(parseIdentifier(both)).toEqual([uscc(both), rid(both)]);
  });

  it('a 15-digit ID whose upgrade is also a valid USCC is still only a resident ID', () => {
    // 15 characters cannot be a USCC; only the 18-character spelling is ambiguous.
    const both = findGenerated((r) => generateResidentId(r, { birthYearRange: [1900, 1999] }), isValidUscc);
    const legacy15 = both.slice(0, 6) + both.slice(8, 17);
    expect(parseIdentifier(legacy15)).toEqual([rid(both)]);
  });
});
