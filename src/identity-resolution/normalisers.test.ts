import { describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc, mulberry32 } from '../schema/identifiers/index.js';
import { parseCompanyName } from './company-name.js';
import { claimedIdentifierType, identifierCandidates, readIdentifier, typoNeighbours } from './identifier-evidence.js';
import { normaliseAddress } from './normalise-address.js';
import { nameShape, normalisePersonName, personPinyinKey } from './normalise-name.js';
import { normalisePhone } from './normalise-phone.js';
import { foldText, toSimplified } from './text-fold.js';

describe('foldText / toSimplified', () => {
  it.each([
    [' 廣州市（海珠）恆豐 有限公司 ', '广州市海珠恒丰有限公司'],
    ['ＡＢＣ－１２３', 'ABC123'],
    ['abc def', 'ABCDEF'],
    ['谢\u3000杰 乐', '谢杰乐'],
    ['【恒丰】·餐饮', '恒丰餐饮'],
    ['𠮷野家', '𠮷野家'],
  ])('%s → %s', (raw, folded) => expect(foldText(raw)).toBe(folded));

  it('converts traditional characters and leaves simplified text as is', () => {
    expect(toSimplified('張偉 陳麗華')).toBe('张伟 陈丽华');
    const s = '广州市海珠区恒丰';
    expect(toSimplified(s)).toBe(s);
  });
});

describe('person names', () => {
  it.each([
    [' 謝 杰樂 ', '谢杰乐'],
    ['买买提·艾力', '买买提艾力'],
    ['ＺＨＡＮＧ Wei', 'ZHANGWEI'],
  ])('normalisePersonName(%j) = %j', (raw, out) => expect(normalisePersonName(raw)).toBe(out));

  it('gives homophones one pinyin key and reads surnames as surnames', () => {
    expect(personPinyinKey('陈伟')).toBe(personPinyinKey('陈炜'));
    expect(personPinyinKey('曾伟')).toBe('zeng-wei');
    expect(personPinyinKey('张伟')).not.toBe(personPinyinKey('张薇薇'));
  });

  it.each([
    ['恒丰餐饮管理有限公司', 'ORGANIZATION'],
    ['海珠区陈记烧腊店', 'ORGANIZATION'],
    ['欧阳子轩', 'PERSON'],
    ['张伟', 'PERSON'],
    ['ZHANGWEI', 'PERSON'],
    ['', 'UNKNOWN'],
    ['123', 'UNKNOWN'],
  ] as const)('nameShape(%j) = %s', (name, shape) => expect(nameShape(name)).toBe(shape));
});

describe('parseCompanyName', () => {
  it('splits region, trade name, industry and form', () => {
    expect(parseCompanyName('廣州市海珠區恆豐餐飲管理有限責任公司')).toEqual({
      region: '广州海珠',
      trade: '恒丰',
      industry: '餐饮管理',
      form: 'LIMITED',
      branch: null,
      key: '恒丰|餐饮管理',
    });
  });
  it('gives every spelling of one company one key', () => {
    const keys = [
      '广州市海珠区恒丰餐饮管理有限公司',
      '恒丰餐饮管理有限责任公司',
      ' 广州 恒丰餐饮管理有限公司',
      '恒丰（广州）餐饮管理有限公司',
      '廣東省廣州市恆豐餐飲管理有限公司',
      '海珠（广州）区恒丰餐饮管理有限公司',
    ].map((n) => parseCompanyName(n).key);
    expect(new Set(keys)).toEqual(new Set(['恒丰|餐饮管理']));
  });
  it('keeps what tells companies apart: trade name, form, branch', () => {
    expect(parseCompanyName('广州衡丰餐饮管理有限公司').key).not.toBe(parseCompanyName('广州恒丰餐饮管理有限公司').key);
    expect(parseCompanyName('恒丰科技股份有限公司').form).toBe('JOINT_STOCK');
    expect(parseCompanyName('恒丰科技有限责任公司').form).toBe('LIMITED');
    const branch = parseCompanyName('广州市恒丰餐饮管理有限公司琶洲分公司');
    expect(branch).toMatchObject({ trade: '恒丰', industry: '餐饮管理', branch: '琶洲', key: '恒丰|餐饮管理|分琶洲' });
    expect(parseCompanyName('恒丰餐饮管理有限公司海珠分公司').branch).toBe('海珠');
  });
  it('does not read a trade name as a region when nothing would be left', () => {
    expect(parseCompanyName('广州酒家')).toMatchObject({ region: '', key: '广州|酒家' });
    expect(parseCompanyName('海珠诊所')).toMatchObject({ trade: '海珠', industry: '诊所', form: 'NONE' });
  });
});

describe('normalisePhone', () => {
  it.each([
    ['+86 138-0013-8000', '13800138000'],
    ['0086 13800138000', '13800138000'],
    ['8613800138000', '13800138000'],
    ['１３８００１３８０００', '13800138000'],
    ['(020)8123 4567', '02081234567'],
    ['020-81234567', '02081234567'],
    ['（020）81234567转123', '02081234567'],
    ['020-81234567 ext. 8', '02081234567'],
    ['8123-4567', '02081234567'],
    ['+86 20 8123 4567', '02081234567'],
    ['0757-8123456', '07578123456'],
    ['12345', null],
    ['无', null],
    ['', null],
  ])('%j → %j', (raw, out) => expect(normalisePhone(raw)).toBe(out));
  it('uses the given default area code', () => expect(normalisePhone('81234567', '0755')).toBe('075581234567'));
});

describe('normaliseAddress', () => {
  it.each([
    ['廣東省廣州市海珠區 新港中路 一百二十三號 三樓', '新港中路123号3楼'],
    ['新港中路１２３号３楼', '新港中路123号3楼'],
    ['广州市海珠区新港中路123号3楼', '新港中路123号3楼'],
    ['海珠区江南大道二〇一号', '江南大道201号'],
    ['三元里大道十二号', '三元里大道12号'],
    // A street named after the city keeps its name; the city before it goes.
    ['广州大道南168号', '广州大道南168号'],
    ['广东省广州市海珠区广州大道南一六八号', '广州大道南168号'],
    ['广州海珠区新港中路1号', '新港中路1号'],
  ])('%j → %j', (raw, out) => expect(normaliseAddress(raw)).toBe(out));
});

describe('identifier evidence', () => {
  const rng = mulberry32(11);
  const uscc = generateUscc(rng);
  const rid = generateResidentId(rng, { sex: 'F', birthYearRange: [1980, 1980] });

  it('reads valid identifiers in their legacy forms as proof', () => {
    expect(readIdentifier(uscc.toLowerCase(), null, 'ORGANIZATION')).toMatchObject({ uscc, orgCode: uscc.slice(8, 17), orgCodeOnly: false });
    expect(readIdentifier('77604965-3', null, 'ORGANIZATION')).toMatchObject({ orgCode: '776049653', orgCodeOnly: true });
    expect(readIdentifier('110105491231002', null, 'PERSON')).toMatchObject({ residentId: '11010519491231002X', birth: 19491231, sex: 2 });
    expect(readIdentifier(`${rid.slice(0, 6)} ${rid.slice(6)}`, '身份证', 'UNKNOWN')).toMatchObject({ residentId: rid, sex: 2 });
  });
  it('keeps a value whose check fails as broken evidence, and junk as nothing', () => {
    expect(readIdentifier('11010519491231003X', null, 'PERSON')).toMatchObject({ residentId: null, broken: '11010519491231003X' });
    expect(readIdentifier('无', null, 'PERSON')).toMatchObject({ residentId: null, broken: null });
  });
  it("sets aside a resident ID on an organisation's record", () => {
    expect(readIdentifier('11010519491231002X', null, 'ORGANIZATION')).toMatchObject({ residentId: null, conflicting: { type: 'RESIDENT_ID' } });
  });
  it('finds the valid number one typing slip away', () => {
    expect(typoNeighbours('11010519491231003X').map((n) => n.value)).toContain('11010519491231002X');
    const swapped = uscc.slice(0, 9) + uscc.charAt(10) + uscc.charAt(9) + uscc.slice(11);
    if (swapped !== uscc) expect(typoNeighbours(swapped).map((n) => n.value)).toContain(uscc);
    const badCheck = uscc.slice(0, 17) + (uscc.charAt(17) === '0' ? '1' : '0');
    expect(typoNeighbours(badCheck).map((n) => n.value)).toContain(uscc);
    expect(typoNeighbours('776049643').map((n) => n.value)).toContain('776049653');
  });
  it('offers as candidates the typo neighbours, their organisation codes, and an intact embedded organisation code', () => {
    const slipped = uscc.charAt(1) + uscc.charAt(0) + uscc.slice(2); // characters 9–17 untouched
    const cands = identifierCandidates(slipped);
    expect(cands).toContainEqual({ type: 'ORG_CODE', value: uscc.slice(8, 17) });
    const badCheck = uscc.slice(0, 17) + (uscc.charAt(17) === '0' ? '1' : '0');
    expect(identifierCandidates(badCheck)).toEqual(
      expect.arrayContaining([
        { type: 'USCC', value: uscc },
        { type: 'ORG_CODE', value: uscc.slice(8, 17) },
      ]),
    );
    // A broken resident ID's characters 9–17 are a date and a sequence, never an organisation code.
    const brokenRid = rid.slice(0, 17) + (rid.charAt(17) === '0' ? '1' : '0');
    expect(identifierCandidates(brokenRid).filter((c) => c.type === 'ORG_CODE' && c.value === brokenRid.slice(8, 17))).toEqual([]);
  });
  it.each([
    ['居民身份证', 'RESIDENT_ID'],
    ['01', 'RESIDENT_ID'],
    ['营业执照', 'USCC'],
    ['统一社会信用代码', 'USCC'],
    ['组织机构代码证', 'ORG_CODE'],
    ['其他', null],
    [null, null],
  ] as const)('claimedIdentifierType(%j) = %j', (raw, type) => expect(claimedIdentifierType(raw)).toBe(type));
});
