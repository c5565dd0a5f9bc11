// Organisation names split into the parts 企业名称登记管理规定 defines: administrative region, trade
// name (字号), industry (行业), organisation form (组织形式), and for a branch (分支机构) its place.
// Legacy systems add or drop the region and write 有限公司 as 有限责任公司, so the comparison key is
// trade + industry + branch; the form is kept for the one difference that matters (股份 vs 有限).

import { foldText } from './text-fold.js';

/** Organisation forms that differ in law; 有限公司 and 有限责任公司 are the same form. */
export type OrganisationForm = 'LIMITED' | 'JOINT_STOCK' | 'PARTNERSHIP' | 'SOLE_PROPRIETORSHIP' | 'COOPERATIVE' | 'COMPANY' | 'NONE';

export interface CompanyName {
  /** Region words found before (or bracketed inside) the name, folded; '' when written without. */
  region: string;
  trade: string;
  industry: string;
  form: OrganisationForm;
  /** For a branch office: its place (琶洲 in …有限公司琶洲分公司), '' when none is written; null for a head office. */
  branch: string | null;
  /** trade + '|' + industry (+ '|分' + place for a branch): what two spellings of one organisation share. */
  key: string;
}

// Region words, longest first within each level. Provinces, Guangdong's cities and Guangzhou's
// districts cover the demo district; other names stay in the trade part (safe: a mismatch is a miss).
const PROVINCES = [
  '广东省',
  '广东',
  '广西壮族自治区',
  '广西',
  '福建省',
  '福建',
  '湖南省',
  '湖南',
  '江西省',
  '江西',
  '海南省',
  '海南',
  '北京市',
  '北京',
  '上海市',
  '上海',
  '天津市',
  '天津',
  '重庆市',
  '重庆',
  '浙江省',
  '浙江',
  '江苏省',
  '江苏',
  '四川省',
  '四川',
  '湖北省',
  '湖北',
  '河南省',
  '河南',
  '河北省',
  '河北',
  '山东省',
  '山东',
  '香港',
  '澳门',
  '中国',
];
const CITIES = [
  '广州市',
  '广州',
  '深圳市',
  '深圳',
  '佛山市',
  '佛山',
  '东莞市',
  '东莞',
  '珠海市',
  '珠海',
  '中山市',
  '中山',
  '江门市',
  '江门',
  '惠州市',
  '惠州',
  '肇庆市',
  '肇庆',
  '汕头市',
  '汕头',
  '清远市',
  '清远',
  '韶关市',
  '韶关',
  '湛江市',
  '湛江',
];
const DISTRICTS = [
  '海珠区',
  '海珠',
  '越秀区',
  '越秀',
  '荔湾区',
  '荔湾',
  '天河区',
  '天河',
  '白云区',
  '白云',
  '黄埔区',
  '黄埔',
  '番禺区',
  '番禺',
  '花都区',
  '花都',
  '南沙区',
  '南沙',
  '从化区',
  '从化',
  '增城区',
  '增城',
  '福田区',
  '南山区',
  '宝安区',
  '龙岗区',
  '禅城区',
  '南海区',
  '顺德区',
];
const REGION_LEVELS = [PROVINCES, CITIES, DISTRICTS];
const ALL_REGIONS = new Set([...PROVINCES, ...CITIES, ...DISTRICTS]);
/** The region name without its level word, so 广州市海珠区 and 广州海珠 compare equal. */
const bareRegion = (r: string) => (r.length > 2 && /[省市区县]$/.test(r) && !r.endsWith('自治区') ? r.slice(0, -1) : r);

// Organisation forms, longest first so 股份有限公司 wins over 有限公司.
const FORMS: ReadonlyArray<readonly [string, OrganisationForm]> = [
  ['股份有限公司', 'JOINT_STOCK'],
  ['有限责任公司', 'LIMITED'],
  ['有限公司', 'LIMITED'],
  ['普通合伙企业', 'PARTNERSHIP'],
  ['有限合伙企业', 'PARTNERSHIP'],
  ['普通合伙', 'PARTNERSHIP'],
  ['有限合伙', 'PARTNERSHIP'],
  ['合伙企业', 'PARTNERSHIP'],
  ['个人独资企业', 'SOLE_PROPRIETORSHIP'],
  ['专业合作社', 'COOPERATIVE'],
  ['合作社', 'COOPERATIVE'],
  ['公司', 'COMPANY'],
];
const BRANCH_WORDS = ['分公司', '分店', '分厂', '分部', '分所', '分院', '营业部', '办事处', '分行', '支行'];

// Industry words (行业表述), longest first. The trade name is what precedes the industry.
const INDUSTRIES = [
  '企业管理咨询',
  '机电安装工程',
  '园林绿化工程',
  '房地产开发',
  '电子商务',
  '信息技术',
  '餐饮管理',
  '餐饮服务',
  '烘焙食品',
  '建筑工程',
  '建设工程',
  '装饰工程',
  '市政工程',
  '医疗科技',
  '口腔门诊部',
  '医药连锁',
  '健康管理',
  '酒店管理',
  '美容美发',
  '体育发展',
  '游泳健身',
  '文化传播',
  '物业管理',
  '教育科技',
  '网络科技',
  '生物科技',
  '环保科技',
  '进出口',
  '茶餐厅',
  '门诊部',
  '大药房',
  '食品',
  '饮食',
  '酒家',
  '诊所',
  '宾馆',
  '沐足',
  '贸易',
  '商贸',
  '科技',
  '物流',
  '实业',
  '投资',
  '咨询',
  '服务',
  '制衣',
  '五金',
  '电器',
  '汽车',
  '印刷',
  '广告',
].sort((a, b) => b.length - a.length);

/**
 * Splits a raw organisation name into its parts; the input may be unfolded (full-width, traditional,
 * spaces).
 *
 * @example
 * parseCompanyName('廣州市海珠區恆豐餐飲管理有限責任公司');
 * // { region: '广州海珠', trade: '恒丰', industry: '餐饮管理', form: 'LIMITED', branch: null, key: '恒丰|餐饮管理' }
 * parseCompanyName('恒丰餐饮管理有限公司琶洲分公司').key; // '恒丰|餐饮管理|分琶洲'
 */
export function parseCompanyName(raw: string): CompanyName {
  return parseFoldedCompanyName(foldText(raw));
}

/** parseCompanyName for text already passed through foldText. */
export function parseFoldedCompanyName(folded: string): CompanyName {
  let rest = folded;
  let branch: string | null = null;
  for (const w of BRANCH_WORDS) {
    if (rest.endsWith(w) && rest.length > w.length) {
      rest = rest.slice(0, -w.length);
      // The place sits between the head office's form and the branch word.
      let cut = -1;
      for (const [f] of FORMS) {
        const at = rest.lastIndexOf(f);
        if (at >= 0) {
          cut = at + f.length;
          break;
        }
      }
      branch = cut >= 0 ? rest.slice(cut) : '';
      if (cut >= 0) rest = rest.slice(0, cut);
      branch = stripRegions(branch).rest || branch;
      break;
    }
  }
  let form: OrganisationForm = 'NONE';
  for (const [f, kind] of FORMS) {
    if (rest.endsWith(f)) {
      form = kind;
      rest = rest.slice(0, -f.length);
      break;
    }
  }
  const stripped = stripRegions(rest);
  rest = stripped.rest;
  let region = stripped.region;
  // Region written in the middle in brackets, e.g. 恒丰（广州）餐饮: brackets are gone after folding,
  // so look for a region word right after a 2–3 character trade name.
  for (let at = 2; at <= 3 && region === ''; at++) {
    for (const r of CITIES) {
      if (rest.startsWith(r, at)) {
        region = bareRegion(r);
        rest = rest.slice(0, at) + rest.slice(at + r.length);
        break;
      }
    }
  }
  let industry = '';
  for (const w of INDUSTRIES) {
    if (rest.endsWith(w) && rest.length > w.length) {
      industry = w;
      rest = rest.slice(0, -w.length);
      break;
    }
  }
  const trade = rest;
  const key = `${trade}|${industry}${branch === null ? '' : `|分${branch}`}`;
  return { region, trade, industry, form, branch, key };
}

const LEVEL_WORDS = '省市区县';

/**
 * Removes leading region words: province, city and district, each at most once, in any order (海珠
 * (广州)区… is written district first, its city in brackets). A bare word (广州, 海珠) may be followed by
 * its level word, which goes with it. With `strict` (addresses), a bare word is only a region when
 * its level word or another region word follows: 广州大道南 is a street, not the city.
 *
 * @example
 * stripRegions('广东省广州市海珠区恒丰').region;          // '广东广州海珠'
 * stripRegions('海珠广州区优禾嘉实业').rest;              // '优禾嘉实业'
 * stripRegions('广州大道南168号', true).rest;             // '广州大道南168号'
 */
function stripRegions(text: string, strict = false): { region: string; rest: string } {
  const levels = ['', '', ''];
  let rest = text;
  for (;;) {
    let level = -1;
    let word = '';
    for (let l = 0; l < REGION_LEVELS.length && level < 0; l++) {
      if (levels[l] !== '') continue;
      // Keep at least three characters: 广州酒家 is a trade name, not a region before an industry word.
      const hit = REGION_LEVELS[l]!.find((r) => rest.startsWith(r) && rest.length - r.length >= 3);
      if (hit !== undefined) {
        level = l;
        word = hit;
      }
    }
    if (level < 0) break;
    let len = word.length;
    if (bareRegion(word) === word) {
      if (LEVEL_WORDS.includes(rest.charAt(len)) && rest.length - len - 1 >= 3) len++;
      else if (strict && !startsWithRegion(rest.slice(len))) break;
    }
    levels[level] = bareRegion(word);
    rest = rest.slice(len);
  }
  return { region: levels.join(''), rest };
}

function startsWithRegion(text: string): boolean {
  for (const level of REGION_LEVELS) for (const r of level) if (text.startsWith(r)) return true;
  return false;
}

const BARE_LEVELS = REGION_LEVELS.map((level) => [...new Set(level.map(bareRegion))].sort((a, b) => b.length - a.length));

/** A parsed region ('广东广州海珠') as [province, city, district], '' where absent; null if not parseable. */
function regionLevels(region: string): [string, string, string] | null {
  const out: [string, string, string] = ['', '', ''];
  let rest = region;
  for (let l = 0; l < BARE_LEVELS.length; l++) {
    const hit = BARE_LEVELS[l]!.find((r) => rest.startsWith(r));
    if (hit !== undefined) {
      out[l] = hit;
      rest = rest.slice(hit.length);
    }
  }
  return rest === '' ? out : null;
}

/**
 * True when two parsed regions can name the same place: each level both give (province, city,
 * district) agrees. 广东广州 / 广州海珠 / 广州 are compatible; 广州 / 深圳 are not.
 *
 * @example
 * regionsCompatible('广东广州', '广州海珠'); // true
 */
export function regionsCompatible(a: string, b: string): boolean {
  if (a.startsWith(b) || b.startsWith(a)) return true;
  const x = regionLevels(a);
  const y = regionLevels(b);
  if (x === null || y === null) return false;
  for (let l = 0; l < 3; l++) if (x[l] !== '' && y[l] !== '' && x[l] !== y[l]) return false;
  return true;
}

/** True when `word` is a known region name (used by address normalisation). */
export function isRegionWord(word: string): boolean {
  return ALL_REGIONS.has(word);
}

export { stripRegions };
