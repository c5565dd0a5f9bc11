// The demo district in memory: the ground truth (who really applied) plus what each department's
// legacy system holds about it. Field names of the legacy records follow each system's own contract
// (see src/demo/README.md), so adapters can be tested against exactly what they will read.

/** The departments that run approval systems, keyed as in the catalogue. */
export type DemoDepartmentCode = 'market' | 'housing' | 'health';

/** Every department in the catalogue, the bureau itself included. */
export type CatalogueDepartmentCode = DemoDepartmentCode | 'bureau';

/** One real-world applicant: the thing the hub's identity resolution should recover. */
export interface TrueApplicant {
  entityId: number;
  kind: 'ORGANISATION' | 'PERSON';
  /** The registered name (organisations) or the name on the ID card (persons). */
  name: string;
  /** Organisations: the USCC. Persons: null. */
  uscc: string | null;
  /** Persons: the 18-digit resident ID. Organisations: null. */
  residentId: string | null;
  /** A branch office (分公司) is its own legal entity; this names its head office when that applied too. */
  parentEntityId: number | null;
  /** Canonical contact data; departments hold variants of these. */
  phone: string;
  address: string;
}

/** What a legacy record holds in place of the applicant's identity code. */
export type IdentifierCode =
  | 'USCC'
  | 'ORG_CODE'
  | 'RESIDENT_ID_18'
  | 'RESIDENT_ID_15'
  /** A valid form with one character mistyped, so its check character fails. */
  | 'BROKEN'
  /** Something that is no identifier at all ('无', '/', a phone number …). */
  | 'JUNK'
  | 'NONE';

/** How the stored identifier is written. */
export type IdentifierNoise = 'none' | 'lower' | 'spaces' | 'dashes' | 'fullwidth' | 'legacy-dash';

export interface IdentifierPresentation {
  code: IdentifierCode;
  noise: IdentifierNoise;
}

/** Ground truth: which true applicant a department's local applicant record belongs to. */
export interface TruthEntry {
  department: DemoDepartmentCode;
  localApplicantId: string;
  entityId: number;
  /** How that record spells the identifier (for tests of normalisation). */
  identifier: IdentifierPresentation;
}

// ---- market: 区市场监督管理局, relational database ----

/** A row of `sqr` (申请人). */
export interface MarketApplicant {
  sqrid: number;
  qymc: string;
  sqrlx: string | null;
  tyshxydm: string | null;
  zjlx: string | null;
  zjhm: string | null;
  lxdh: string | null;
  dz: string | null;
}

/** A row of `xksq` (许可申请). Timestamps are local Asia/Shanghai 'YYYY-MM-DD HH:MM:SS'. */
export interface MarketPermit {
  sqbh: string;
  sqrid: number;
  sxbm: string;
  xkmc: string;
  ztdm: string;
  slrq: string;
  jdrq: string | null;
  /** 'YYYY-MM-DD' */
  yxqz: string | null;
  fdsx: number | null;
  cnsx: number | null;
  sjys: number | null;
}

/** A row of `zt_dm` (状态代码). */
export interface MarketStatusCode {
  dm: string;
  mc: string;
}

// ---- housing: 区住房和城乡建设局, JSON over HTTP ----

export interface HousingUnit {
  unitId: string;
  unitName: string;
  /** 1 org, 2 person; sometimes wrong. */
  unitType: number;
  /** 1 USCC, 2 org code, 3 resident ID, 9 other; often wrong. */
  certType: number;
  certNo: string;
  tel: string;
  addr: string;
}

export interface HousingPermit {
  permitNo: string;
  unitId: string;
  itemCode: string;
  projectName: string;
  /** 10 提交, 20 受理, 30 审核中, 40 核准, 50 不予核准, 60 撤回, 70 吊销, 80 过期, 0 or other unknown. */
  statusCode: number;
  /** YYYYMMDD */
  applyDate: string;
  /** YYYYMMDD or '' */
  approveDate: string;
  /** YYYYMMDD or '' */
  expireDate: string;
  limitDays: number | null;
  promiseDays: number | null;
  usedDays: number | null;
}

// ---- health: 区卫生健康局, nightly GB18030 CSV ----

/** The applicant columns of the health export (repeated on each of the applicant's rows). */
export interface HealthApplicant {
  /** 申请人编号 */
  applicantNo: string;
  /** 单位名称 */
  name: string;
  /** 申请人类型: 单位 / 个人 / '' */
  applicantType: string;
  /** 证件类型, free text */
  certType: string;
  /** 证件号码 */
  certNo: string;
  /** 联系电话 */
  tel: string;
  /** 地址 */
  addr: string;
}

/** A deliberately broken export row, so adapters' bad-data reporting has something to find. */
export type HealthRowDefect = 'UNQUOTED_COMMA' | 'MISSING_COLUMNS' | 'BAD_DATE';

/** The permit columns of the health export; dates already as exported ('YYYY-MM-DD', 'YYYY/M/D' or ''). */
export interface HealthPermit {
  /** 许可证号 */
  permitNo: string;
  applicantNo: string;
  /** 事项编码 */
  itemCode: string;
  /** 许可项目 */
  itemTitle: string;
  /** 状态, Chinese text */
  status: string;
  applyDate: string;
  decisionDate: string;
  expireDate: string;
  statutoryDays: number | null;
  committedDays: number | null;
  usedDays: number | null;
  defect: HealthRowDefect | null;
}

// ---- bureau: 区政务服务数据管理局, the hub's own catalogue ----

export type PowerCategory = 'LICENSING' | 'PENALTY' | 'COERCION' | 'LEVY' | 'BENEFIT' | 'INSPECTION' | 'CONFIRMATION' | 'REWARD' | 'ADJUDICATION' | 'OTHER';

export interface CatalogueDepartment {
  code: CatalogueDepartmentCode;
  name: string;
}

export interface ServiceItem {
  code: string;
  name: string;
  departmentCode: CatalogueDepartmentCode;
  category: PowerCategory;
  statutoryDays: number | null;
  committedDays: number | null;
  instant: boolean;
  legalBasis: string;
}

export interface DisclosureItem {
  id: string;
  title: string;
  category: string;
  publisherCode: CatalogueDepartmentCode;
  /** ISO 8601 with +08:00 */
  publishedAt: string;
  body: string;
  mode: 'PROACTIVE' | 'ON_REQUEST';
}

export interface Catalogue {
  departments: CatalogueDepartment[];
  serviceItems: ServiceItem[];
  disclosureItems: DisclosureItem[];
}

/** Everything the generator produces; see `generateDemoDistrict`. */
export interface DemoDistrict {
  seed: number;
  scale: number;
  /** The fixed "today" of the district (YYYY-MM-DD); nothing happens after it. */
  today: string;
  entities: TrueApplicant[];
  truth: TruthEntry[];
  market: { statusCodes: MarketStatusCode[]; applicants: MarketApplicant[]; permits: MarketPermit[] };
  housing: { units: HousingUnit[]; permits: HousingPermit[] };
  health: { applicants: HealthApplicant[]; permits: HealthPermit[] };
  catalogue: Catalogue;
}
