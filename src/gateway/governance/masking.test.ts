import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { generateResidentId, mulberry32, toResidentId15 } from '../../schema/identifiers/index.js';
import { maskAddress, maskMiddle, maskPhone, maskResidentId, maskValue } from './masking.js';

describe('masking', () => {
  it.each([
    ['44010519900101123X', '440105********123X'],
    ['110101199003074514', '110101********4514'],
    ['44010519900101123x', '440105********123X'],
    ['４４０１０５１９９００１０１１２３Ｘ', '440105********123X'],
    ['440105 19900101 123X', '440105********123X'],
    ['440105900101123', '440*********123'],
    ['776049653', '77*****53'],
    ['1234', '****'],
    ['', '****'],
  ])('masks resident ID %s', (value, masked) => expect(maskResidentId(value)).toBe(masked));

  it.each([
    ['13812345678', '138****5678'],
    ['+86 138-1234-5678', '138****5678'],
    ['8613812345678', '138****5678'],
    ['0086 13812345678', '138****5678'],
    ['１３８１２３４５６７８', '138****5678'],
    ['＋８６　１３８　１２３４　５６７８', '138****5678'],
    ['(020)8888-1234', '020****1234'],
    ['020-88881234', '020****1234'],
    ['+86 20 8888 1234', '020****1234'],
    ['0757-1234567', '0757****567'],
    ['88881234', '88****34'],
    ['8888-1234', '88****34'],
    ['1234567', '1*****7'],
    ['020-88881234-801', '020********801'],
    ['12345', '*****'],
    ['无', '****'],
  ])('masks phone %s', (value, masked) => expect(maskPhone(value)).toBe(masked));

  it.each([
    ['广东省广州市越秀区北京路123号5楼', '广东省广州市越秀区北京路'],
    ['广州市天河区天河北路88号', '广州市天河区天河北路'],
    ['北京市东城区东华门街道东安门大街12号', '北京市东城区东华门街道'],
    ['广东省广州市番禺区石楼镇大岭村3巷2号', '广东省广州市番禺区石楼镇'],
    ['广州市海珠区123号', '广州市海珠区'],
    ['某某大院3号楼', ''],
  ])('cuts address %s after the street', (value, masked) => expect(maskAddress(value)).toBe(masked));

  it('leaves what is not a string alone', () => {
    expect(maskValue('PHONE', null)).toBeNull();
    expect(maskValue('RESIDENT_ID', '44010519900101123X')).toBe('440105********123X');
  });
});

// What the property tests need to know about a masked value: how many characters it shows and hides.
const shown = (masked: string) => masked.replace(/\*/g, '').length;
const hidden = (masked: string) => (masked.match(/\*/g) ?? []).length;
const fullWidth = (s: string) => s.replace(/[0-9A-Z+]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));

/** A string of digits, written the ways legacy systems write numbers: separators, full-width, spaces. */
const written = (digits: fc.Arbitrary<string>) =>
  fc.tuple(digits, fc.constantFrom('', ' ', '-', '.', '　', '—'), fc.integer({ min: 1, max: 5 }), fc.boolean()).map(([d, sep, every, wide]) => {
    const grouped = sep ? (d.match(new RegExp(`.{1,${every}}`, 'g')) ?? []).join(sep) : d;
    return wide ? fullWidth(grouped) : grouped;
  });
const digitString = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: min, maxLength: max });
const mobile = fc.tuple(fc.constantFrom(...'3456789'), digitString(9, 9)).map(([second, rest]) => `1${second}${rest}`);
const areaCode = fc.oneof(
  fc.constantFrom('010', '020', '021', '025'),
  fc.tuple(fc.constantFrom(...'3456789'), digitString(2, 2)).map(([a, b]) => `0${a}${b}`),
);
const landline = fc.tuple(areaCode, fc.oneof(digitString(7, 7), digitString(8, 8))).map(([area, local]) => ({ area, local }));

describe('masking properties', () => {
  it('a mobile number, however written, prints as 138****5678', () => {
    fc.assert(
      fc.property(mobile, fc.constantFrom('', '+86 ', '0086', '86', '+86-'), (number, prefix) => {
        for (const value of [prefix + number, fullWidth(prefix + number)]) {
          expect(maskPhone(value)).toBe(`${number.slice(0, 3)}****${number.slice(7)}`);
        }
      }),
    );
    fc.assert(
      fc.property(written(mobile), (value) => {
        expect(maskPhone(value)).toMatch(/^1\d{2}\*{4}\d{4}$/);
      }),
    );
  });

  it('a landline keeps its area code and hides at least half of its local number', () => {
    fc.assert(
      fc.property(landline, fc.boolean(), ({ area, local }, international) => {
        const value = international ? `+86 ${area.slice(1)} ${local}` : `(${area})${local}`;
        const masked = maskPhone(value);
        expect(masked.startsWith(area)).toBe(true);
        const rest = masked.slice(area.length);
        expect(hidden(rest)).toBeGreaterThanOrEqual(Math.ceil(local.length / 2));
        expect(local.endsWith(rest.replace(/\*/g, ''))).toBe(true);
      }),
    );
  });

  it('any other phone hides at least half of its digits and shows only its own ends', () => {
    fc.assert(
      fc.property(written(digitString(0, 24)), (value) => {
        const digits = value.normalize('NFKC').replace(/\D/g, '');
        fc.pre(!/^(?:86|0086)?1[3-9]\d{9}$/.test(digits) && !/^0\d{9,11}$/.test(digits));
        const masked = maskPhone(value);
        expect(masked).toMatch(/^\d*\*+\d*$/);
        expect(hidden(masked)).toBeGreaterThanOrEqual(Math.ceil(digits.length / 2));
        expect(shown(masked)).toBeLessThanOrEqual(Math.floor(digits.length / 2));
        const [head, tail] = masked.split(/\*+/) as [string, string];
        expect(digits.startsWith(head) && digits.endsWith(tail)).toBe(true);
      }),
    );
  });

  it('whatever the text, a masked phone never shows more than it hides unless it prints as a standard number', () => {
    const unit = fc.oneof(
      { arbitrary: fc.constantFrom(...'0123456789０１２３４５６７８９'), weight: 6 },
      { arbitrary: fc.constantFrom(...'+-() 　.转ext'), weight: 1 },
      { arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 30, size: 'max' }), (value) => {
        const masked = maskPhone(value);
        expect(masked).toMatch(/^\d*\*+\d*$/);
        if (!/^(1\d{2}\*{4}\d{4}|0\d{2,3}\*{4}\d{3,4})$/.test(masked)) expect(hidden(masked)).toBeGreaterThanOrEqual(shown(masked));
      }),
    );
  });

  it('an 18-character resident ID prints as 440105********123X; any other shape hides at least half', () => {
    fc.assert(
      fc.property(fc.integer(), fc.boolean(), (seed, wide) => {
        const id = generateResidentId(mulberry32(seed));
        expect(maskResidentId(wide ? fullWidth(id) : id.toLowerCase())).toBe(`${id.slice(0, 6)}********${id.slice(14)}`);
        const old = toResidentId15(id);
        if (old) expect(hidden(maskResidentId(old))).toBeGreaterThanOrEqual(8);
      }),
    );
    fc.assert(
      fc.property(written(fc.string({ unit: fc.constantFrom(...'0123456789ABCXYZ'), maxLength: 30 })), (value) => {
        const chars = value.normalize('NFKC').replace(/[^0-9A-Z]/g, '');
        fc.pre(!/^\d{17}[\dX]$/.test(chars));
        const masked = maskResidentId(value);
        expect(hidden(masked)).toBeGreaterThanOrEqual(Math.ceil(chars.length / 2));
        expect(shown(masked)).toBeLessThanOrEqual(Math.floor(chars.length / 2));
      }),
    );
  });

  it('maskMiddle keeps at most a quarter at each end', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 60 }), (s) => {
        const masked = maskMiddle(s);
        const keep = s.length < 6 ? 0 : Math.floor(s.length / 4);
        expect(masked).toBe(s.slice(0, keep) + '*'.repeat(Math.max(s.length - 2 * keep, s.length < 6 ? 4 : 0)) + (keep ? s.slice(-keep) : ''));
      }),
    );
  });
});
