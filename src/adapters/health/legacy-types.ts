/**
 * The health department's nightly export (区卫生健康局, `xkxx_<YYYYMMDD>.csv`): GB18030, CRLF, RFC 4180
 * quoting, a Chinese header row, one row per permit with the applicant's columns repeated on each.
 * Cells are kept as the verbatim text the file holds; the mapper reads them.
 */

/** The export's columns by the names this code uses, and the header text that finds them. */
export const HEALTH_COLUMNS = {
  permitNo: '许可证号',
  applicantNo: '申请人编号',
  name: '单位名称',
  applicantType: '申请人类型',
  certType: '证件类型',
  certNo: '证件号码',
  tel: '联系电话',
  addr: '地址',
  itemCode: '事项编码',
  itemTitle: '许可项目',
  status: '状态',
  applyDate: '申请日期',
  decisionDate: '决定日期',
  expireDate: '有效期至',
  statutoryDays: '法定时限',
  committedDays: '承诺时限',
  usedDays: '实际用时',
} as const;

export type HealthColumn = keyof typeof HEALTH_COLUMNS;

/** A permit row that read cleanly (right column count, every byte decoded). */
export interface HealthPermitRow {
  kind: 'row';
  /** Physical line of the file the row starts on (the header is line 1). */
  line: number;
  permitNo: string;
  applicantNo: string;
  itemCode: string;
  itemTitle: string;
  /** 状态 as Chinese text, e.g. 准予许可. */
  status: string;
  /** `YYYY-MM-DD` or `YYYY/M/D`; blank when unknown. */
  applyDate: string;
  decisionDate: string;
  expireDate: string;
  /** Whole working days as text; blank when unknown. */
  statutoryDays: string;
  committedDays: string;
  usedDays: string;
}

/**
 * A row the connector could not serve: wrong column count, broken quoting, bytes that do not decode,
 * a 申请日期 that is no date (it cannot be placed in order), or a 许可证号 used twice. The mapper
 * rejects it; it never appears in a page.
 */
export interface HealthUnreadableRow {
  kind: 'unreadable';
  line: number;
  /** The 许可证号 cell when it could be read, else null. */
  permitNo: string | null;
  reason: string;
}

export type HealthPermitRecord = HealthPermitRow | HealthUnreadableRow;

/** An applicant as the export describes it: the applicant columns of its first row. */
export interface HealthApplicantRow {
  line: number;
  applicantNo: string;
  /** 单位名称: an organisation's or a person's name. */
  name: string;
  /** 单位 / 个人 / blank; often wrong. */
  applicantType: string;
  /** Free text: 统一社会信用代码, 居民身份证, 身份证, 护照 …; often wrong. */
  certType: string;
  certNo: string;
  tel: string;
  addr: string;
}

/** `xkxx_<YYYYMMDD>.csv`: only complete exports (the writer renames `.csv.part` into place). */
export const HEALTH_EXPORT_FILE = /^xkxx_(\d{8})\.csv$/;

/** The export's character set; GBK would corrupt the 4-byte sequences of rare name characters. */
export const HEALTH_EXPORT_ENCODING = 'gb18030';
