// Folding what legacy systems store before anything is compared: full-width forms (NFKC), traditional
// characters (opencc-js, Taiwan/Hong Kong → mainland), whitespace and punctuation. Everything here runs
// once per field per record, so it avoids regexes and caches the character conversion.

import * as OpenCC from 'opencc-js/t2cn';

const t2cn = OpenCC.Converter({ from: 't', to: 'cn' });

// Conversion is done per character with a cache: records are short, characters repeat across millions
// of them, and calling the phrase converter per string costs ~2 µs. Per-character conversion loses
// opencc's phrase context (乾隆 vs 干), which is harmless for matching because both spellings of a
// name fold the same way.
const charCache = new Map<number, string>();

function simplifiedChar(cp: number): string {
  const cached = charCache.get(cp);
  if (cached !== undefined) return cached;
  const s = t2cn(String.fromCodePoint(cp));
  charCache.set(cp, s);
  return s;
}

/**
 * Traditional → simplified Chinese (opencc-js t → cn), character by character.
 *
 * @example
 * toSimplified('廣州市海珠區恆豐'); // '广州市海珠区恒丰'
 */
export function toSimplified(text: string): string {
  let out = '';
  let plainFrom = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x3400) continue; // Latin, digits, punctuation, kana: nothing to convert.
    const cp = text.codePointAt(i)!;
    const width = cp > 0xffff ? 2 : 1;
    const s = simplifiedChar(cp);
    if (s.length !== width || s.codePointAt(0) !== cp) {
      out += text.slice(plainFrom, i) + s;
      plainFrom = i + width;
    }
    i += width - 1;
  }
  return plainFrom === 0 ? text : out + text.slice(plainFrom);
}

/** 1 for characters dropped by `foldText`: whitespace, ASCII and CJK punctuation, brackets. */
const DROP_ASCII = new Uint8Array(128);
for (const ch of ' \t\r\n\v\f!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~') DROP_ASCII[ch.charCodeAt(0)] = 1;

function isDropped(c: number): boolean {
  if (c < 128) return DROP_ASCII[c] === 1;
  // Latin-1 punctuation and no-break space, general punctuation (dashes, quotes, ·, zero-width),
  // CJK symbols and punctuation (、。〈〉《》「」【】〔〕 and the ideographic space), katakana middle dot.
  return (
    c === 0x00a0 ||
    c === 0x00b7 ||
    (c >= 0x2000 && c <= 0x206f) ||
    (c >= 0x3000 && c <= 0x303f && c !== 0x3007) /* 〇 is a numeral */ ||
    c === 0x30fb ||
    c === 0xfeff ||
    c === 0xff65 ||
    c === 0xff0d
  );
}

/**
 * The comparison form of free text: NFKC (full-width → half-width), upper-case Latin, traditional →
 * simplified, and no whitespace or punctuation (brackets too — their content is kept).
 *
 * @example
 * foldText(' 廣州市（海珠）恆豐 有限公司 '); // '广州市海珠恒丰有限公司'
 * foldText('ＡＢＣ－１２３');                 // 'ABC123'
 */
export function foldText(raw: string): string {
  const nfkc = raw.normalize('NFKC');
  let out = '';
  let from = 0;
  for (let i = 0; i < nfkc.length; i++) {
    const c = nfkc.charCodeAt(i);
    if (isDropped(c)) {
      out += nfkc.slice(from, i);
      from = i + 1;
    }
  }
  const kept = from === 0 ? nfkc : out + nfkc.slice(from);
  return toSimplified(kept).toUpperCase();
}

/** True for a CJK ideograph code point (BMP blocks and the supplementary planes' Ext. B–H). */
export function isHan(cp: number): boolean {
  return (cp >= 0x4e00 && cp <= 0x9fff) || (cp >= 0x3400 && cp <= 0x4dbf) || (cp >= 0x20000 && cp <= 0x3134f) || (cp >= 0xf900 && cp <= 0xfaff);
}
