// Phone numbers as legacy systems write them: +86 138 0013 8000, 0086-…, 020-8123 4567,
// (020)81234567, 8123-4567 without an area code, extensions (转 123, ext. 123, -123 after 8 digits).

/**
 * A mobile number as its 11 digits, a landline as area code + local number ('02081234567'); a local
 * number without an area code gets `defaultAreaCode`. Null when no plausible number is there.
 *
 * @example
 * normalisePhone('+86 138-0013-8000'); // '13800138000'
 * normalisePhone('(020)8123 4567');    // '02081234567'
 * normalisePhone('8123-4567');         // '02081234567'
 * normalisePhone('+86 20 8123 4567');  // '02081234567'
 */
export function normalisePhone(raw: string, defaultAreaCode = '020'): string | null {
  let digits = '';
  for (let i = 0; i < raw.length; i++) {
    let c = raw.charCodeAt(i);
    if (c >= 0xff10 && c <= 0xff19) c -= 0xfee0; // full-width digits
    if (c >= 0x30 && c <= 0x39) digits += String.fromCharCode(c);
    else if (c === 0x8f6c /* 转 */ || c === 0x2c /* , */ || c === 0x3b /* ; */ || c === 0x2f /* / */ || c === 0x3001 /* 、 */) {
      // An extension or a second number follows: the first number is the one compared.
      if (digits.length >= 7) break;
    } else if ((c === 0x65 || c === 0x45 || c === 0x78 || c === 0x58) && digits.length >= 7) {
      break; // 'ext' / 'x' extension
    }
  }
  // Country code: +86 / 0086 / 86 in front of an 11-digit mobile or a 2–3 digit area code.
  if (digits.startsWith('0086')) digits = digits.slice(4);
  else if (digits.startsWith('86') && digits.length >= 11 && digits.length <= 13) digits = digits.slice(2);
  if (digits.length >= 11 && digits.charCodeAt(0) === 0x31) {
    const second = digits.charCodeAt(1);
    return second >= 0x33 && second <= 0x39 ? digits.slice(0, 11) : null;
  }
  // A landline after +86 loses its trunk 0: 20 8123 4567 → 020….
  if (digits.length >= 9 && digits.charCodeAt(0) !== 0x30 && digits.charCodeAt(0) !== 0x31 && raw.includes('+')) digits = `0${digits}`;
  if (digits.charCodeAt(0) === 0x30) {
    // Area codes: 010 and 020–029 are three digits, every other one is four.
    const areaLen = digits.charCodeAt(1) === 0x31 || digits.charCodeAt(1) === 0x32 ? 3 : 4;
    const local = digits.slice(areaLen);
    if (local.length >= 7 && local.length <= 8) return digits.slice(0, areaLen) + local;
    // Extension typed straight after the number: keep the usual 8 local digits.
    if (local.length > 8 && areaLen === 3) return digits.slice(0, 3) + local.slice(0, 8);
    return null;
  }
  if (digits.length === 7 || digits.length === 8) return defaultAreaCode + digits;
  return null;
}
