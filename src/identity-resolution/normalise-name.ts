// Person names and the person/organisation decision. A legacy kind flag is often wrong, so the shape
// of the name decides first: an organisation marker is far more reliable than a clerk's checkbox.

import { pinyin } from 'pinyin-pro';
import { foldText, isHan } from './text-fold.js';

/**
 * A person's name in comparison form: full-width folded, simplified, no spaces or dots.
 *
 * @example
 * normalisePersonName(' 謝 杰樂 '); // '谢杰乐'
 * normalisePersonName('买买提·艾力'); // '买买提艾力'
 */
export function normalisePersonName(raw: string): string {
  return foldText(raw);
}

// pinyin-pro costs ~4 µs a call; names reuse a few thousand characters, so cache per character.
// The first character is read as a surname (曾 zeng, 单 shan), the others in their usual reading.
const surnameCache = new Map<string, string>();
const givenCache = new Map<string, string>();

function charPinyin(ch: string, surname: boolean): string {
  const cache = surname ? surnameCache : givenCache;
  let p = cache.get(ch);
  if (p === undefined) {
    p = pinyin(ch, { toneType: 'none', type: 'array', surname: surname ? 'head' : 'off' })[0] ?? ch;
    cache.set(ch, p);
  }
  return p;
}

/**
 * The toneless pinyin of a normalised person name, syllables joined by '-': equal for homophone
 * spellings (陈炜 / 陈伟), which legacy systems typed through pinyin input methods produce.
 *
 * @example
 * personPinyinKey('曾伟'); // 'zeng-wei'
 */
export function personPinyinKey(name: string): string {
  let out = '';
  let first = true;
  for (const ch of name) {
    const cp = ch.codePointAt(0)!;
    const syl = isHan(cp) ? charPinyin(ch, first) : ch.toLowerCase();
    out = first ? syl : `${out}-${syl}`;
    first = false;
  }
  return out;
}

// Words that only organisation names hold (企业名称登记管理规定 organisation forms, and the usual
// endings of clinics, shops, associations). Multi-character markers count anywhere in the name.
const ORG_WORDS = [
  '公司',
  '企业',
  '集团',
  '合作社',
  '工作室',
  '中心',
  '门诊',
  '诊所',
  '医院',
  '药房',
  '药店',
  '酒家',
  '酒店',
  '餐厅',
  '饭店',
  '宾馆',
  '学校',
  '幼儿园',
  '协会',
  '商会',
  '基金会',
  '事务所',
  '委员会',
  '研究院',
  '研究所',
  '经营部',
  '商行',
  '超市',
  '工厂',
  '办事处',
  '营业部',
  '个体',
  '合伙',
  '茶餐厅',
  '俱乐部',
  '服务部',
  '加工厂',
  '有限',
];
// One-character endings, only trusted on names longer than a person's (≥ 5 characters).
const ORG_ENDINGS = new Set(['厂', '店', '行', '部', '所', '院', '社', '会', '馆', '室', '站', '园', '场', '坊', '城', '局', '处', '团', '队']);

export type NameShape = 'ORGANIZATION' | 'PERSON' | 'UNKNOWN';

/**
 * What a folded name looks like: an organisation (a marker word or a long name with an organisation
 * ending), a person (2–4 Han characters, or Latin words), or unknown (empty, digits, junk).
 *
 * @example
 * nameShape('恒丰餐饮管理有限公司'); // 'ORGANIZATION'
 * nameShape('欧阳子轩');             // 'PERSON'
 */
export function nameShape(folded: string): NameShape {
  if (folded.length === 0) return 'UNKNOWN';
  for (const w of ORG_WORDS) if (folded.includes(w)) return 'ORGANIZATION';
  let han = 0;
  let latin = 0;
  let other = 0;
  let last = '';
  for (const ch of folded) {
    const cp = ch.codePointAt(0)!;
    if (isHan(cp)) han++;
    else if ((cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a)) latin++;
    else other++;
    last = ch;
  }
  if (han >= 5 && ORG_ENDINGS.has(last)) return 'ORGANIZATION';
  if (other === 0 && latin === 0 && han >= 2 && han <= 4) return 'PERSON';
  // Minority names written with their Han transcription run longer (买买提艾力).
  if (other === 0 && latin === 0 && han >= 5 && han <= 8) return 'PERSON';
  if (han === 0 && other === 0 && latin >= 2) return 'PERSON';
  if (han >= 5) return 'ORGANIZATION';
  return 'UNKNOWN';
}
