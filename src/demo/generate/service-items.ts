// The bureau's service-item catalogue for the demo district. Names and legal bases follow real
// Guangdong catalogues; codes are our own. Licensing items carry a `licence` profile that tells the
// generator who applies for them and what the permit looks like; the profile is not published.

import type { CatalogueDepartment, PowerCategory, ServiceItem } from './types.js';

export const CATALOGUE_DEPARTMENTS: readonly CatalogueDepartment[] = [
  { code: 'market', name: '区市场监督管理局' },
  { code: 'housing', name: '区住房和城乡建设局' },
  { code: 'health', name: '区卫生健康局' },
  { code: 'bureau', name: '区政务服务数据管理局' },
];

/** Industries of organisations; licensing items say which ones apply for them. */
export type Sector = 'food' | 'construction' | 'medical' | 'leisure' | 'general';

/** How a licensing item's permits are generated. */
export interface LicenceProfile {
  /** Who applies: organisations of these sectors, and/or persons. */
  sectors: readonly Sector[];
  persons: boolean;
  /** Validity of the granted licence in years; null = no expiry date. */
  validYears: number | null;
  /** Relative frequency among the department's licensing items. */
  weight: number;
  /** Permit title templates; `{road}`, `{no}`, `{plot}`, `{sub}` are filled in. */
  titles: readonly string[];
  /** Values for `{sub}`. */
  subs?: readonly string[];
}

export interface CatalogueEntry extends ServiceItem {
  licence?: LicenceProfile;
}

const ALL_SECTORS: readonly Sector[] = ['food', 'construction', 'medical', 'leisure', 'general'];

function item(
  code: string,
  name: string,
  departmentCode: ServiceItem['departmentCode'],
  category: PowerCategory,
  limits: [statutory: number | null, committed: number | null, instant?: boolean],
  legalBasis: string,
  licence?: LicenceProfile,
): CatalogueEntry {
  const [statutoryDays, committedDays, instant = false] = limits;
  return { code, name, departmentCode, category, statutoryDays, committedDays, instant, legalBasis, ...(licence ? { licence } : {}) };
}

const LICENSING_BASIS = '《中华人民共和国行政许可法》第四十二条';

export const SERVICE_ITEMS: readonly CatalogueEntry[] = [
  // ---- 区市场监督管理局 ----
  item(
    'SCJ-XK-001',
    '企业设立登记（营业执照核发）',
    'market',
    'LICENSING',
    [15, 1, true],
    '《中华人民共和国公司法》第二十九条；《中华人民共和国市场主体登记管理条例》第十九条',
    { sectors: ALL_SECTORS, persons: false, validYears: null, weight: 6, titles: ['企业设立登记', '营业执照核发（设立）'] },
  ),
  item('SCJ-XK-002', '企业变更登记', 'market', 'LICENSING', [15, 1, true], '《中华人民共和国市场主体登记管理条例》第二十四条', {
    sectors: ALL_SECTORS,
    persons: false,
    validYears: null,
    weight: 5,
    titles: ['企业变更登记（{sub}）'],
    subs: ['住所变更', '法定代表人变更', '经营范围变更', '注册资本变更'],
  }),
  item('SCJ-XK-003', '企业注销登记', 'market', 'LICENSING', [10, 1, true], '《中华人民共和国市场主体登记管理条例》第三十一条', {
    sectors: ALL_SECTORS,
    persons: false,
    validYears: null,
    weight: 1,
    titles: ['企业注销登记', '简易注销登记'],
  }),
  item(
    'SCJ-XK-004',
    '个体工商户设立登记',
    'market',
    'LICENSING',
    [15, 0, true],
    '《促进个体工商户发展条例》第八条；《中华人民共和国市场主体登记管理条例》第十九条',
    {
      sectors: [],
      persons: true,
      validYears: null,
      weight: 6,
      titles: ['个体工商户设立登记（{sub}）'],
      subs: ['餐饮店', '便利店', '理发店', '五金店', '水果店', '服装店'],
    },
  ),
  item('SCJ-XK-005', '食品经营许可（新办）', 'market', 'LICENSING', [20, 10], `《中华人民共和国食品安全法》第三十五条；${LICENSING_BASIS}`, {
    sectors: ['food', 'leisure', 'medical'],
    persons: true,
    validYears: 5,
    weight: 6,
    titles: ['食品经营许可证（{sub}）'],
    subs: ['餐饮服务', '食品销售', '单位食堂', '餐饮服务,食品销售'],
  }),
  item(
    'SCJ-XK-006',
    '食品经营许可（延续）',
    'market',
    'LICENSING',
    [20, 5],
    '《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第三十一条',
    { sectors: ['food', 'leisure'], persons: true, validYears: 5, weight: 3, titles: ['食品经营许可证延续（{sub}）'], subs: ['餐饮服务', '食品销售'] },
  ),
  item(
    'SCJ-XK-007',
    '食品经营许可（变更）',
    'market',
    'LICENSING',
    [20, 5],
    '《中华人民共和国食品安全法》第三十五条；《食品经营许可和备案管理办法》第二十六条',
    {
      sectors: ['food', 'leisure'],
      persons: true,
      validYears: 5,
      weight: 2,
      titles: ['食品经营许可证变更（{sub}）'],
      subs: ['经营项目变更', '主体名称变更', '"网络经营"项目增加'],
    },
  ),
  item('SCJ-XK-008', '药品零售企业经营许可', 'market', 'LICENSING', [30, 15], '《中华人民共和国药品管理法》第五十二条；《药品经营和使用质量监督管理办法》', {
    sectors: ['medical', 'general'],
    persons: false,
    validYears: 5,
    weight: 2,
    titles: ['药品经营许可证（零售）'],
  }),
  item('SCJ-XK-009', '特种设备使用登记', 'market', 'LICENSING', [15, 5], '《中华人民共和国特种设备安全法》第三十三条', {
    sectors: ['construction', 'leisure', 'general', 'food'],
    persons: false,
    validYears: null,
    weight: 3,
    titles: ['特种设备使用登记（{sub}）'],
    subs: ['电梯', '锅炉', '压力容器', '场（厂）内专用机动车辆'],
  }),
  item('SCJ-XK-010', '小餐饮登记', 'market', 'LICENSING', [10, 1, true], '《广东省食品生产加工小作坊和食品摊贩管理条例》第二十二条', {
    sectors: [],
    persons: true,
    validYears: 3,
    weight: 3,
    titles: ['小餐饮登记证', '小餐饮登记证（延续）'],
  }),
  item('SCJ-CF-001', '对未取得食品经营许可从事食品经营活动的行政处罚', 'market', 'PENALTY', [null, null], '《中华人民共和国食品安全法》第一百二十二条'),
  item('SCJ-CF-002', '对经营不符合食品安全标准的食品的行政处罚', 'market', 'PENALTY', [null, null], '《中华人民共和国食品安全法》第一百二十四条'),
  item('SCJ-CF-003', '对发布虚假广告的行政处罚', 'market', 'PENALTY', [null, null], '《中华人民共和国广告法》第五十五条'),
  item('SCJ-QZ-001', '查封、扣押不符合食品安全标准的食品', 'market', 'COERCION', [null, null], '《中华人民共和国食品安全法》第一百一十条'),
  item('SCJ-QZ-002', '查封、扣押存在严重事故隐患的特种设备', 'market', 'COERCION', [null, null], '《中华人民共和国特种设备安全法》第六十一条'),
  item('SCJ-JC-001', '食品经营者监督检查', 'market', 'INSPECTION', [null, null], '《中华人民共和国食品安全法》第一百一十条；《食品生产经营监督检查管理办法》'),
  item('SCJ-JC-002', '特种设备安全监督检查', 'market', 'INSPECTION', [null, null], '《中华人民共和国特种设备安全法》第五十七条'),
  item('SCJ-JC-003', '产品质量监督抽查', 'market', 'INSPECTION', [null, null], '《中华人民共和国产品质量法》第十五条'),
  item('SCJ-JL-001', '食品安全违法行为举报奖励', 'market', 'REWARD', [30, 20], '《中华人民共和国食品安全法》第一百一十五条'),
  item('SCJ-CJ-001', '专利侵权纠纷行政裁决', 'market', 'ADJUDICATION', [null, null], '《中华人民共和国专利法》第六十五条'),
  item('SCJ-QT-001', '企业年度报告公示', 'market', 'OTHER', [null, 0, true], '《企业信息公示暂行条例》第八条'),
  item('SCJ-QT-002', '第二类医疗器械经营备案', 'market', 'OTHER', [null, 0, true], '《医疗器械监督管理条例》第四十一条'),

  // ---- 区住房和城乡建设局 ----
  item('ZJJ-XK-001', '建筑工程施工许可证核发', 'housing', 'LICENSING', [7, 3], '《中华人民共和国建筑法》第七条、第八条；《建筑工程施工许可管理办法》', {
    sectors: ['construction', 'general'],
    persons: false,
    validYears: null,
    weight: 6,
    titles: ['{road}{no}号{sub}', '海珠区{plot}地块{sub}'],
    subs: ['商业办公楼项目', '住宅楼项目', '厂房改造工程', '学校教学楼工程', '综合楼装修工程'],
  }),
  item('ZJJ-XK-002', '建筑工程施工许可证变更', 'housing', 'LICENSING', [7, 2], '《建筑工程施工许可管理办法》第十条', {
    sectors: ['construction'],
    persons: false,
    validYears: null,
    weight: 2,
    titles: ['{road}{no}号{sub}（变更）'],
    subs: ['商业办公楼项目', '住宅楼项目', '综合楼装修工程'],
  }),
  item('ZJJ-XK-003', '建设工程消防设计审查', 'housing', 'LICENSING', [15, 10], '《中华人民共和国消防法》第十一条；《建设工程消防设计审查验收管理暂行规定》', {
    sectors: ALL_SECTORS,
    persons: false,
    validYears: null,
    weight: 4,
    titles: ['{road}{no}号{sub}消防设计审查'],
    subs: ['室内装修工程', '商铺改造', '餐厅装修工程', '诊所装修工程', '办公楼'],
  }),
  item('ZJJ-XK-004', '建设工程消防验收', 'housing', 'LICENSING', [15, 10], '《中华人民共和国消防法》第十三条', {
    sectors: ALL_SECTORS,
    persons: false,
    validYears: null,
    weight: 3,
    titles: ['{road}{no}号{sub}消防验收'],
    subs: ['室内装修工程', '商铺改造', '办公楼', '"海珠湾"综合体一期'],
  }),
  item(
    'ZJJ-XK-005',
    '城市建筑垃圾处置核准',
    'housing',
    'LICENSING',
    [20, 5],
    '《城市建筑垃圾管理规定》第七条；《国务院对确需保留的行政审批项目设定行政许可的决定》',
    { sectors: ['construction'], persons: false, validYears: 1, weight: 2, titles: ['{road}{no}号工地建筑垃圾处置'] },
  ),
  item('ZJJ-XK-006', '商品房预售许可', 'housing', 'LICENSING', [10, 5], '《中华人民共和国城市房地产管理法》第四十五条；《城市商品房预售管理办法》', {
    sectors: ['construction'],
    persons: false,
    validYears: null,
    weight: 1,
    titles: ['海珠区{plot}地块{sub}预售'],
    subs: ['住宅', '商业', '公寓'],
  }),
  item('ZJJ-XK-007', '建筑施工特种作业人员操作资格核准', 'housing', 'LICENSING', [20, 10], '《建设工程安全生产管理条例》第二十五条', {
    sectors: [],
    persons: true,
    validYears: 2,
    weight: 3,
    titles: ['特种作业操作资格（{sub}）'],
    subs: ['建筑电工', '建筑架子工', '建筑起重信号司索工', '建筑焊工'],
  }),
  item('ZJJ-XK-008', '二级建造师执业注册初审', 'housing', 'LICENSING', [20, 10], '《注册建造师管理规定》第十二条', {
    sectors: [],
    persons: true,
    validYears: 3,
    weight: 2,
    titles: ['二级建造师初始注册（{sub}）', '二级建造师延续注册（{sub}）'],
    subs: ['建筑工程', '市政公用工程', '机电工程'],
  }),
  item('ZJJ-ZS-001', '城市基础设施配套费征收', 'housing', 'LEVY', [null, null], '《广州市城市基础设施配套费征收使用管理办法》'),
  item('ZJJ-ZS-002', '防空地下室易地建设费征收', 'housing', 'LEVY', [null, null], '《中华人民共和国人民防空法》第二十二条'),
  item('ZJJ-JF-001', '公共租赁住房租赁补贴发放', 'housing', 'BENEFIT', [20, 15], '《公共租赁住房管理办法》第二条；《广州市公共租赁住房保障办法》'),
  item('ZJJ-CF-001', '对未取得施工许可证擅自施工的行政处罚', 'housing', 'PENALTY', [null, null], '《中华人民共和国建筑法》第六十四条'),
  item('ZJJ-CF-002', '对建设单位未组织竣工验收擅自交付使用的行政处罚', 'housing', 'PENALTY', [null, null], '《建设工程质量管理条例》第五十八条'),
  item('ZJJ-QZ-001', '查封违法建设工程施工现场', 'housing', 'COERCION', [null, null], '《中华人民共和国行政强制法》第九条；《建设工程质量管理条例》'),
  item('ZJJ-JC-001', '建设工程质量安全监督检查', 'housing', 'INSPECTION', [null, null], '《建设工程质量管理条例》第四十七条'),
  item('ZJJ-CJ-001', '物业管理区域划分争议裁决', 'housing', 'ADJUDICATION', [null, null], '《广东省物业管理条例》第十一条'),
  item('ZJJ-QR-001', '房屋建筑和市政基础设施工程竣工验收备案', 'housing', 'CONFIRMATION', [15, 1, true], '《建设工程质量管理条例》第四十九条'),
  item('ZJJ-QR-002', '住房保障资格确认', 'housing', 'CONFIRMATION', [30, 20], '《广州市公共租赁住房保障办法》第十五条'),
  item('ZJJ-JL-001', '建设工程质量安全文明施工示范工地表彰', 'housing', 'REWARD', [null, null], '《建设工程安全生产管理条例》第八条'),
  item('ZJJ-QT-001', '房屋租赁登记备案', 'housing', 'OTHER', [3, 0, true], '《商品房屋租赁管理办法》第十四条'),

  // ---- 区卫生健康局 ----
  item('WJJ-XK-001', '医疗机构设置审批', 'health', 'LICENSING', [30, 15], '《医疗机构管理条例》第九条、第十条', {
    sectors: ['medical'],
    persons: true,
    validYears: null,
    weight: 2,
    titles: ['{sub}设置审批'],
    subs: ['诊所', '门诊部', '口腔门诊部', '中医诊所'],
  }),
  item('WJJ-XK-002', '医疗机构执业登记', 'health', 'LICENSING', [45, 20], '《医疗机构管理条例》第十五条、第十七条', {
    sectors: ['medical'],
    persons: true,
    validYears: 5,
    weight: 3,
    titles: ['医疗机构执业许可证（{sub}）'],
    subs: ['诊所', '门诊部', '口腔门诊部', '医学检验实验室'],
  }),
  item('WJJ-XK-003', '医疗机构执业登记校验', 'health', 'LICENSING', [20, 10], '《医疗机构管理条例》第二十二条', {
    sectors: ['medical'],
    persons: true,
    validYears: 5,
    weight: 2,
    titles: ['医疗机构校验'],
  }),
  item('WJJ-XK-004', '公共场所卫生许可', 'health', 'LICENSING', [20, 5], '《公共场所卫生管理条例》第八条；《公共场所卫生管理条例实施细则》第二十二条', {
    sectors: ['leisure', 'food', 'general'],
    persons: true,
    validYears: 4,
    weight: 6,
    titles: ['公共场所卫生许可证（{sub}）'],
    subs: ['美容美发场所', '住宿场所', '游泳场所', '沐浴场所', '商场（店）、书店', '住宿场所,游泳场所'],
  }),
  item('WJJ-XK-005', '医师执业注册', 'health', 'LICENSING', [20, 10], '《中华人民共和国医师法》第十四条', {
    sectors: [],
    persons: true,
    validYears: null,
    weight: 4,
    titles: ['医师执业注册（{sub}）', '医师变更执业注册（{sub}）'],
    subs: ['内科专业', '外科专业', '口腔专业', '中医专业', '全科医学专业'],
  }),
  item('WJJ-XK-006', '护士执业注册', 'health', 'LICENSING', [20, 10], '《护士条例》第八条', {
    sectors: [],
    persons: true,
    validYears: 5,
    weight: 4,
    titles: ['护士执业注册', '护士延续注册'],
  }),
  item('WJJ-XK-007', '放射诊疗许可', 'health', 'LICENSING', [20, 15], '《放射性同位素与射线装置安全和防护条例》；《放射诊疗管理规定》第十二条', {
    sectors: ['medical'],
    persons: false,
    validYears: null,
    weight: 1,
    titles: ['放射诊疗许可（{sub}）'],
    subs: ['X射线影像诊断', '口腔CT'],
  }),
  item(
    'WJJ-XK-008',
    '生活饮用水供水单位卫生许可',
    'health',
    'LICENSING',
    [20, 10],
    '《中华人民共和国传染病防治法》第二十九条；《生活饮用水卫生监督管理办法》第七条',
    { sectors: ['general', 'leisure', 'construction'], persons: false, validYears: 4, weight: 1, titles: ['二次供水卫生许可证', '现制现售饮用水卫生许可证'] },
  ),
  item('WJJ-XK-009', '母婴保健技术服务执业许可', 'health', 'LICENSING', [20, 15], '《中华人民共和国母婴保健法》第三十二条', {
    sectors: ['medical'],
    persons: false,
    validYears: 3,
    weight: 1,
    titles: ['母婴保健技术服务执业许可证'],
  }),
  item('WJJ-CF-001', '对未取得医疗机构执业许可证擅自执业的行政处罚', 'health', 'PENALTY', [null, null], '《中华人民共和国基本医疗卫生与健康促进法》第九十九条'),
  item('WJJ-CF-002', '对公共场所经营者未取得卫生许可证擅自营业的行政处罚', 'health', 'PENALTY', [null, null], '《公共场所卫生管理条例实施细则》第三十五条'),
  item('WJJ-QZ-001', '封存可能导致职业病危害事故的材料和设备', 'health', 'COERCION', [null, null], '《中华人民共和国职业病防治法》第六十四条'),
  item('WJJ-QZ-002', '封闭被传染病病原体污染的公共饮用水源', 'health', 'COERCION', [null, null], '《中华人民共和国传染病防治法》第五十五条'),
  item('WJJ-JC-001', '公共场所卫生监督检查', 'health', 'INSPECTION', [null, null], '《公共场所卫生管理条例》第十条'),
  item('WJJ-JC-002', '医疗机构依法执业监督检查', 'health', 'INSPECTION', [null, null], '《医疗机构管理条例》第三十九条'),
  item('WJJ-JF-001', '计划生育家庭特别扶助金给付', 'health', 'BENEFIT', [20, 15], '《中华人民共和国人口与计划生育法》第三十一条'),
  item('WJJ-JF-002', '农村部分计划生育家庭奖励扶助金给付', 'health', 'BENEFIT', [20, 15], '《广东省人口与计划生育条例》'),
  item('WJJ-QR-001', '出生医学证明签发', 'health', 'CONFIRMATION', [5, 1, true], '《中华人民共和国母婴保健法》第二十三条'),
  item('WJJ-JL-001', '对在传染病防治工作中做出显著成绩的单位和个人给予表彰奖励', 'health', 'REWARD', [null, null], '《中华人民共和国传染病防治法》第十一条'),
  item('WJJ-JL-002', '无偿献血表彰奖励', 'health', 'REWARD', [null, null], '《中华人民共和国献血法》第十四条'),
  item('WJJ-QT-001', '诊所备案', 'health', 'OTHER', [null, 0, true], '《医疗机构管理条例》第九条（2022年修订）'),

  // ---- 区政务服务数据管理局 ----
  item('ZSJ-QT-001', '政府信息公开申请办理', 'bureau', 'OTHER', [20, 15], '《中华人民共和国政府信息公开条例》第三十三条'),
  item('ZSJ-QT-002', '公共数据共享申请审核', 'bureau', 'OTHER', [10, 5], '《政务信息资源共享管理暂行办法》（国发〔2016〕51号）第十二条'),
  item('ZSJ-JC-001', '进驻政务服务中心事项办理情况监督检查', 'bureau', 'INSPECTION', [null, null], '《广东省政务服务数据管理办法》'),
  item(
    'ZSJ-JL-001',
    '政务服务"好差评"先进窗口表彰',
    'bureau',
    'REWARD',
    [null, null],
    '《国务院办公厅关于建立政务服务"好差评"制度提高政务服务水平的意见》（国办发〔2019〕51号）',
  ),
  item(
    'ZSJ-QR-001',
    '政务服务事项实施清单确认',
    'bureau',
    'CONFIRMATION',
    [10, 5],
    '《国务院关于加快推进全国一体化在线政务服务平台建设的指导意见》（国发〔2018〕27号）',
  ),
];

/** The published form of the catalogue: the generator-only `licence` profile is dropped. */
export function publishedServiceItems(): ServiceItem[] {
  return SERVICE_ITEMS.map(({ licence: _licence, ...published }) => published);
}

/** Licensing items of one department that have a licence profile (all of them do). */
export function licensingItemsOf(department: ServiceItem['departmentCode']): CatalogueEntry[] {
  return SERVICE_ITEMS.filter((i) => i.departmentCode === department && i.category === 'LICENSING' && i.licence);
}
