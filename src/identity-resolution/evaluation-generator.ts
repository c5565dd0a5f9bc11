// A labelled evaluation set with its own noise model (separate from the demo district's): applicants
// (people and organisations, with branches, look-alike trade names, shared family and agency phones,
// and people sharing very common names) spread over department records that store identifiers in
// legacy forms, with typos, junk or nothing, and names, phones and addresses the way clerks type
// them. Seeded: the same options always give the same records. Every number is generated, never real.

import * as OpenCC from 'opencc-js/cn2t';
import {
  formatOrgCodeLegacy,
  generateResidentId,
  generateUscc,
  isValidResidentId,
  isValidUscc,
  mulberry32,
  orgCodeOfUscc,
  toResidentId15,
  type Rng,
} from '../schema/identifiers/index.js';
import type { ResolutionRecord } from './types.js';

export interface EvaluationOptions {
  seed?: number;
  /** Number of true applicants. Default 20,000 (≈ 55,000 records). */
  entities?: number;
  /** Mean extra records per applicant beyond the first. Default 1.8. */
  extraRecordsMean?: number;
  /**
   * How clerks mangle what they type: 'default', or 'noisy' (twice the identifier typos, more
   * records without identifier, phone or address, more misspelt and traditional-script names), so a
   * result does not hinge on one noise level.
   */
  noise?: NoiseLevel;
}

export type NoiseLevel = 'default' | 'noisy';

/** Rates of the noise model; 'default' is the model the figures in the README were measured on. */
interface NoiseProfile {
  /** Weights of what a department stored as the identifier. */
  idForm: { clean: number; legacy: number; typo: number; junk: number; none: number };
  phoneKept: number;
  addressKept: number;
  homophone: number;
  traditional: number;
  straySpace: number;
}

const NOISE: Record<NoiseLevel, NoiseProfile> = {
  default: {
    idForm: { clean: 45, legacy: 20, typo: 8, junk: 7, none: 20 },
    phoneKept: 0.7,
    addressKept: 0.55,
    homophone: 0.03,
    traditional: 0.1,
    straySpace: 0.1,
  },
  noisy: {
    idForm: { clean: 30, legacy: 20, typo: 16, junk: 9, none: 25 },
    phoneKept: 0.6,
    addressKept: 0.45,
    homophone: 0.08,
    traditional: 0.2,
    straySpace: 0.2,
  },
};

export interface EvaluationSet {
  records: ResolutionRecord[];
  /** True applicant of each record (same index). */
  truth: Int32Array;
  /** Per record: holds nothing but a name (no identifier at all, no phone, no address). */
  nameOnly: Uint8Array;
  /** Per true applicant: its canonical name (to find names shared by several applicants). */
  entityNames: string[];
}

const toTraditional = OpenCC.Converter({ from: 'cn', to: 'hk' });

const SURNAMES = [
  ['陈', 12],
  ['李', 10],
  ['黄', 9],
  ['张', 8],
  ['梁', 6],
  ['林', 6],
  ['刘', 6],
  ['吴', 5],
  ['罗', 5],
  ['何', 5],
  ['郑', 4],
  ['王', 6],
  ['杨', 4],
  ['周', 4],
  ['谢', 3],
  ['冯', 3],
  ['邓', 3],
  ['曾', 3],
  ['彭', 2],
  ['麦', 2],
  ['钟', 3],
  ['苏', 2],
  ['叶', 3],
  ['潘', 2],
  ['卢', 2],
  ['朱', 3],
  ['蔡', 2],
  ['许', 2],
  ['郭', 2],
  ['莫', 2],
  ['欧阳', 1],
  ['司徒', 1],
  ['余', 2],
  ['赖', 2],
  ['邱', 2],
  ['徐', 2],
  ['胡', 2],
  ['高', 2],
  ['骆', 1],
  ['温', 1],
  ['江', 1],
  ['龚', 1],
  ['区', 1],
  ['关', 1],
  ['岑', 1],
  ['简', 1],
  ['植', 1],
  ['霍', 1],
] as const;
const GIVEN = [
  ...'伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚嘉俊浩婷欣怡子轩梓晴文志建国华锦泳诗颖慧健荣辉斌燕玲雪思宇晓海峰铭炜坤琳蕾婉凯彬妍韵乐添康永少秀英桂佩珊雯倩薇宁琪瑶璐洁昊鹏翔博睿哲航毅振宏泽阳晨曦雅楠蓉茜露莹淑惠美玉兰凤红梅艳萍莉娇媚卓启德贤敬耀祖基培伦焕钊钧铨锐锋瀚灏澄沛涵逸朗熙彦禹尧舜恒毅熹湛澜嵩岚峻崇巍',
];
// Homophones an input method swaps (陈伟 → 陈炜): the noise keeps the pinyin.
const HOMOPHONE: Record<string, string> = {
  伟: '炜',
  芳: '方',
  静: '靜',
  丽: '莉',
  杰: '洁',
  明: '铭',
  华: '骅',
  军: '君',
  婷: '亭',
  宇: '雨',
  峰: '锋',
  辉: '晖',
  玲: '琳',
  文: '雯',
  俊: '骏',
  涛: '滔',
};
const VERY_COMMON = ['张伟', '王芳', '李娜', '王伟', '李伟', '张敏', '李静', '刘伟', '王静', '张丽', '陈伟', '陈静', '黄伟', '李强', '刘洋'];

const TRADE = [
  ...'恒丰信达华盛泰和宏兴瑞德隆晟嘉宝利安康顺鑫源汇联创新启明骏逸锦诚益卓越粤珠江南誉凯拓弘茂润致远朗悦禾峰怡佳运金银通商美雅豪俊冠辉腾飞龙凤祥福寿喜乐星辰海天云帆帝皇尚品优',
];
const LOOKALIKE: Record<string, string> = {
  恒: '衡',
  丰: '峰',
  信: '鑫',
  达: '大',
  华: '骅',
  盛: '晟',
  泰: '太',
  和: '禾',
  宏: '弘',
  兴: '星',
  瑞: '锐',
  德: '得',
  隆: '龙',
  嘉: '佳',
  宝: '保',
  利: '力',
  安: '岸',
  康: '慷',
  顺: '舜',
  源: '元',
};
const INDUSTRY = [
  '餐饮管理',
  '餐饮服务',
  '食品',
  '建筑工程',
  '装饰工程',
  '房地产开发',
  '医疗科技',
  '健康管理',
  '酒店管理',
  '美容美发',
  '文化传播',
  '贸易',
  '商贸',
  '科技',
  '信息技术',
  '物业管理',
  '物流',
  '电子商务',
  '教育科技',
  '企业管理咨询',
  '网络科技',
  '生物科技',
  '实业',
  '投资',
];
const BRANCH_PLACES = ['琶洲', '江南西', '赤岗', '滨江', '昌岗', '南洲', '新港', '工业大道', '宝岗', '沙园', '凤阳', '瑞宝'];
const STREETS = [
  '新港中路',
  '江南大道中',
  '工业大道北',
  '宝岗大道',
  '昌岗中路',
  '滨江东路',
  '南洲路',
  '东晓南路',
  '赤岗北路',
  '琶洲大道',
  '广州大道南',
  '革新路',
  '前进路',
  '江燕路',
  '石榴岗路',
  '逸景路',
  '晓港西马路',
  '泰沙路',
];
const DIVISIONS = ['440105', '440103', '440104', '440106', '440111', '440113', '440982', '430102', '360102', '450103'];
const SOURCES = ['market', 'health', 'housing', 'civil', 'tax', 'hr'];
const JUNK = ['无', '/', '暂无', '见营业执照', '待补充', 'N/A', '-', '同上', '0'];
const CN_DIGITS = '〇一二三四五六七八九';

class Draw {
  constructor(readonly rng: Rng) {}
  int(n: number): number {
    return Math.min(n - 1, Math.floor(this.rng() * n));
  }
  chance(p: number): boolean {
    return this.rng() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)]!;
  }
  weighted<T>(xs: ReadonlyArray<readonly [T, number]>): T {
    let total = 0;
    for (const [, w] of xs) total += w;
    let x = this.rng() * total;
    for (const [v, w] of xs) if ((x -= w) < 0) return v;
    return xs[xs.length - 1]![0];
  }
  digits(n: number): string {
    let s = '';
    for (let i = 0; i < n; i++) s += String(this.int(10));
    return s;
  }
}

interface Entity {
  kind: 'PERSON' | 'ORGANIZATION';
  name: string;
  id: string;
  phone: string;
  landline: boolean;
  address: string;
}

/**
 * Generates a labelled evaluation set.
 *
 * @example
 * const { records, truth } = generateEvaluationSet({ seed: 7, entities: 1000 });
 * records.length === truth.length; // true
 */
export function generateEvaluationSet(options: EvaluationOptions = {}): EvaluationSet {
  const d = new Draw(mulberry32(options.seed ?? 20240601));
  const nEntities = options.entities ?? 20_000;
  const extraMean = options.extraRecordsMean ?? 1.8;
  const noise = NOISE[options.noise ?? 'default'];
  const entities: Entity[] = [];
  const usedIds = new Set<string>();
  const usedPhones = new Set<string>();
  const agencyPhones = Array.from({ length: 12 }, () => `020${d.int(2) === 0 ? '8' : '3'}${d.digits(7)}`);

  const uniqueId = (make: () => string) => {
    for (;;) {
      const id = make();
      if (!usedIds.has(id)) {
        usedIds.add(id);
        return id;
      }
    }
  };
  const freshPhone = (landline: boolean) => {
    for (;;) {
      const p = landline ? `020${d.pick(['3', '8', '6'])}${d.digits(7)}` : `1${d.pick(['3', '5', '7', '8', '9'])}${d.digits(9)}`;
      if (!usedPhones.has(p)) {
        usedPhones.add(p);
        return p;
      }
    }
  };
  const freshAddress = () =>
    `${d.pick(STREETS)}${1 + d.int(400)}号${d.chance(0.6) ? `${1 + d.int(30)}楼` : ''}${d.chance(0.4) ? `${100 + d.int(2900)}室` : ''}`;
  const personName = () => {
    if (d.chance(0.07)) return d.pick(VERY_COMMON);
    const surname = d.weighted(SURNAMES);
    return d.chance(0.12) ? surname + d.pick(GIVEN) : surname + d.pick(GIVEN) + d.pick(GIVEN);
  };
  const orgName = (trade: string, industry: string) => {
    const form = d.weighted([
      ['有限公司', 80],
      ['股份有限公司', 8],
      ['', 12],
    ] as const);
    return `广州市${trade}${form === '' ? (industry.endsWith('科技') ? `${industry}工作室` : `${industry}经营部`) : industry + form}`;
  };

  while (entities.length < nEntities) {
    if (d.chance(0.55)) {
      const name = personName();
      const id = uniqueId(() => generateResidentId(d.rng, { division: d.pick(DIVISIONS), birthYearRange: [1940, 2004] }));
      // Families share a phone: a second person at the same phone and address.
      const family = entities.length > 0 && d.chance(0.03) ? entities[entities.length - 1]! : null;
      const landline = d.chance(0.1);
      entities.push({
        kind: 'PERSON',
        name,
        id,
        phone: family && family.kind === 'PERSON' ? family.phone : freshPhone(landline),
        landline,
        address: family && family.kind === 'PERSON' ? family.address : freshAddress(),
      });
      continue;
    }
    const trade = d.pick(TRADE) + d.pick(TRADE) + (d.chance(0.3) ? d.pick(TRADE) : '');
    const industry = d.pick(INDUSTRY);
    const name = orgName(trade, industry);
    const head: Entity = {
      kind: 'ORGANIZATION',
      name,
      id: uniqueId(() => generateUscc(d.rng)),
      phone: freshPhone(d.chance(0.6)),
      landline: true,
      address: freshAddress(),
    };
    entities.push(head);
    // A branch (分公司) is its own legal entity with its own USCC, often at the head office's phone.
    if (d.chance(0.08) && name.endsWith('公司') && entities.length < nEntities) {
      entities.push({
        kind: 'ORGANIZATION',
        name: `${name}${d.pick(BRANCH_PLACES)}分公司`,
        id: uniqueId(() => generateUscc(d.rng)),
        phone: d.chance(0.5) ? head.phone : freshPhone(true),
        landline: true,
        address: d.chance(0.3) ? head.address : freshAddress(),
      });
    }
    // A look-alike: another company whose trade name differs by one similar character.
    const swappable = [...trade].findIndex((ch) => LOOKALIKE[ch] !== undefined);
    if (d.chance(0.06) && swappable >= 0 && entities.length < nEntities) {
      const chars = [...trade];
      chars[swappable] = LOOKALIKE[chars[swappable]!]!;
      entities.push({
        kind: 'ORGANIZATION',
        name: orgName(chars.join(''), industry),
        id: uniqueId(() => generateUscc(d.rng)),
        phone: freshPhone(true),
        landline: true,
        address: freshAddress(),
      });
    }
  }

  const records: ResolutionRecord[] = [];
  const truth: number[] = [];
  const nameOnly: number[] = [];
  const localIds = new Map<string, number>();
  entities.forEach((e, ei) => {
    let count = 1;
    while (d.chance(extraMean / (extraMean + 1))) count++;
    for (let k = 0; k < count; k++) {
      const source = d.pick(SOURCES);
      const n = (localIds.get(source) ?? 0) + 1;
      localIds.set(source, n);
      const rec = presentRecord(d, noise, e, source, `${source.slice(0, 2).toUpperCase()}${String(n).padStart(7, '0')}`, agencyPhones);
      records.push(rec.record);
      truth.push(ei);
      nameOnly.push(rec.nameOnly ? 1 : 0);
    }
  });
  // Shuffle so that records of one applicant are not adjacent (input order must not matter).
  const order = Array.from(records.keys());
  for (let i = order.length - 1; i > 0; i--) {
    const j = d.int(i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return {
    records: order.map((i) => records[i]!),
    truth: Int32Array.from(order.map((i) => truth[i]!)),
    nameOnly: Uint8Array.from(order.map((i) => nameOnly[i]!)),
    entityNames: entities.map((e) => e.name),
  };
}

function presentRecord(
  d: Draw,
  noise: NoiseProfile,
  e: Entity,
  source: string,
  localId: string,
  agencyPhones: readonly string[],
): { record: ResolutionRecord; nameOnly: boolean } {
  const person = e.kind === 'PERSON';
  // Identifier: what this department stored.
  const w = noise.idForm;
  const idForm = d.weighted([
    ['clean', w.clean],
    ['legacy', w.legacy],
    ['typo', w.typo],
    ['junk', w.junk],
    ['none', w.none],
  ] as const);
  let idNumber: string | null = null;
  let hasIdentifier = true;
  switch (idForm) {
    case 'clean':
      idNumber = e.id;
      break;
    case 'legacy':
      idNumber = legacyForm(d, e);
      break;
    case 'typo':
      idNumber = typo(d, e.id, person);
      break;
    case 'junk':
      idNumber = d.pick(JUNK);
      hasIdentifier = false;
      break;
    case 'none':
      hasIdentifier = false;
      break;
  }
  const idType = d.chance(0.3)
    ? null
    : d.chance(0.75)
      ? person
        ? d.pick(['居民身份证', '身份证', '01'])
        : d.pick(['统一社会信用代码', '营业执照', '组织机构代码'])
      : d.pick(['其他', '护照', '身份证', '营业执照']);
  const kind = d.chance(0.1) ? null : d.chance(0.94) ? e.kind : person ? 'ORGANIZATION' : 'PERSON';

  let phone: string | null = null;
  if (d.chance(noise.phoneKept)) phone = presentPhone(d, !person && d.chance(0.03) ? d.pick(agencyPhones) : e.phone);
  let address: string | null = null;
  if (d.chance(noise.addressKept)) address = presentAddress(d, e.address);
  const name = person ? presentPersonName(d, noise, e.name) : presentOrgName(d, e.name);
  return {
    record: { source, localId, kind, name, idType, idNumber, phone, address },
    nameOnly: !hasIdentifier && phone === null && address === null,
  };
}

function legacyForm(d: Draw, e: Entity): string {
  if (e.kind === 'ORGANIZATION') {
    const org = orgCodeOfUscc(e.id);
    return d.weighted([
      [formatOrgCodeLegacy(org), 35],
      [org, 15],
      [e.id.toLowerCase(), 15],
      [fullWidth(e.id), 15],
      [`${e.id.slice(0, 8)} ${e.id.slice(8)}`, 20],
    ] as const);
  }
  const id15 = toResidentId15(e.id);
  return d.weighted([
    [id15 ?? e.id, 30],
    [e.id.toLowerCase(), 15],
    [fullWidth(e.id), 20],
    [`${e.id.slice(0, 6)} ${e.id.slice(6, 14)} ${e.id.slice(14)}`, 20],
    [`${e.id.slice(0, 6)}-${e.id.slice(6)}`, 15],
  ] as const);
}

/** One substituted character or two swapped neighbours, always failing the check. */
function typo(d: Draw, id: string, person: boolean): string {
  const valid = (s: string) => (person ? isValidResidentId(s) : isValidUscc(s));
  for (;;) {
    let s: string;
    if (d.chance(0.7)) {
      const at = d.int(id.length - 1);
      const c = id.charCodeAt(at);
      if (c < 0x30 || c > 0x39) continue;
      s = id.slice(0, at) + String((c - 0x30 + 1 + d.int(9)) % 10) + id.slice(at + 1);
    } else {
      const at = d.int(id.length - 1);
      if (id.charAt(at) === id.charAt(at + 1)) continue;
      s = id.slice(0, at) + id.charAt(at + 1) + id.charAt(at) + id.slice(at + 2);
    }
    if (!valid(s)) return d.chance(0.2) ? s.toLowerCase() : s;
  }
}

function fullWidth(s: string): string {
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    out += (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) ? String.fromCharCode(c + 0xfee0) : ch;
  }
  return out;
}

function straySpace(d: Draw, s: string): string {
  const chars = [...s];
  const at = 1 + d.int(Math.max(1, chars.length - 1));
  return d.pick([` ${s}`, `${s} `, `${s}\u3000`, `${chars.slice(0, at).join('')} ${chars.slice(at).join('')}`]);
}

function presentPersonName(d: Draw, noise: NoiseProfile, name: string): string {
  let out = name;
  if (d.chance(noise.homophone)) {
    const chars = [...out];
    const at = chars.findIndex((ch, i) => i > 0 && HOMOPHONE[ch] !== undefined);
    if (at > 0) chars[at] = HOMOPHONE[chars[at]!]!;
    out = chars.join('');
  }
  if (d.chance(noise.traditional)) out = toTraditional(out);
  if (d.chance(noise.straySpace)) out = straySpace(d, out);
  return out;
}

function presentOrgName(d: Draw, name: string): string {
  let out = name;
  const r = d.int(10);
  if (r < 3) out = out.replace(/^广州市/, '');
  else if (r < 5) out = out.replace(/^广州市/, '广州市海珠区');
  else if (r < 6) out = out.replace(/^广州市/, '广东省广州市');
  if (d.chance(0.15) && !out.includes('股份有限公司')) out = out.replace('有限公司', '有限责任公司');
  if (d.chance(0.04) && out.startsWith('广州市')) {
    // 恒丰（广州）餐饮管理有限公司
    out = out.slice(3, 5) + d.pick(['（广州）', '(广州)']) + out.slice(5);
  }
  if (d.chance(0.08)) out = toTraditional(out);
  if (d.chance(0.08)) out = straySpace(d, out);
  return out;
}

function presentPhone(d: Draw, phone: string): string {
  if (phone.startsWith('020')) {
    const local = phone.slice(3);
    return d.pick([
      `020-${local}`,
      `(020)${local}`,
      `（020）${local.slice(0, 4)} ${local.slice(4)}`,
      local,
      `+86 20 ${local}`,
      `020${local}转${100 + d.int(900)}`,
      fullWidth(`020-${local}`),
    ]);
  }
  return d.pick([
    phone,
    `+86 ${phone}`,
    `+86-${phone.slice(0, 3)}-${phone.slice(3, 7)}-${phone.slice(7)}`,
    `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`,
    `0086${phone}`,
    fullWidth(phone),
  ]);
}

function presentAddress(d: Draw, address: string): string {
  let out = address;
  if (d.chance(0.25)) out = out.replace(/(\d+)(号|楼)/g, (_m, n: string, unit: string) => [...n].map((x) => CN_DIGITS[Number(x)]).join('') + unit);
  if (d.chance(0.1)) out = fullWidth(out);
  const prefix = d.weighted([
    ['', 40],
    ['广州市海珠区', 25],
    ['广东省广州市海珠区', 20],
    ['海珠区', 15],
  ] as const);
  out = prefix + out;
  if (d.chance(0.1)) out = toTraditional(out);
  if (d.chance(0.1)) out = straySpace(d, out);
  return out;
}
