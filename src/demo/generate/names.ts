// Names of people and organisations, and the ways departments misspell them. All names are
// invented combinations; trade names are two random auspicious characters.

import type { Random } from './random.js';
import type { Sector } from './service-items.js';

// Weighted towards Guangdong's common surnames.
const SURNAMES = [
  '陈',
  '陈',
  '陈',
  '李',
  '李',
  '黄',
  '黄',
  '张',
  '梁',
  '林',
  '刘',
  '吴',
  '罗',
  '何',
  '郑',
  '王',
  '杨',
  '周',
  '谢',
  '冯',
  '邓',
  '曾',
  '彭',
  '麦',
  '钟',
  '苏',
  '叶',
  '潘',
  '卢',
  '朱',
  '蔡',
  '许',
  '郭',
  '莫',
  '欧阳',
  '司徒',
] as const;

const GIVEN = [
  '伟',
  '芳',
  '娜',
  '敏',
  '静',
  '丽',
  '强',
  '磊',
  '军',
  '洋',
  '勇',
  '艳',
  '杰',
  '娟',
  '涛',
  '明',
  '超',
  '霞',
  '平',
  '刚',
  '嘉',
  '俊',
  '浩',
  '婷',
  '欣',
  '怡',
  '子',
  '轩',
  '梓',
  '晴',
  '文',
  '志',
  '建',
  '国',
  '华',
  '锦',
  '泳',
  '诗',
  '颖',
  '慧',
  '健',
  '荣',
  '辉',
  '斌',
  '燕',
  '玲',
  '雪',
  '思',
  '宇',
  '晓',
  '海',
  '峰',
  '铭',
  '炜',
  '坤',
  '琳',
  '蕾',
  '婉',
  '凯',
  '彬',
  '妍',
  '韵',
  '乐',
  '添',
  '康',
  '永',
  '少',
  '秀',
  '英',
  '桂',
] as const;

/** Names that several different people in the district share. */
export const COMMON_NAMES = ['张伟', '王芳', '李娜'] as const;

/**
 * Characters used in names that GBK cannot encode but GB18030 encodes in four bytes (CJK Ext. A/B
 * and later). They test that the health export round-trips and that nothing downstream mangles them.
 */
export const RARE_NAME_CHARS = ['𠮷', '𫖯', '𬭚', '䲘', '㛃', '𬘬', '𪨶', '𬇙'] as const;

/** A person's name: surname plus one or two given-name characters. */
export function personName(r: Random): string {
  const given = r.chance(0.7) ? r.pick(GIVEN) + r.pick(GIVEN) : r.pick(GIVEN);
  return r.pick(SURNAMES) + given;
}

/** A person's name containing a rare 4-byte character. */
export function rarePersonName(r: Random): string {
  const rare = r.pick(RARE_NAME_CHARS);
  return r.pick(SURNAMES) + (r.chance(0.5) ? rare : r.pick(GIVEN) + rare);
}

const TRADE_CHARS = [
  '恒',
  '丰',
  '信',
  '达',
  '华',
  '盛',
  '泰',
  '和',
  '宏',
  '兴',
  '瑞',
  '德',
  '隆',
  '晟',
  '嘉',
  '宝',
  '利',
  '安',
  '康',
  '顺',
  '鑫',
  '源',
  '汇',
  '联',
  '创',
  '新',
  '启',
  '明',
  '骏',
  '逸',
  '锦',
  '诚',
  '益',
  '卓',
  '越',
  '粤',
  '珠',
  '江',
  '南',
  '誉',
  '凯',
  '拓',
  '弘',
  '茂',
  '润',
  '致',
  '远',
  '朗',
  '悦',
  '禾',
  '峰',
  '怡',
  '佳',
  '运',
] as const;

// Characters that look or sound alike; swapping one gives a different company with a near-identical
// name, the classic false-merge trap.
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

const INDUSTRIES: Record<Sector, readonly string[]> = {
  food: ['餐饮管理', '餐饮服务', '食品', '饮食', '烘焙食品', '酒家', '茶餐厅'],
  construction: ['建筑工程', '建设工程', '装饰工程', '房地产开发', '市政工程', '机电安装工程', '园林绿化工程'],
  medical: ['医疗科技', '口腔门诊部', '门诊部', '诊所', '医药连锁', '健康管理', '大药房'],
  leisure: ['酒店管理', '美容美发', '体育发展', '游泳健身', '文化传播', '宾馆', '沐足'],
  general: ['贸易', '商贸', '科技', '信息技术', '物业管理', '物流', '电子商务', '教育科技', '企业管理咨询'],
};

export const DISTRICT_PREFIX = '广州市海珠区';

const BRANCH_PLACES = ['海珠', '琶洲', '江南西', '赤岗', '滨江', '昌岗', '南洲', '新港', '工业大道', '宝岗'] as const;

export interface OrgNameParts {
  prefix: string;
  trade: string;
  industry: string;
  suffix: string;
}

/** Parts of an organisation name; `legalForm` 'nonprofit' gives names without 有限公司 (clinics etc.). */
export function orgNameParts(r: Random, sector: Sector, legalForm: 'company' | 'nonprofit'): OrgNameParts {
  const prefix = r.weighted({ [DISTRICT_PREFIX]: 45, 广州: 45, 广州市: 10 });
  const trade = r.pick(TRADE_CHARS) + r.pick(TRADE_CHARS) + (r.chance(0.15) ? r.pick(TRADE_CHARS) : '');
  const industry = r.pick(INDUSTRIES[sector]);
  const suffix = legalForm === 'nonprofit' ? '' : r.weighted({ 有限公司: 80, 有限责任公司: 15, 股份有限公司: 5 });
  return { prefix, trade, industry, suffix };
}

export function joinOrgName(p: OrgNameParts): string {
  return p.prefix + p.trade + p.industry + p.suffix;
}

/** The same name with one trade-name character swapped for a look-alike; null if none is swappable. */
export function lookalikeParts(r: Random, p: OrgNameParts): OrgNameParts | null {
  const chars = [...p.trade];
  const swappable = chars.map((c, i) => (LOOKALIKE[c] ? i : -1)).filter((i) => i >= 0);
  if (swappable.length === 0) return null;
  const at = r.pick(swappable);
  chars[at] = LOOKALIKE[chars[at]!]!;
  return { ...p, trade: chars.join('') };
}

/** A branch office's name: the head office's name plus a place and 分公司. */
export function branchName(r: Random, headOfficeName: string): string {
  return `${headOfficeName}${r.pick(BRANCH_PLACES)}分公司`;
}

/** How often a department applies each habit to an organisation name. */
export interface NameNoise {
  /** Add or drop the district prefix 广州市海珠区. */
  prefix: number;
  /** 有限公司 ↔ 有限责任公司. */
  suffix: number;
  /** A stray space (leading, trailing, inside, or an ideographic space). */
  space: number;
}

function straySpace(r: Random, name: string): string {
  const chars = [...name];
  switch (r.int(0, 3)) {
    case 0:
      return ` ${name}`;
    case 1:
      return `${name} `;
    case 2:
      return `${name}\u3000`;
    default: {
      const at = r.int(1, Math.max(1, chars.length - 1));
      return `${chars.slice(0, at).join('')} ${chars.slice(at).join('')}`;
    }
  }
}

/**
 * An organisation name as one department wrote it.
 *
 * @example
 * presentOrgName(r, '广州市海珠区恒丰餐饮管理有限公司', { prefix: 1, suffix: 1, space: 0 });
 * // '恒丰餐饮管理有限责任公司'
 */
export function presentOrgName(r: Random, name: string, noise: NameNoise): string {
  let out = name;
  if (r.chance(noise.prefix)) {
    if (out.startsWith(DISTRICT_PREFIX)) out = out.slice(DISTRICT_PREFIX.length);
    else if (out.startsWith('广州市')) out = DISTRICT_PREFIX + out.slice(3);
    else if (out.startsWith('广州')) out = DISTRICT_PREFIX + out.slice(2);
  }
  if (r.chance(noise.suffix)) {
    if (out.includes('有限责任公司')) out = out.replace('有限责任公司', '有限公司');
    else if (out.includes('有限公司') && !out.includes('股份有限公司')) out = out.replace('有限公司', '有限责任公司');
  }
  if (r.chance(noise.space)) out = straySpace(r, out);
  return out;
}

/** A person's name as one department wrote it: sometimes with a stray space. */
export function presentPersonName(r: Random, name: string, spaceShare: number): string {
  return r.chance(spaceShare) ? straySpace(r, name) : name;
}
