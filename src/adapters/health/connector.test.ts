import { mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { generateResidentId, generateUscc, mulberry32 } from '../../schema/identifiers/index.js';
import { BadDataError } from '../core/adapter-error.js';
import type { CallContext, PermitPosition, PermitQuery } from '../core/contract.js';
import { RuntimeAdapter } from '../core/runtime-adapter.js';
import { HealthExportConnector, type ExportFs } from './connector.js';
import { createHealthAdapter } from './index.js';
import { HEALTH_COLUMNS, type HealthPermitRecord, type HealthPermitRow } from './legacy-types.js';
import { healthMapper } from './mapper.js';

const HEADER = Object.values(HEALTH_COLUMNS);
type Cells = Record<keyof typeof HEALTH_COLUMNS, string>;

const rng = mulberry32(99);
const STATUSES = ['已提交', '已受理', '审查中', '准予许可', '准予许可', '不予许可', '已撤回', '已撤销', '已过期', '待补正', ''];

/** 120 generated rows over 40 applicants and a few weeks, so days repeat and ties are broken by id. */
function generateRows(): Cells[] {
  const applicants = Array.from({ length: 40 }, (_, i) => {
    const person = i % 3 === 0;
    return {
      applicantNo: `WSR${String(i + 1).padStart(6, '0')}`,
      name: person ? `陈𠀾${i}` : `海珠第${i}医疗有限公司`,
      applicantType: person ? '个人' : '单位',
      certType: person ? '居民身份证' : '统一社会信用代码',
      certNo: person ? generateResidentId(rng) : generateUscc(rng),
      tel: `020-8${String(i).padStart(7, '0')}`,
      addr: `广州市海珠区"健康"路${i}号, 2楼`,
    };
  });
  return Array.from({ length: 120 }, (_, i) => {
    const day = 1 + Math.floor(rng() * 20);
    return {
      ...applicants[Math.floor(rng() * applicants.length)]!,
      permitNo: `WS2024${String(Math.floor(rng() * 1e4)).padStart(4, '0')}${String(i).padStart(3, '0')}`,
      itemCode: `WS-00${1 + (i % 3)}`,
      itemTitle: i % 7 === 0 ? '公共场所卫生许可\r\n（含附件）' : '医疗机构执业许可',
      status: STATUSES[i % STATUSES.length]!,
      applyDate: i % 4 === 0 ? `2024/3/${day}` : `2024-03-${String(day).padStart(2, '0')}`,
      decisionDate: '',
      expireDate: '',
      statutoryDays: '20',
      committedDays: '10',
      usedDays: i % 5 === 0 ? '' : String(i % 10),
    };
  });
}

const field = (v: string) => (/[",\r\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
const line = (cells: Cells, columns: readonly string[] = HEADER) =>
  columns.map((name) => field(cells[(Object.keys(HEALTH_COLUMNS) as Array<keyof Cells>).find((k) => HEALTH_COLUMNS[k] === name)!])).join(',');

/** An export as the department writes it: GB18030, CRLF; raw Buffers go in byte for byte. */
function exportBytes(lines: ReadonlyArray<string | Buffer>): Buffer {
  return Buffer.concat(lines.map((l) => Buffer.concat([typeof l === 'string' ? iconv.encode(l, 'gb18030') : l, Buffer.from('\r\n')])));
}

const rows = generateRows();
const ctx = (): CallContext => ({ signal: AbortSignal.timeout(10_000) });

/** Wraps the real file system, counting calls. */
function countingFs(): ExportFs & { reads: number; listings: number; stats: number } {
  const fs = {
    reads: 0,
    listings: 0,
    stats: 0,
    readdir: async (dir: string) => (fs.listings++, readdir(dir)),
    stat: async (path: string) => (fs.stats++, stat(path)),
    readFile: async (path: string) => (fs.reads++, readFile(path)),
  };
  return fs;
}

/** Sort key of a row, computed independently of the connector: the oracle for order. */
function appliedMs(cells: Cells): number {
  const [y, m, d] = cells.applyDate.split(/[-/]/).map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d) - 8 * 3600_000;
}
const oracle = [...rows].sort((a, b) => appliedMs(b) - appliedMs(a) || (a.permitNo < b.permitNo ? -1 : 1));

function positionOf(record: HealthPermitRecord): PermitPosition {
  const mapped = healthMapper.permit(record);
  if (!mapped.ok) throw new Error(mapped.reason);
  return { appliedAt: mapped.value.appliedAt, localId: mapped.value.localId };
}

const ids = (page: { rows: HealthPermitRecord[] }) => page.rows.map((r) => (r as HealthPermitRow).permitNo);

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'health-export-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('HealthExportConnector: reading exports', () => {
  it('serves a GB18030 export; a 4-byte name character survives', async () => {
    const bytes = exportBytes([HEADER.join(','), ...rows.map((r) => line(r))]);
    // The fixture really holds a 4-byte GB18030 sequence, which GBK would not read.
    expect(iconv.decode(bytes, 'gbk')).not.toContain('𠀾');
    await writeFile(join(dir, 'xkxx_20240401.csv'), bytes);
    const connector = new HealthExportConnector(dir);
    const [page] = await connector.listPermits([{ limit: 500 }], ctx());
    expect(page!.total).toBe(120);
    expect(ids(page!)).toEqual(oracle.map((r) => r.permitNo));
    const applicants = await connector.listApplicants(null, 100, ctx());
    const person = applicants.rows.find((a) => a.applicantType === '个人')!;
    expect(person.name).toMatch(/^陈𠀾\d+$/);
    expect(healthMapper.applicant(person)).toMatchObject({ ok: true, value: { kind: 'PERSON', name: person.name } });
    // Quoted commas, quotes and line breaks came through whole.
    expect(person.addr).toMatch(/^广州市海珠区"健康"路\d+号, 2楼$/);
    const multiline = (await connector.getPermits([rows[0]!.permitNo], ctx()))[0] as HealthPermitRow;
    expect(multiline.itemTitle).toBe('公共场所卫生许可\r\n（含附件）');
    expect(connector.badRecords()).toEqual([]);
  });

  it('finds columns by name: BOM, spaces and a new order are fine', async () => {
    const columns = [...HEADER].reverse();
    const header = `\uFEFF${columns.map((c, i) => (i % 2 ? ` ${c} ` : c)).join(',')},备注`;
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([header, ...rows.map((r) => `${line(r, columns)},`)]));
    const connector = new HealthExportConnector(dir);
    const [page] = await connector.listPermits([{ limit: 500 }], ctx());
    expect(ids(page!)).toEqual(oracle.map((r) => r.permitNo));
  });

  it('rejects an export that lacks a column, and does not read it again until it changes', async () => {
    const fs = countingFs();
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([HEADER.filter((c) => c !== '状态').join(','), 'x']));
    const connector = new HealthExportConnector(dir, { fs, recheckMs: 0 });
    await expect(connector.listPermits([{ limit: 5 }], ctx())).rejects.toThrow(BadDataError);
    await expect(connector.listPermits([{ limit: 5 }], ctx())).rejects.toThrow(/状态/);
    expect(fs.reads).toBe(1);
    const runtime = new RuntimeAdapter('health', { connector, mapper: healthMapper });
    await expect(runtime.listPermits([{ first: 5 }])).rejects.toMatchObject({ reason: 'BAD_DATA' });
  });

  it('reports a missing directory or no complete export as UNREACHABLE', async () => {
    await writeFile(join(dir, 'xkxx_20240401.csv.part'), exportBytes([HEADER.join(',')]));
    const empty = new RuntimeAdapter('health', { connector: new HealthExportConnector(dir), mapper: healthMapper });
    await expect(empty.listPermits([{ first: 5 }])).rejects.toMatchObject({ reason: 'UNREACHABLE' });
    const missing = new RuntimeAdapter('health', { connector: new HealthExportConnector(join(dir, 'nope')), mapper: healthMapper });
    await expect(missing.listApplicants(null, 5)).rejects.toMatchObject({ reason: 'UNREACHABLE' });
  });
});

describe('HealthExportConnector: bad rows', () => {
  // One physical line per row here, so the expected line numbers are easy to read.
  const plain = (r: Cells): Cells => ({ ...r, itemTitle: '医疗机构执业许可' });
  const good = rows.slice(0, 6).map(plain);
  const badDate = { ...plain(rows[6]!), applyDate: '2023-13-45' };
  const badDecision = { ...plain(rows[7]!), decisionDate: '2023-02-30' };

  async function load() {
    const lines: Array<string | Buffer> = [
      HEADER.join(','),
      line(good[0]!),
      `${line(good[1]!)},多出的一列`,
      line(good[2]!),
      line(badDate),
      Buffer.concat([iconv.encode(`${rows[8]!.permitNo},WSR9,`, 'gb18030'), Buffer.from([0xff, 0x81, 0x2c]), iconv.encode(line(rows[8]!).split(',').slice(3).join(','), 'gb18030')]),
      `${rows[9]!.permitNo},"broken"quote,${line(rows[9]!).split(',').slice(2).join(',')}`,
      line(good[3]!),
      line(badDecision),
      line({ ...good[4]!, permitNo: good[5]!.permitNo }),
      line(good[5]!),
      '',
      line({ ...rows[10]!, permitNo: ' ' }),
    ];
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes(lines));
    return new HealthExportConnector(dir);
  }

  it('sets unreadable rows aside with line and reason, and serves the rest', async () => {
    const connector = await load();
    const [page] = await connector.listPermits([{ limit: 50 }], ctx());
    const served = [good[0]!, good[2]!, good[3]!, badDecision];
    expect(page!.total).toBe(served.length);
    expect(ids(page!).sort()).toEqual(served.map((r) => r.permitNo).sort());
    expect(connector.badRecords()).toEqual([
      { localId: good[1]!.permitNo, line: 3, reason: '18 columns, expected 17' },
      { localId: badDate.permitNo, line: 5, reason: '申请日期 "2023-13-45" is not a date' },
      { localId: rows[8]!.permitNo, line: 6, reason: 'bytes that do not decode as gb18030' },
      { localId: rows[9]!.permitNo, line: 7, reason: 'text after a closing quote' },
      { localId: good[5]!.permitNo, line: 10, reason: '许可证号 repeated on lines 10, 11' },
      { localId: good[5]!.permitNo, line: 11, reason: '许可证号 repeated on lines 10, 11' },
      { localId: 'line 13', line: 13, reason: 'blank 许可证号' },
    ]);
  });

  it('lets the core report them: bad cells when paged, unreadable rows when asked for by id', async () => {
    const runtime = new RuntimeAdapter('health', { connector: await load(), mapper: healthMapper });
    const [page] = await runtime.listPermits([{ first: 50 }]);
    expect(page!.total).toBe(4);
    expect(page!.permits).toHaveLength(3);
    expect(runtime.badRecords).toBe(1); // the 决定日期 2023-02-30 row
    const found = await runtime.getPermits([good[0]!.permitNo, badDate.permitNo, good[1]!.permitNo, 'WS-NOPE']);
    expect([...found.keys()]).toEqual([good[0]!.permitNo]);
    expect(runtime.badRecords).toBe(3);
  });
});

describe('HealthExportConnector: queries', () => {
  let connector: HealthExportConnector;
  beforeEach(async () => {
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([HEADER.join(','), ...rows.map((r) => line(r))]));
    connector = new HealthExportConnector(dir);
  });

  function expected(q: PermitQuery): string[] {
    return oracle
      .filter(
        (r) =>
          (!q.applicantLocalIds || q.applicantLocalIds.includes(r.applicantNo)) &&
          (!q.rawStatusIn || q.rawStatusIn.includes(r.status)) &&
          (!q.rawStatusNotIn || !q.rawStatusNotIn.includes(r.status)) &&
          (!q.serviceItemCodes || q.serviceItemCodes.includes(r.itemCode)) &&
          (!q.appliedFrom || appliedMs(r) >= Date.parse(q.appliedFrom)) &&
          (!q.appliedTo || appliedMs(r) <= Date.parse(q.appliedTo)),
      )
      .map((r) => r.permitNo);
  }

  it.each<[string, Omit<PermitQuery, 'limit'>]>([
    ['everything', {}],
    ['a status', { rawStatusIn: ['准予许可', '已过期'] }],
    ['UNKNOWN (status not in), blanks included', { rawStatusNotIn: ['已提交', '已受理', '审查中', '准予许可', '不予许可', '已撤回', '已撤销', '已过期'] }],
    ['an item and a time window', { serviceItemCodes: ['WS-002'], appliedFrom: '2024-03-05T00:00:00+08:00', appliedTo: '2024-03-12T12:00:00+08:00' }],
    ['a few applicants', { applicantLocalIds: ['WSR000001', 'WSR000002', 'WSR000003', 'WSR000004'] }],
  ])('pages %s with after: no duplicates, no gaps, exact totals', async (_name, filters) => {
    const want = expected({ ...filters, limit: 0 });
    const seen: string[] = [];
    let after: PermitPosition | undefined;
    for (;;) {
      const [page] = await connector.listPermits([{ ...filters, limit: 7, ...(after && { after }) }], ctx());
      expect(page!.total).toBe(want.length);
      seen.push(...ids(page!));
      if (page!.rows.length < 7) break;
      after = positionOf(page!.rows.at(-1)!);
    }
    expect(seen).toEqual(want);
  });

  it('answers a batch of 40 applicant queries from one look at the directory', async () => {
    const fs = countingFs();
    connector = new HealthExportConnector(dir, { fs, recheckMs: 0 });
    const queries = Array.from({ length: 40 }, (_, i) => ({ applicantLocalIds: [`WSR${String(i + 1).padStart(6, '0')}`], limit: 2 }));
    const pages = await connector.listPermits(queries, ctx());
    expect({ reads: fs.reads, listings: fs.listings, stats: fs.stats }).toEqual({ reads: 1, listings: 1, stats: 1 });
    queries.forEach((q, i) => {
      expect(pages[i]!.total).toBe(expected(q).length);
      expect(ids(pages[i]!)).toEqual(expected(q).slice(0, 2));
    });
    expect(await connector.listPermits([{ applicantLocalIds: [], limit: 5 }, { rawStatusIn: [], limit: 5 }], ctx())).toEqual([
      { total: 0, rows: [] },
      { total: 0, rows: [] },
    ]);
  });

  it('lists each applicant once, in 申请人编号 order, first row describing it', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const page: Awaited<ReturnType<typeof connector.listApplicants>> = await connector.listApplicants(after, 6, ctx());
      seen.push(...page.rows.map((a) => a.applicantNo));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual([...new Set(rows.map((r) => r.applicantNo))].sort());
  });
});

describe('HealthExportConnector: new exports', () => {
  const older = rows.slice(0, 10);
  const newer = rows.slice(10, 30);

  it('reads nothing when nothing changed; ignores .part until renamed; a newer export replaces the older', async () => {
    const fs = countingFs();
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([HEADER.join(','), ...older.map((r) => line(r))]));
    const connector = new HealthExportConnector(dir, { fs, recheckMs: 0 });
    const total = async () => (await connector.listPermits([{ limit: 1 }], ctx()))[0]!.total;

    expect(await total()).toBe(10);
    expect(await total()).toBe(10);
    await connector.getPermits([older[0]!.permitNo], ctx());
    await connector.listApplicants(null, 5, ctx());
    expect(fs.reads).toBe(1);

    await writeFile(join(dir, 'xkxx_20240402.csv.part'), exportBytes([HEADER.join(','), ...newer.map((r) => line(r))]));
    await writeFile(join(dir, 'xkxx_20240403.tmp'), 'junk');
    expect(await total()).toBe(10);
    expect(fs.reads).toBe(1);

    await rename(join(dir, 'xkxx_20240402.csv.part'), join(dir, 'xkxx_20240402.csv'));
    expect(await total()).toBe(20);
    expect(fs.reads).toBe(2);
    expect(await total()).toBe(20);
    expect(fs.reads).toBe(2);
  });

  it('reads the current export again when it is rewritten in place', async () => {
    const fs = countingFs();
    const path = join(dir, 'xkxx_20240401.csv');
    await writeFile(path, exportBytes([HEADER.join(','), ...older.map((r) => line(r))]));
    const connector = new HealthExportConnector(dir, { fs, recheckMs: 0 });
    expect((await connector.listPermits([{ limit: 1 }], ctx()))[0]!.total).toBe(10);
    await writeFile(path, exportBytes([HEADER.join(','), ...older.slice(0, 4).map((r) => line(r))]));
    expect((await connector.listPermits([{ limit: 1 }], ctx()))[0]!.total).toBe(4);
    expect(fs.reads).toBe(2);
  });

  it('answers from the previous export while a newer one is still loading', async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fs = countingFs();
    const slowFs: ExportFs = { ...fs, readFile: async (path) => (path.endsWith('0402.csv') && (await gate), fs.readFile(path)) };
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([HEADER.join(','), ...older.map((r) => line(r))]));
    const connector = new HealthExportConnector(dir, { fs: slowFs, recheckMs: 0, reloadWaitMs: 20 });
    const total = async () => (await connector.listPermits([{ limit: 1 }], ctx()))[0]!.total;
    expect(await total()).toBe(10);
    await writeFile(join(dir, 'xkxx_20240402.csv'), exportBytes([HEADER.join(','), ...newer.map((r) => line(r))]));
    expect(await total()).toBe(10); // waited 20 ms, then answered from the loaded export
    expect(await total()).toBe(10); // the load in progress is shared, not started again
    release();
    await vi.waitFor(async () => expect(await total()).toBe(20));
    expect(fs.reads).toBe(2);
  });

  it('trusts a loaded export for recheckMs without looking at the directory', async () => {
    const fs = countingFs();
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([HEADER.join(','), ...older.map((r) => line(r))]));
    const connector = new HealthExportConnector(dir, { fs, recheckMs: 60_000 });
    await Promise.all([connector.listPermits([{ limit: 1 }], ctx()), connector.getPermits(['x'], ctx())]);
    await connector.listPermits([{ limit: 1 }], ctx());
    expect({ reads: fs.reads, listings: fs.listings }).toEqual({ reads: 1, listings: 1 });
  });

  it('is created from connection.dir by the factory', async () => {
    await expect(createHealthAdapter({ department: 'health', connection: {} })).rejects.toThrow(/connection\.dir/);
    await writeFile(join(dir, 'xkxx_20240401.csv'), exportBytes([HEADER.join(','), ...older.map((r) => line(r))]));
    const adapter = await createHealthAdapter({ department: 'health', connection: { dir } });
    const [page] = await new RuntimeAdapter('health', adapter).listPermits([{ first: 3 }]);
    expect(page!.total).toBe(10);
  });
});
