import { createHash, getHashes, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { canonicalJson } from './canonical-json.js';
import { hashText } from './hash-algorithms.js';
import { sm3Hex } from './sm3.js';

const SM3_ABC = '66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0';
// GB/T 32905-2016, example 2: "abcd" repeated 16 times (512 bits, two blocks after padding).
const SM3_ABCD16 = 'debe9ff92275b8a138604889c18e5a4d6fdb70e5387e5765293dcba39c0c5732';

describe('audit hash algorithms', () => {
  it('hashes the SM3 standard test vectors', () => {
    expect(hashText('sm3', 'abc')).toBe(SM3_ABC);
    expect(hashText('sm3', 'abcd'.repeat(16))).toBe(SM3_ABCD16);
    expect(sm3Hex(Buffer.from('abc'))).toBe(SM3_ABC);
    expect(sm3Hex(Buffer.from('abcd'.repeat(16)))).toBe(SM3_ABCD16);
  });

  it('has a pure SM3 fallback that agrees with OpenSSL at every padding boundary', () => {
    if (!getHashes().includes('sm3')) return;
    for (const length of [0, 1, 55, 56, 63, 64, 65, 119, 120, 1000]) {
      const data = randomBytes(length);
      expect(sm3Hex(data), `length ${length}`).toBe(createHash('sm3').update(data).digest('hex'));
    }
  });

  it('hashes SHA-256 over UTF-8', () => {
    expect(hashText('sha256', 'abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashText('sha256', '审计')).toBe(createHash('sha256').update(Buffer.from('审计', 'utf8')).digest('hex'));
  });
});

describe('canonical JSON', () => {
  it('sorts keys at every depth, drops undefined, keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [3, 1], c: undefined, b: '部门' } })).toBe('{"a":{"b":"部门","d":[3,1]},"b":1}');
    // Lists of strings take a shorter path; the text is the same as element by element.
    const strings = ['', 'a"b', 'c\\d', '\u0000\u001f\u2028', '许可', '😀', '\ud800'];
    expect(canonicalJson({ s: strings, m: [...strings, 1] })).toBe(
      `{"m":[${strings.map((x) => JSON.stringify(x)).join(',')},1],"s":[${strings.map((x) => JSON.stringify(x)).join(',')}]}`,
    );
  });
  it('refuses values JSON cannot carry faithfully', () => {
    expect(() => canonicalJson({ n: Number.NaN })).toThrow(TypeError);
    expect(() => canonicalJson({ f: () => 1 })).toThrow(TypeError);
  });
});
