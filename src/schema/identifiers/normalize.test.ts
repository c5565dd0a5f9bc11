import { describe, expect, it } from 'vitest';
import { normalizeBounded, normalizeIdentifierText } from './normalize.js';

describe('normalizeIdentifierText', () => {
  it.each([
    ['already canonical', '91350200776049653A', '91350200776049653A'],
    ['lower-case x', '11010519491231002x', '11010519491231002X'],
    ['lower-case letters', '91350200776049653a', '91350200776049653A'],
    ['full-width digits', '１２３', '123'],
    ['full-width letters, both cases', 'ＡｂＣ', 'ABC'],
    ['ideographic space and trim', '\u3000 776049653 \u3000', '776049653'],
    ['inner spaces', '110105 19491231 002X', '11010519491231002X'],
    ['tab and no-break space', '776\t049\u00a0653', '776049653'],
    ['ASCII dash', '77604965-3', '776049653'],
    ['en dash', '77604965\u20133', '776049653'],
    ['em dash', '77604965\u20143', '776049653'],
    ['horizontal bar', '77604965\u20153', '776049653'],
    ['full-width hyphen-minus', '77604965\uff0d3', '776049653'],
    ['dots and underscores', '776.049_653', '776049653'],
    ['full-width dot and underscore', '776．049＿653', '776049653'],
    ['ideographic full stop', '776。049653', '776049653'],
    ['zero-width space from copy-paste', '\u200b776049653\ufeff', '776049653'],
    ['everything at once', ' ９１３５０２００－７７６０４９６５３ａ ', '91350200776049653A'],
    ['other characters are kept', '证件776049653', '证件776049653'],
    ['empty', '', ''],
    ['only separators', ' - . _ ', ''],
  ])('%s', (_label, raw, expected) => {
    expect(normalizeIdentifierText(raw)).toBe(expected);
  });

  it('returns the same string object when already canonical (no allocation)', () => {
    const s = '776049653';
    expect(normalizeIdentifierText(s)).toBe(s);
  });
});

describe('normalizeBounded', () => {
  it('gives up once the result would exceed the bound', () => {
    expect(normalizeBounded('1234567890123456789', 18)).toBeNull();
    expect(normalizeBounded('12345 67890 12345 6789', 18)).toBeNull();
    expect(normalizeBounded('12345 67890 12345 678', 18)).toBe('123456789012345678');
    expect(normalizeBounded('  12345678901234567890  '.replace(/ /g, '-'), 18)).toBeNull();
  });
});
