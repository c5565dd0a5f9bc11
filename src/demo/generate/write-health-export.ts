import { join } from 'node:path';
import iconv from 'iconv-lite';
import { openAtomicFile } from './atomic-file.js';
import type { DemoDistrict, HealthApplicant, HealthPermit, HealthRowDefect } from './types.js';

/** The export's header, in column order. */
export const HEALTH_EXPORT_COLUMNS = [
  '许可证号',
  '申请人编号',
  '单位名称',
  '申请人类型',
  '证件类型',
  '证件号码',
  '联系电话',
  '地址',
  '事项编码',
  '许可项目',
  '状态',
  '申请日期',
  '决定日期',
  '有效期至',
  '法定时限',
  '承诺时限',
  '实际用时',
] as const;

const ROWS_PER_CHUNK = 1000;

/** RFC 4180: quote fields holding a comma, a quote or a line break; double inner quotes. */
function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

const num = (n: number | null): string => (n === null ? '' : String(n));

function fields(a: HealthApplicant, p: HealthPermit): string[] {
  return [
    p.permitNo,
    a.applicantNo,
    a.name,
    a.applicantType,
    a.certType,
    a.certNo,
    a.tel,
    a.addr,
    p.itemCode,
    p.itemTitle,
    p.status,
    p.applyDate,
    p.decisionDate,
    p.expireDate,
    num(p.statutoryDays),
    num(p.committedDays),
    num(p.usedDays),
  ];
}

function csvLine(a: HealthApplicant, p: HealthPermit): string {
  const f = fields(a, p);
  switch (p.defect) {
    // The vendor's exporter forgot to quote this column once: its comma adds a column.
    case 'UNQUOTED_COMMA':
      return f.map((v, i) => (i === 9 ? v : csvField(v))).join(',');
    // A row cut short (the export job was killed mid-line and resumed).
    case 'MISSING_COLUMNS':
      return f.slice(0, 12).map(csvField).join(',');
    case 'BAD_DATE':
    case null:
      return f.map(csvField).join(',');
  }
}

export interface HealthExportResult {
  file: string;
  /** Data rows written (bad ones included). */
  rows: number;
  /** The deliberately broken rows, by 许可证号. */
  badRows: Array<{ permitNo: string; defect: HealthRowDefect }>;
}

/**
 * Writes the health department's nightly export `dir/xkxx_<date>.csv`: GB18030, CRLF, a Chinese
 * header row, RFC 4180 quoting. It is written as `.csv.part` and renamed, because the adapter only
 * reads complete `*.csv` files. `date` defaults to the district's today.
 *
 * @example
 * const { file, badRows } = await writeHealthExport('/tmp/demo', district, '20240628');
 * // file = '/tmp/demo/xkxx_20240628.csv'; badRows lists the rows adapters should reject
 */
export async function writeHealthExport(dir: string, district: DemoDistrict, date?: string): Promise<HealthExportResult> {
  const stamp = date ?? district.today.replace(/-/g, '');
  if (!/^\d{8}$/.test(stamp)) throw new RangeError(`writeHealthExport: date must be YYYYMMDD, got "${stamp}"`);
  const file = join(dir, `xkxx_${stamp}.csv`);
  const applicants = new Map(district.health.applicants.map((a) => [a.applicantNo, a]));
  const permits = district.health.permits;
  const badRows: HealthExportResult['badRows'] = [];
  const f = openAtomicFile(file);
  try {
    await f.write(iconv.encode(`${HEALTH_EXPORT_COLUMNS.join(',')}\r\n`, 'gb18030'));
    for (let at = 0; at < permits.length; at += ROWS_PER_CHUNK) {
      let chunk = '';
      for (let i = at; i < Math.min(permits.length, at + ROWS_PER_CHUNK); i++) {
        const p = permits[i]!;
        const a = applicants.get(p.applicantNo);
        if (a === undefined) throw new Error(`writeHealthExport: permit ${p.permitNo} has unknown applicant ${p.applicantNo}`);
        if (p.defect !== null) badRows.push({ permitNo: p.permitNo, defect: p.defect });
        chunk += `${csvLine(a, p)}\r\n`;
      }
      await f.write(iconv.encode(chunk, 'gb18030'));
    }
    await f.commit();
  } catch (e) {
    await f.abort();
    throw e;
  }
  return { file, rows: permits.length, badRows };
}
