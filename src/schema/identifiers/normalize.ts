// Legacy records hold identifiers typed by hand: full-width digits from Chinese IMEs, lower-case x,
// spaces, dashes and dots between groups. This folds them to the canonical alphabet in one pass.

const DROP = -1;

// Mapping for ASCII (and for full-width ASCII, after shifting it down by 0xFEE0).
const ASCII_MAP = new Int32Array(128);
for (let c = 0; c < 128; c++) ASCII_MAP[c] = c;
for (let c = 0x61; c <= 0x7a; c++) ASCII_MAP[c] = c - 0x20; // a–z → A–Z
for (const c of [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x2d /* - */, 0x2e /* . */, 0x5f /* _ */]) {
  ASCII_MAP[c] = DROP;
}

/** Maps one UTF-16 code unit to its canonical code, or DROP for a separator. */
function mapCode(c: number): number {
  if (c < 0x80) return ASCII_MAP[c]!;
  // Full-width forms of ASCII (！ … ～): digits, letters, dash, dot, underscore alike.
  if (c >= 0xff01 && c <= 0xff5e) return ASCII_MAP[c - 0xfee0]!;
  switch (c) {
    // Spaces: ideographic, no-break and the other Unicode spaces, plus invisible zero-width marks
    // that copy-paste from web pages leaves behind.
    case 0x3000:
    case 0x00a0:
    case 0x1680:
    case 0x2000:
    case 0x2001:
    case 0x2002:
    case 0x2003:
    case 0x2004:
    case 0x2005:
    case 0x2006:
    case 0x2007:
    case 0x2008:
    case 0x2009:
    case 0x200a:
    case 0x200b:
    case 0x200c:
    case 0x200d:
    case 0x2028:
    case 0x2029:
    case 0x202f:
    case 0x205f:
    case 0x2060:
    case 0xfeff:
    // Dash-like: hyphens, figure/en/em dashes, horizontal bar, minus, small/full-width hyphen-minus,
    // two- and three-em dashes, and ー / ─ which CJK input methods produce for "-".
    case 0x2010:
    case 0x2011:
    case 0x2012:
    case 0x2013:
    case 0x2014:
    case 0x2015:
    case 0x2212:
    case 0xfe58:
    case 0xfe63:
    case 0x2e3a:
    case 0x2e3b:
    case 0x30fc:
    case 0x2500:
    // Dots: ideographic and half-width full stops, middle dots.
    case 0x3002:
    case 0xff61:
    case 0x00b7:
    case 0x30fb:
    case 0xff65:
      return DROP;
    default:
      return c;
  }
}

function isCanonicalCode(c: number): boolean {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a);
}

/**
 * normalizeIdentifierText that gives up (returns null) as soon as the result would exceed `maxLen`,
 * so parseIdentifier does not fold long free-text fields it will reject anyway.
 */
export function normalizeBounded(raw: string, maxLen: number): string | null {
  const n = raw.length;
  let i = 0;
  // Fast path: already canonical (the common case for clean data) → no allocation at all.
  while (i < n && isCanonicalCode(raw.charCodeAt(i))) i++;
  if (i === n) return n <= maxLen ? raw : null;
  if (i > maxLen) return null;
  let out = raw.slice(0, i);
  let len = i;
  for (; i < n; i++) {
    const m = mapCode(raw.charCodeAt(i));
    if (m === DROP) continue;
    if (++len > maxLen) return null;
    out += String.fromCharCode(m);
  }
  return out;
}

/**
 * Folds a hand-typed identifier to canonical form: full-width → half-width (digits, letters, dash,
 * space incl. U+3000), trim, remove spaces, dashes (any dash-like char: - – — ― －), dots and
 * underscores, upper-case (ASCII letters only). Other characters are kept, so text that is not an
 * identifier stays invalid rather than being coerced into one.
 *
 * @example
 * normalizeIdentifierText(' 77604965-3 ');        // '776049653'
 * normalizeIdentifierText('１１０１０５ 19491231 002x'); // '11010519491231002X'
 */
export function normalizeIdentifierText(raw: string): string {
  // Unbounded, so never null.
  return normalizeBounded(raw, Number.POSITIVE_INFINITY) as string;
}
