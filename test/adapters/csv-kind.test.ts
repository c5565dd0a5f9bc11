import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { rename, utimes, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { KindContext } from '../../src/adapters/core/adapter-kind.js';
import { defineAdapterConformanceSuite } from '../../src/adapters/core/conformance-suite.js';
import type { PermitPosition } from '../../src/adapters/core/contract.js';
import { claimedTypeFromText } from '../../src/adapters/core/mapping-helpers.js';
import { specMapper } from '../../src/adapters/core/spec-mapper.js';
import { COUNT_BUCKET_MS, countBucketOf } from '../../src/adapters/csv/csv-store.js';
import { csvKind, openCsvConnector, type CsvConnector, type CsvConnectorOptions, type CsvSpec } from '../../src/adapters/csv/index.js';
import { parseSpec, parseSpecText } from '../../src/adapters/spec/parse-spec.js';
import { resolveValue } from '../../src/adapters/spec/secrets.js';
import { formatIssue, SpecError } from '../../src/adapters/spec/spec-issue.js';
import { generateDemoDistrict, HEALTH_EXPORT_COLUMNS, writeHealthExport, type DemoDistrict } from '../../src/demo/generate/index.js';
import type { ApplicantRecord, UnifiedPermit } from '../../src/schema/model.js';
import { generateResidentId, mulberry32 } from '../../src/schema/identifiers/index.js';
import { backends } from '../support/databases.js';

const district = generateDemoDistrict({ seed: 11, scale: 0.2 });
const kinds = { csv: csvKind };
const SPEC_TEXT = readFileSync(new URL('../../src/demo/specs/health.yaml', import.meta.url), 'utf8');
const signal = () => ({ signal: AbortSignal.timeout(30_000) });

/** Messages only, for assertions on what the connector logged. */
function recordingLogger() {
  const lines: Array<{ level: string; msg: string | undefined; obj: object }> = [];
  const at = (level: string) => (obj: object, msg?: string) => void lines.push({ level, msg, obj });
  return { lines, info: at('info'), warn: at('warn'), error: at('error'), debug: at('debug') };
}

let cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const c of cleanups.reverse()) await c();
  cleanups = [];
});

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The demo spec, adjusted: the store in memory unless told otherwise. */
function demoSpec(change: (spec: any) => void = (s) => (s.connection.store = { url: 'memory://' })): CsvSpec {
  const raw = parseSpecText(SPEC_TEXT, kinds) as any;
  const copy = JSON.parse(JSON.stringify(raw));
  change(copy);
  return parseSpec(copy, kinds) as CsvSpec;
}

function contextFor(
  dir: string,
  logger = recordingLogger(),
  dataDir = tempDir('huitong-csv-data-'),
): KindContext & { logger: ReturnType<typeof recordingLogger> } {
  return { resolve: (v) => resolveValue(v, { env: { HUITONG_HEALTH_EXPORT_DIR: dir } }), dataDir, logger };
}

async function open(spec: CsvSpec, context: KindContext, options: CsvConnectorOptions = {}): Promise<CsvConnector> {
  const connector = await openCsvConnector(spec, context, { watch: false, ...options });
  cleanups.push(() => connector.close());
  return connector;
}

const loads = (logger: ReturnType<typeof recordingLogger>) => logger.lines.filter((l) => l.msg === 'csv export loaded').length;

// ---- the export, written by hand for the tests of bad rows, encodings and reloads ----

type Cells = string[];
const rng = mulberry32(7);
/** A permit row of the demo layout; `i` varies key, applicant and date. */
function cells(i: number, over: Partial<Record<(typeof HEALTH_EXPORT_COLUMNS)[number], string>> = {}): Cells {
  const base: Record<string, string> = {
    许可证号: `WS2024${String(i).padStart(6, '0')}`,
    申请人编号: `WSR${String(1 + (i % 7)).padStart(6, '0')}`,
    单位名称: i % 2 ? `海珠第${i}诊所` : `陈𠀾${i}`,
    申请人类型: i % 2 ? '单位' : '个人',
    证件类型: '居民身份证',
    证件号码: generateResidentId(rng),
    联系电话: `020-8${String(i).padStart(7, '0')}`,
    地址: `广州市海珠区"健康"路${i}号, 2楼`,
    事项编码: `WJJ-XK-00${1 + (i % 3)}`,
    许可项目: '医疗机构执业许可',
    状态: ['准予许可', '已受理', '待补正', ''][i % 4]!,
    申请日期: `2024-03-${String(1 + (i % 20)).padStart(2, '0')}`,
    决定日期: '',
    有效期至: '',
    法定时限: '20',
    承诺时限: '10',
    实际用时: String(i % 9),
  };
  return HEALTH_EXPORT_COLUMNS.map((c) => over[c] ?? base[c]!);
}
const quote = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const csvLine = (c: Cells) => c.map(quote).join(',');
/** An export: header and lines, CRLF, in `encoding`; Buffers go in byte for byte. */
function exportBytes(lines: ReadonlyArray<string | Buffer>, encoding = 'gb18030', header: string = HEALTH_EXPORT_COLUMNS.join(',')): Buffer {
  return Buffer.concat([header, ...lines].map((l) => Buffer.concat([typeof l === 'string' ? iconv.encode(l, encoding) : l, Buffer.from('\r\n')])));
}

// ---- conformance: the demo health export, the store on PGlite and on PostgreSQL ----

for (const backend of backends) {
  defineAdapterConformanceSuite(`csv kind over the demo health export, store on ${backend.name}`, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huitong-csv-conformance-'));
    const dataDir = mkdtempSync(join(tmpdir(), 'huitong-csv-data-'));
    await writeHealthExport(dir, district);
    const fresh = await backend.freshUrl();
    // PGlite: the department's own directory under dataDir, as in production.
    const spec = demoSpec((s) => (fresh.url ? (s.connection.store = { url: fresh.url }) : delete s.connection.store));
    const connector = await openCsvConnector(spec, contextFor(dir, recordingLogger(), dataDir), { watch: false });
    return {
      adapter: { connector, mapper: specMapper(spec) },
      backendCalls: () => connector.statements,
      close: async () => {
        await connector.close();
        await fresh.drop();
        rmSync(dir, { recursive: true, force: true });
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  });
}

// ---- the spec-declared adapter against the generator's ground truth ----

const STATUS: Record<string, UnifiedPermit['status']> = {
  已提交: 'SUBMITTED',
  已受理: 'ACCEPTED',
  审查中: 'UNDER_REVIEW',
  准予许可: 'APPROVED',
  不予许可: 'REJECTED',
  已撤回: 'WITHDRAWN',
  已撤销: 'REVOKED',
  已过期: 'EXPIRED',
};
/** `YYYY-MM-DD` or `YYYY/M/D` as the generator wrote it → the same calendar date, padded. */
function day(text: string): string | null {
  if (text === '') return null;
  const [y, m, d] = text.split(/[-/]/);
  return `${y}-${m!.padStart(2, '0')}-${d!.padStart(2, '0')}`;
}
const blankToNull = (s: string) => (s.trim() === '' ? null : s.trim());

function expectedPermits(d: DemoDistrict): UnifiedPermit[] {
  return d.health.permits
    .filter((p) => p.defect === null)
    .map((p) => ({
      localId: p.permitNo,
      applicantLocalId: p.applicantNo,
      serviceItemCode: p.itemCode,
      title: p.itemTitle,
      status: STATUS[p.status] ?? 'UNKNOWN',
      rawStatus: blankToNull(p.status),
      appliedAt: day(p.applyDate) && `${day(p.applyDate)}T00:00:00+08:00`,
      decidedAt: day(p.decisionDate) && `${day(p.decisionDate)}T00:00:00+08:00`,
      validUntil: day(p.expireDate),
      statutoryDays: p.statutoryDays,
      committedDays: p.committedDays,
      actualDays: p.usedDays,
    }));
}

function expectedApplicants(d: DemoDistrict): ApplicantRecord[] {
  // Rows that read (a date that does not is still a row that describes its applicant).
  const described = new Set(d.health.permits.filter((p) => p.defect === null || p.defect === 'BAD_DATE').map((p) => p.applicantNo));
  return d.health.applicants
    .filter((a) => described.has(a.applicantNo))
    .map((a) => ({
      localId: a.applicantNo,
      kind: a.applicantType === '单位' ? 'ORGANIZATION' : a.applicantType === '个人' ? 'PERSON' : null,
      name: a.name.trim(),
      identifiers: blankToNull(a.certNo) ? [{ value: a.certNo.trim(), claimedType: claimedTypeFromText(a.certType) }] : [],
      phone: blankToNull(a.tel),
      address: blankToNull(a.addr),
    }));
}

describe('csv kind: the demo health department as a spec', { timeout: 180_000 }, () => {
  it('serves exactly the generator’s permits and applicants, and reports its deliberately bad rows', async () => {
    const dir = tempDir('huitong-csv-truth-');
    const { badRows } = await writeHealthExport(dir, district);
    const spec = demoSpec();
    const connector = await open(spec, contextFor(dir));
    const mapper = specMapper(spec);

    const permits: UnifiedPermit[] = [];
    let after: PermitPosition | undefined;
    for (;;) {
      const [page] = await connector.listPermits([{ limit: 100, ...(after ? { after } : {}) }], signal());
      for (const raw of page!.rows) {
        const mapped = mapper.permit(raw);
        if (!mapped.ok) throw new Error(mapped.reason);
        permits.push(mapped.value);
      }
      if (page!.rows.length < 100) break;
      after = { appliedAt: permits.at(-1)!.appliedAt, localId: permits.at(-1)!.localId };
    }
    const byId = (a: { localId: string }, b: { localId: string }) => (a.localId < b.localId ? -1 : 1);
    expect([...permits].sort(byId)).toEqual(expectedPermits(district).sort(byId));

    // Totals of dated lists come from time buckets: bounds on a bucket's first millisecond and either side of it.
    const times = permits.filter((p) => p.appliedAt !== null).map((p) => Date.parse(p.appliedAt!));
    const edge = countBucketOf(times[Math.floor(times.length / 2)]!) * COUNT_BUCKET_MS;
    for (const t of [edge - 1, edge, edge + 1]) {
      for (const [bound, keep] of [
        ['appliedTo', (x: number) => x <= t],
        ['appliedFrom', (x: number) => x >= t],
      ] as const) {
        const [page] = await connector.listPermits([{ limit: 1, [bound]: new Date(t).toISOString() }], signal());
        expect(page!.total, `${bound} ${t}`).toBe(times.filter(keep).length);
      }
    }

    const applicants: ApplicantRecord[] = [];
    let next: string | null = null;
    do {
      const page: Awaited<ReturnType<CsvConnector['listApplicants']>> = await connector.listApplicants(next, 50, signal());
      for (const raw of page.rows) {
        const mapped = mapper.applicant(raw);
        if (!mapped.ok) throw new Error(mapped.reason);
        applicants.push(mapped.value);
      }
      next = page.next;
    } while (next);
    expect(applicants).toEqual(expectedApplicants(district).sort(byId));

    const report = await connector.loadReport();
    expect(report.loaded).toMatchObject({
      rowsRead: district.health.permits.length,
      permits: permits.length,
      applicants: applicants.length,
      rejected: badRows.length,
    });
    const reasons = { BAD_DATE: '申请日期 is not a date', UNQUOTED_COMMA: '18 columns, expected 17', MISSING_COLUMNS: '12 columns, expected 17' };
    expect(report.rejectedRows.map((r) => [r.key, r.reason])).toEqual(badRows.map((b) => [b.permitNo, reasons[b.defect]]));
    // The header is line 1, each generated row one line.
    const lineOf = new Map(district.health.permits.map((p, i) => [p.permitNo, i + 2]));
    expect(report.rejectedRows.map((r) => r.line)).toEqual(badRows.map((b) => lineOf.get(b.permitNo)));
  });
});

describe('csv kind: batches', { timeout: 180_000 }, () => {
  it('answers a mixed batch in one statement, each page as if asked alone (grouped applicants included)', async () => {
    const dir = tempDir('huitong-csv-batch-');
    await writeHealthExport(dir, district);
    const connector = await open(demoSpec(), contextFor(dir));
    const [all] = await connector.listPermits([{ limit: 1000 }], signal());
    const applicants = [...new Set(all!.rows.map((r) => String(r.applicant)))].slice(0, 6);
    const [, second] = all!.rows;
    const mapped = specMapper(demoSpec()).permit(second!);
    if (!mapped.ok) throw new Error(mapped.reason);
    const queries = [
      ...applicants.slice(0, 4).map((a) => ({ limit: 3, applicantLocalIds: [a], rawStatusIn: ['准予许可', '已过期'] })),
      ...applicants.slice(4).map((a) => ({ limit: 2, applicantLocalIds: [a] })),
      { limit: 4, applicantLocalIds: applicants.slice(0, 2) },
      { limit: 4, applicantLocalIds: [] },
      { limit: 5, after: { appliedAt: mapped.value.appliedAt, localId: mapped.value.localId }, rawStatusNotIn: ['准予许可'] },
      { limit: 5, serviceItemCodes: [String(second!.serviceItem)], appliedFrom: '2020-01-01T00:00:00+08:00' },
    ];
    const before = connector.statements;
    const pages = await connector.listPermits(queries, signal());
    expect(connector.statements - before).toBe(1);
    for (const [i, q] of queries.entries()) expect(pages[i]).toEqual((await connector.listPermits([q], signal()))[0]);
    expect(pages.slice(0, 4).some((p) => p.total > 0)).toBe(true);
  });
});

// ---- load report: every kind of bad row, with its line and reason ----

describe('csv kind: the load report', { timeout: 180_000 }, () => {
  it('sets aside each bad row with its line and reason, serves the rest, and logs counts only', async () => {
    const dir = tempDir('huitong-csv-bad-');
    const good = [1, 2, 3, 4, 5, 6].map((i) => cells(i));
    const lines: Array<string | Buffer> = [
      csvLine(good[0]!), // 2
      `${csvLine(cells(10))},多出的一列`, // 3: one column too many
      cells(11).slice(0, 12).map(quote).join(','), // 4: cut short
      Buffer.concat([
        iconv.encode(`${csvLine(cells(12)).split(',').slice(0, 2).join(',')},`, 'gb18030'),
        Buffer.from([0xff, 0x81]),
        iconv.encode(`,${csvLine(cells(12)).split(',').slice(3).join(',')}`, 'gb18030'),
      ]), // 5: undecodable
      csvLine(cells(13, { 申请日期: '2023-13-45' })), // 6: appliedAt unreadable
      csvLine(cells(14, { 决定日期: '2023-02-30' })), // 7: the mapper rejects it
      csvLine(cells(15, { 法定时限: '20.5' })), // 8: the mapper rejects it
      `${cells(16)[0]},"broken"quote,${csvLine(cells(16)).split(',').slice(2).join(',')}`, // 9: text after a closing quote
      csvLine(good[1]!), // 10: read again after it
      csvLine(cells(17, { 许可证号: good[2]![0]! })), // 11: duplicate key …
      csvLine(good[2]!), // 12: … of this row
      '', // 13: empty: skipped, not a row
      csvLine(cells(18, { 许可证号: ' ' })), // 14: blank key
      csvLine(good[3]!).replace(',"广州', ',"广州\r\n'), // 15–16: a quoted line break
      csvLine(good[4]!), // 17
      `${cells(19)[0]},"never closed,${csvLine(cells(19, { 地址: '广州市海珠区' }))
        .split(',')
        .slice(2)
        .join(',')}`, // 18: a quote never closed
      csvLine(good[5]!), // 19
    ];
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes(lines));
    const context = contextFor(dir);
    const connector = await open(demoSpec(), context);
    const [page] = await connector.listPermits([{ limit: 50 }], signal());
    const served = [good[0], good[1], good[3], good[4], good[5]].map((c) => c![0]);
    expect(page!.rows.map((r) => r.key).sort()).toEqual(served.sort());
    expect(page!.total).toBe(served.length);

    const report = await connector.loadReport();
    expect(report.rejectedRows.map((r) => [r.line, r.key, r.reason])).toEqual([
      [3, cells(10)[0], '18 columns, expected 17'],
      [4, cells(11)[0], '12 columns, expected 17'],
      [5, cells(12)[0], 'bytes that do not decode as gb18030'],
      [6, cells(13)[0], '申请日期 is not a date'],
      [7, cells(14)[0], '决定日期 is not a date'],
      [8, cells(15)[0], '法定时限 is not a whole number'],
      [9, cells(16)[0], 'text after a closing quote'],
      [11, good[2]![0], '许可证号 repeated on lines 11, 12'],
      [12, good[2]![0], '许可证号 repeated on lines 11, 12'],
      [14, null, 'blank key (许可证号)'],
      [18, cells(19)[0], 'a quote is never closed'],
    ]);
    expect(report.loaded).toMatchObject({ rowsRead: 16, permits: 5, rejected: 11 });
    // Counts in the log, never a row's content.
    const logged = JSON.stringify(context.logger.lines);
    expect(logged).toContain('"rejected":11');
    for (const c of [...good, cells(13)]) for (const cell of [c[0]!, c[2]!, c[5]!, c[7]!]) expect(logged).not.toContain(cell);
    // The core sees only rows that map: nothing rejected reaches a page or a lookup.
    expect((await connector.getPermits([good[0]![0]!, cells(13)[0]!, good[2]![0]!], signal())).map((r) => r.key)).toEqual([good[0]![0]]);
  });

  it('rejects an export whose header lacks a column as a whole, and keeps serving the one before', async () => {
    const dir = tempDir('huitong-csv-header-');
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([csvLine(cells(1))]));
    const context = contextFor(dir);
    const connector = await open(demoSpec(), context, { recheckMs: 0 });
    expect((await connector.listPermits([{ limit: 5 }], signal()))[0]!.total).toBe(1);
    await writeFile(join(dir, 'xkxx_20240402.csv'), exportBytes([csvLine(cells(2))], 'gb18030', HEALTH_EXPORT_COLUMNS.join(',').replace('状态', '状 态')));
    await connector.refresh();
    expect((await connector.listPermits([{ limit: 5 }], signal()))[0]!.total).toBe(1);
    const report = await connector.loadReport();
    expect(report.failed).toMatchObject({
      files: { permits: { name: 'xkxx_20240402.csv' } },
      reason: 'permits.fields.status: no column "状态" in xkxx_20240402.csv (did you mean "状 态"?)',
    });
    expect(report.loaded!.files.permits.name).toBe('xkxx_20240401.csv');
    // Not read again until it changes.
    await connector.refresh();
    expect(context.logger.lines.filter((l) => l.msg === 'csv export could not be loaded')).toHaveLength(1);
  });

  it('with nothing loaded, a bad export fails calls as BAD_DATA and a missing folder or export as UNREACHABLE', async () => {
    const { RuntimeAdapter } = await import('../../src/adapters/core/runtime-adapter.js');
    const spec = demoSpec();
    const dir = tempDir('huitong-csv-none-');
    await writeFile(join(dir, 'xkxx_20240401.csv.part'), exportBytes([csvLine(cells(1))]));
    const runtime = (connector: CsvConnector) => new RuntimeAdapter('health', { connector, mapper: specMapper(spec) }, { maxRetries: 0, deadlineMs: 60_000 });
    const connector = await open(spec, contextFor(dir), { recheckMs: 0 });
    await expect(runtime(connector).listPermits([{ first: 5 }])).rejects.toMatchObject({ reason: 'UNREACHABLE' });
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([], 'gb18030', '许可证号,状态'));
    await expect(runtime(connector).listPermits([{ first: 5 }])).rejects.toMatchObject({ reason: 'BAD_DATA' });
    await expect(runtime(await open(spec, contextFor(join(dir, 'nope')))).listApplicants(null, 5)).rejects.toMatchObject({ reason: 'UNREACHABLE' });
  }, 180_000);
});

// ---- encodings ----

describe('csv kind: encodings', { timeout: 180_000 }, () => {
  const rows = [1, 2, 3, 4].map((i) => cells(i));

  it('reads GB18030 with 4-byte characters; the same file declared GBK loses exactly those rows, reported', async () => {
    const dir = tempDir('huitong-csv-gb18030-');
    const bytes = exportBytes(rows.map(csvLine));
    // The fixture really holds 4-byte sequences (陈𠀾 on the even rows), which GBK cannot read.
    expect(iconv.decode(bytes, 'gbk')).not.toContain('𠀾');
    await writeFile(join(dir, 'xkxx_20240401.csv'), bytes);
    const gb18030 = await open(demoSpec(), contextFor(dir));
    const applicants = (await gb18030.listApplicants(null, 10, signal())).rows;
    expect(applicants.map((a) => a.name).filter((n) => String(n).includes('𠀾'))).toEqual(['陈𠀾2', '陈𠀾4']);
    expect(applicants.map((a) => a.address)).toContain('广州市海珠区"健康"路1号, 2楼');

    const gbk = await open(
      demoSpec((s) => ((s.connection.store = { url: 'memory://' }), (s.connection.encoding = 'gbk'))),
      contextFor(dir),
    );
    expect((await gbk.listPermits([{ limit: 10 }], signal()))[0]!.rows.map((r) => r.key).sort()).toEqual([rows[0]![0], rows[2]![0]]);
    expect((await gbk.loadReport()).rejectedRows.map((r) => [r.line, r.reason])).toEqual([
      [3, 'bytes that do not decode as gbk'],
      [5, 'bytes that do not decode as gbk'],
    ]);
  });

  it.each([
    ['GBK', 'gbk', 'gbk', ''],
    ['UTF-8', 'utf-8', 'utf-8', ''],
    ['UTF-8 with a BOM', 'utf-8', 'utf-8', '\uFEFF'],
    ['GB18030 with its BOM', 'gb18030', 'gb18030', '\uFEFF'],
  ])('reads %s', async (_name, encoding, declared, bom) => {
    const dir = tempDir('huitong-csv-enc-');
    const plain = [1, 3].map((i) => cells(i)); // no 4-byte characters: GBK can hold them
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes(plain.map(csvLine), encoding, `${bom}${HEALTH_EXPORT_COLUMNS.join(',')}`));
    const connector = await open(
      demoSpec((s) => ((s.connection.store = { url: 'memory://' }), (s.connection.encoding = declared))),
      contextFor(dir),
    );
    const [page] = await connector.listPermits([{ limit: 10 }], signal());
    expect(page!.rows.map((r) => [r.key, r.title, r.status]).sort()).toEqual(plain.map((c) => [c[0], c[9], c[10]]).sort());
    expect((await connector.loadReport()).loaded!.rejected).toBe(0);
  });
});

// ---- reloading ----

describe('csv kind: new exports', { timeout: 180_000 }, () => {
  it('reads nothing when nothing changed; ignores .part until renamed; reloads a file that changed', async () => {
    const dir = tempDir('huitong-csv-reload-');
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([1, 2, 3].map((i) => csvLine(cells(i)))));
    const context = contextFor(dir);
    const connector = await open(demoSpec(), context, { recheckMs: 0 });
    const total = async () => (await connector.listPermits([{ limit: 1 }], signal()))[0]!.total;
    expect(await total()).toBe(3);
    for (let i = 0; i < 5; i++) await total();
    await connector.getPermits(['x'], signal());
    await connector.listApplicants(null, 5, signal());
    expect(loads(context.logger)).toBe(1);

    await writeFile(join(dir, 'xkxx_20240402.csv.part'), exportBytes([4, 5, 6, 7].map((i) => csvLine(cells(i)))));
    await writeFile(join(dir, 'xkxx_20240403.tmp'), 'junk');
    await connector.refresh();
    expect(await total()).toBe(3);
    expect(loads(context.logger)).toBe(1);

    await rename(join(dir, 'xkxx_20240402.csv.part'), join(dir, 'xkxx_20240402.csv'));
    await connector.refresh();
    expect(await total()).toBe(4);
    expect(loads(context.logger)).toBe(2);

    // The same name written again (a re-run export): its size or time changed, so it is read again.
    await writeFile(join(dir, 'xkxx_20240402.csv'), exportBytes([4, 5].map((i) => csvLine(cells(i)))));
    await utimes(join(dir, 'xkxx_20240402.csv'), new Date(), new Date(Date.now() + 5_000));
    await connector.refresh();
    expect(await total()).toBe(2);
    expect(loads(context.logger)).toBe(3);
  });

  it('watches the folder: a new export is loaded before any call asks for it', async () => {
    const dir = tempDir('huitong-csv-watch-');
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([1, 2].map((i) => csvLine(cells(i)))));
    const context = contextFor(dir);
    // Calls never look at the folder themselves here: only the watcher can find the new export.
    const connector = await open(demoSpec(), context, { watch: true, recheckMs: Number.MAX_SAFE_INTEGER });
    expect((await connector.listPermits([{ limit: 1 }], signal()))[0]!.total).toBe(2);
    await writeFile(join(dir, 'xkxx_20240402.csv.part'), exportBytes([3, 4, 5].map((i) => csvLine(cells(i)))));
    await rename(join(dir, 'xkxx_20240402.csv.part'), join(dir, 'xkxx_20240402.csv'));
    await vi.waitFor(async () => expect((await connector.loadReport()).loaded?.files.permits.name).toBe('xkxx_20240402.csv'), {
      timeout: 60_000,
      interval: 100,
    });
    expect((await connector.listPermits([{ limit: 1 }], signal()))[0]!.total).toBe(3);
    expect(loads(context.logger)).toBe(2);
  });

  it('swaps a newer export in while queries run: every answer is wholly the old export or wholly the new', async () => {
    const dir = tempDir('huitong-csv-swap-');
    const older = [1, 2, 3, 4, 5].map((i) => cells(i));
    const newer = Array.from({ length: 400 }, (_, i) => cells(100 + i));
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes(older.map(csvLine)));
    let hold: Promise<void> | null = null;
    let reached = () => {};
    const atSwap = new Promise<void>((resolve) => (reached = resolve));
    let release = () => {};
    const connector = await open(demoSpec(), contextFor(dir), {
      recheckMs: 0,
      hooks: {
        beforeSwap: async () => {
          if (!hold) return;
          reached();
          await hold;
        },
      },
    });
    expect((await connector.listPermits([{ limit: 1 }], signal()))[0]!.total).toBe(5);

    hold = new Promise<void>((resolve) => (release = resolve));
    await writeFile(join(dir, 'xkxx_20240402.csv'), exportBytes(newer.map(csvLine)));
    const olderIds = new Set(older.map((c) => c[0]));
    const newerIds = new Set(newer.map((c) => c[0]));
    const seen: number[] = [];
    let stop = false;
    const query = async () => {
      const [all, few] = await connector.listPermits([{ limit: 500 }, { limit: 3, rawStatusIn: ['准予许可'] }], signal());
      const ids = all!.rows.map((r) => String(r.key));
      const from = all!.total === 5 ? olderIds : newerIds;
      expect(ids.length).toBe(all!.total);
      expect(ids.every((id) => from.has(id))).toBe(true);
      expect(few!.rows.every((r) => from.has(String(r.key)))).toBe(true);
      seen.push(all!.total);
    };
    const running = (async () => {
      while (!stop) await query();
    })();
    await atSwap;
    // The new export is loaded and indexed, waiting to be swapped in: calls still see the old one.
    for (let i = 0; i < 3; i++) await query();
    expect(seen.every((t) => t === 5)).toBe(true);
    release();
    await connector.refresh();
    await query();
    stop = true;
    await running;
    expect(seen.at(-1)).toBe(400);
    expect(new Set(seen)).toEqual(new Set([5, 400]));
  });

  it('keeps its store across restarts: a new process on the same data directory serves without reading the export again', async () => {
    const dir = tempDir('huitong-csv-restart-');
    await writeHealthExport(dir, district);
    const dataDir = tempDir('huitong-csv-store-');
    const spec = demoSpec((s) => delete s.connection.store);
    const first = contextFor(dir, recordingLogger(), dataDir);
    const a = await openCsvConnector(spec, first, { watch: false });
    const before = (await a.listPermits([{ limit: 5, rawStatusIn: ['准予许可'] }], signal()))[0]!;
    await a.close();
    expect(loads(first.logger)).toBe(1);

    const second = contextFor(dir, recordingLogger(), dataDir);
    const b = await openCsvConnector(spec, second, { watch: false });
    expect((await b.listPermits([{ limit: 5, rawStatusIn: ['准予许可'] }], signal()))[0]).toEqual(before);
    expect(loads(second.logger)).toBe(0);
    await b.close();
    // A changed spec (another column for the title) loads again rather than reading old rows the new way.
    const third = contextFor(dir, recordingLogger(), dataDir);
    const changed = await open(
      demoSpec((s) => ((s.permits.fields.title = '事项编码'), delete s.connection.store)),
      third,
    );
    expect((await changed.listPermits([{ limit: 1 }], signal()))[0]!.rows[0]!.title).toMatch(/^WJJ-XK-/);
    expect(loads(third.logger)).toBe(1);
  });
});

// ---- inspect() and the spec's own checks ----

describe('csv kind: inspect', { timeout: 180_000 }, () => {
  const inspect = async (spec: CsvSpec, dir: string) =>
    (await csvKind.inspect!(spec, contextFor(dir), AbortSignal.timeout(10_000))).map((i) => formatIssue(spec.code, i));

  it('finds a column the header lacks, with the header it probably meant', async () => {
    const dir = tempDir('huitong-csv-inspect-');
    await writeFile(join(dir, 'xkxx_20240101.csv'), exportBytes([csvLine(cells(1))]));
    const spec = demoSpec(
      (s) => ((s.connection.store = { url: 'memory://' }), (s.permits.fields.status = '状 态'), (s.applicants.fields.name = { from: '单位名', map: {} })),
    );
    expect(await inspect(spec, dir)).toEqual([
      'health.permits.fields.status: no column "状 态" in xkxx_20240101.csv (did you mean "状态"?)',
      'health.applicants.fields.name: no column "单位名" in xkxx_20240101.csv (did you mean "单位名称"?)',
    ]);
    expect(await inspect(demoSpec(), dir)).toEqual([]);
  });

  it('names the encoding a file really has: a GBK file declared utf-8, a GB18030 one declared gbk', async () => {
    const dir = tempDir('huitong-csv-inspect-enc-');
    await writeFile(join(dir, 'xkxx_20240101.csv'), exportBytes([csvLine(cells(1))], 'gbk'));
    const utf8 = demoSpec((s) => ((s.connection.store = { url: 'memory://' }), (s.connection.encoding = 'utf-8')));
    expect(await inspect(utf8, dir)).toEqual([
      'health.connection.encoding: xkxx_20240101.csv reads as gb18030: line 1 does not decode as utf-8 (did you mean "gb18030"?)',
    ]);
    await writeFile(join(dir, 'xkxx_20240102.csv'), exportBytes([csvLine(cells(1)), csvLine(cells(2))], 'gb18030'));
    const gbk = demoSpec((s) => ((s.connection.store = { url: 'memory://' }), (s.connection.encoding = 'gbk')));
    expect(await inspect(gbk, dir)).toEqual([
      'health.connection.encoding: xkxx_20240102.csv reads as gb18030: line 3 does not decode as gbk (did you mean "gb18030"?)',
    ]);
  });

  it('reports a missing folder, an export still being written, a near file name and the wrong delimiter', async () => {
    const dir = tempDir('huitong-csv-inspect-dir-');
    expect(await inspect(demoSpec(), join(dir, 'nope'))).toEqual([`health.connection.dir: no folder ${JSON.stringify(join(dir, 'nope'))}`]);
    await writeFile(join(dir, 'xkxx_20240101.csv.part'), exportBytes([]));
    expect(await inspect(demoSpec(), dir)).toEqual([
      'health.permits.file: no complete export matching "xkxx_{date}.csv" in the folder ("xkxx_20240101.csv.part" is still being written)',
    ]);
    await rename(join(dir, 'xkxx_20240101.csv.part'), join(dir, 'XKXX_20240101.csv'));
    expect(await inspect(demoSpec(), dir)).toEqual([
      'health.permits.file: no complete export matching "xkxx_{date}.csv" in the folder (did you mean "XKXX_{date}.csv"?)',
    ]);
    await writeFile(join(dir, 'xkxx_20240102.csv'), exportBytes([csvLine(cells(1)).replaceAll(',', ';')], 'gb18030', HEALTH_EXPORT_COLUMNS.join(';')));
    expect(await inspect(demoSpec(), dir)).toEqual([
      'health.connection.delimiter: the first line of xkxx_20240102.csv is one column: it is separated by ";" (did you mean ";"?)',
    ]);
  });

  it('refuses, offline, a spec that says neither or both of where applicants come from, and names without a header', () => {
    const issues = (change: (s: any) => void) => {
      try {
        demoSpec(change);
      } catch (error) {
        expect(error).toBeInstanceOf(SpecError);
        return (error as Error).message.split('\n');
      }
      throw new Error('accepted');
    };
    expect(issues((s) => (s.applicants.file = 'sqr_{date}.csv'))).toEqual([
      'health.applicants: give `file` (a separate applicant export) or `fromPermits: true` (the applicant columns of the permit rows), not both',
    ]);
    expect(issues((s) => (s.connection.header = false))).toContain('health.permits.fields.key: without a header row, a column number from 1 (got "许可证号")');
    expect(issues((s) => (s.connection.encoding = 'gb2312'))[0]).toMatch(/^health\.connection\.encoding: /);
  });
});

// ---- applicants in a file of their own, without a header, another delimiter ----

describe('csv kind: an applicant export of its own', { timeout: 180_000 }, () => {
  it('pairs files by date, reads columns by number, and rejects an applicant key used twice', async () => {
    const dir = tempDir('huitong-csv-pair-');
    const p = (key: string, applicant: string, date: string) => [key, applicant, '准予许可', date].join('|');
    await writeFile(join(dir, 'permits-2024-04-01.txt'), ['P1|A1|准予许可|2024-03-01', p('P2', 'A2', '2024-03-02')].join('\n'));
    await writeFile(join(dir, 'applicants-2024-04-01.txt'), ['A1|甲公司', 'A2|乙', 'A3|丙', 'A3|丙二'].join('\n'));
    // A newer permits file without its applicants yet: the pair of 2024-04-01 stays in place.
    await writeFile(join(dir, 'permits-2024-04-02.txt'), p('P9', 'A1', '2024-03-09'));
    const spec = parseSpec(
      {
        specVersion: 1,
        code: 'pair',
        name: '配对',
        kind: 'csv',
        connection: { dir: '/set/below', encoding: 'utf-8', delimiter: '|', header: false, store: { url: 'memory://' } },
        statuses: { 准予许可: 'APPROVED' },
        permits: { file: 'permits-{date}.txt', fields: { key: '1', applicant: '2', title: '1', status: '3', appliedAt: { from: '4', format: 'YYYY-MM-DD' } } },
        applicants: { file: 'applicants-{date}.txt', fields: { key: '1', name: '2' } },
      },
      kinds,
    ) as CsvSpec;
    const connector = await open({ ...spec, connection: { ...spec.connection, dir } }, contextFor(dir));
    expect((await connector.listPermits([{ limit: 5 }], signal()))[0]!.rows.map((r) => r.key)).toEqual(['P2', 'P1']);
    expect((await connector.listApplicants(null, 5, signal())).rows).toEqual([
      { key: 'A1', name: '甲公司' },
      { key: 'A2', name: '乙' },
    ]);
    expect((await connector.loadReport()).rejectedRows).toEqual([
      { entity: 'applicant', file: 'applicants-2024-04-01.txt', line: 3, key: 'A3', reason: 'column 1 repeated on lines 3, 4' },
      { entity: 'applicant', file: 'applicants-2024-04-01.txt', line: 4, key: 'A3', reason: 'column 1 repeated on lines 3, 4' },
    ]);
  });
});
