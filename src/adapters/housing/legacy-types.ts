/**
 * The housing department's JSON-over-HTTP API (区住房和城乡建设局, `/api/v2`), as its vendor defined it:
 * numeric codes, dates as `YYYYMMDD` strings, every answer wrapped in `{ code, msg, data }`.
 */

/** A 单位 (applicant unit): an organisation or a person, despite the name. */
export interface Unit {
  unitId: string;
  unitName: string;
  /** 1 organisation, 2 person; sometimes wrong. */
  unitType: number;
  /** 1 USCC, 2 organisation code, 3 resident ID, 9 other; often wrong. */
  certType: number;
  certNo: string;
  tel: string;
  addr: string;
}

/** One permit case (审批件). */
export interface HPermit {
  permitNo: string;
  unitId: string;
  itemCode: string;
  projectName: string;
  /** See `housingStatusCodes`; any other number is unknown. */
  statusCode: number;
  /** 申请日期, `YYYYMMDD` (local date). */
  applyDate: string;
  /** 核准日期, `YYYYMMDD` or ''. */
  approveDate: string;
  /** 有效期至, `YYYYMMDD` or ''. */
  expireDate: string;
  /** 法定时限 (working days). */
  limitDays: number | null;
  /** 承诺时限. */
  promiseDays: number | null;
  /** 实际用时. */
  usedDays: number | null;
}

/**
 * Every answer, errors included (those come as HTTP 200 with code 400, 404 or 500). Lists are
 * `data = { total, rows }`; `total` counts the rows matching the filters, ignoring `after` and `limit`.
 */
export interface HousingEnvelope<Row> {
  code: number;
  msg: string;
  data?: { total: number; rows: Row[] };
}

/** The most rows one list request may ask for (`limit`, or `size` for units). */
export const HOUSING_MAX_LIMIT = 1000;
