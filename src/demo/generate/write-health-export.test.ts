import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'csv-parse/sync';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDistrict } from './generate-demo-district.js';
import { RARE_NAME_CHARS } from './names.js';
import { HEALTH_EXPORT_COLUMNS, writeHealthExport, type HealthExportResult } from './write-health-export.js';

const district = generateDemoDistrict({ seed: 11 });
let dir: string;
let result: HealthExportResult;
let bytes: Buffer;
let records: string[][];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'huitong-health-'));
  result = await writeHealthExport(dir, district, '20240628');
  bytes = await readFile(result.file);
  // relax_column_count: the deliberately broken rows must come through for inspection.
  records = parse(iconv.decode(bytes, 'gb18030'), { relax_column_count: true }) as string[][];
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('writeHealthExport', () => {
  it('writes xkxx_<date>.csv and leaves no .part file behind', async () => {
    expect(result.file).toBe(join(dir, 'xkxx_20240628.csv'));
    expect(await readdir(dir)).toEqual(['xkxx_20240628.csv']);
    expect(result.rows).toBe(district.health.permits.length);
  });

  it('uses CRLF line ends, a Chinese header and GB18030 (not UTF-8)', () => {
    const text = iconv.decode(bytes, 'gb18030');
    expect(text.startsWith(`${HEALTH_EXPORT_COLUMNS.join(',')}\r\n`)).toBe(true);
    expect(text.split('\r\n').length - 1).toBe(result.rows + 1);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    expect(bytes.includes(Buffer.from('许可证号', 'utf8'))).toBe(false);
    expect(bytes.includes(iconv.encode('许可证号', 'gb18030'))).toBe(true);
  });

  it('round-trips every row except the deliberate bad ones', () => {
    const [header, ...rows] = records;
    expect(header).toEqual([...HEALTH_EXPORT_COLUMNS]);
    expect(rows).toHaveLength(district.health.permits.length);
    const applicants = new Map(district.health.applicants.map((a) => [a.applicantNo, a]));
    const bad = new Set(result.badRows.map((b) => b.permitNo));
    district.health.permits.forEach((p, i) => {
      const row = rows[i]!;
      if (bad.has(p.permitNo)) return;
      const a = applicants.get(p.applicantNo)!;
      const num = (n: number | null): string => (n === null ? '' : String(n));
      expect(row).toEqual([
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
      ]);
    });
    // Some fields needed quoting and came back intact.
    expect(rows.some((r) => r.length === 17 && (r[7]!.includes(',') || r[9]!.includes(',')))).toBe(true);
  });

  it('reports the deliberately bad rows, which really are bad', () => {
    expect(result.badRows.map((b) => b.defect).sort()).toEqual(['BAD_DATE', 'MISSING_COLUMNS', 'UNQUOTED_COMMA']);
    const byNo = new Map(records.slice(1).map((r) => [r[0], r]));
    for (const { permitNo, defect } of result.badRows) {
      const row = byNo.get(permitNo)!;
      if (defect === 'BAD_DATE') {
        expect(row).toHaveLength(17);
        expect(row[11]).toMatch(/^\d{4}-(13-45|02-30)$/);
      } else {
        expect(row.length).not.toBe(17);
      }
    }
  });

  it('keeps characters that need four bytes in GB18030 and do not exist in GBK', () => {
    const names = records.slice(1).map((r) => r[2]!);
    const rare = names.filter((n) => RARE_NAME_CHARS.some((c) => n.includes(c)));
    expect(rare.length).toBeGreaterThanOrEqual(3);
    for (const c of RARE_NAME_CHARS) {
      expect(iconv.encode(c, 'gbk').toString()).toBe('?');
      const encoded = iconv.encode(c, 'gb18030');
      expect(encoded).toHaveLength(4);
      expect(iconv.decode(encoded, 'gb18030')).toBe(c);
    }
  });

  it('writes the same bytes for the same seed', async () => {
    const other = await mkdtemp(join(tmpdir(), 'huitong-health-'));
    try {
      const again = await writeHealthExport(other, generateDemoDistrict({ seed: 11 }), '20240628');
      expect((await readFile(again.file)).equals(bytes)).toBe(true);
    } finally {
      await rm(other, { recursive: true, force: true });
    }
  });
});
