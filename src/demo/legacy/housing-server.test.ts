import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDistrict } from '../generate/generate-demo-district.js';
import type { HousingPermit, HousingUnit } from '../generate/types.js';
import { writeHousing } from '../generate/write-housing.js';
import { comparePermits, HousingIndex, type PermitQuery } from './housing-index.js';
import { startHousingServer, type HousingServer } from './housing-server.js';

const district = generateDemoDistrict({ seed: 5 });
const permits = district.housing.permits;
let dir: string;
let file: string;
let server: HousingServer;

interface Envelope<T> {
  code: number;
  msg: string;
  data?: { total: number; rows: T[] };
}

async function get<T = HousingPermit>(path: string): Promise<Envelope<T>> {
  const res = await fetch(server.url + path);
  // The vendor answers HTTP 200 even for errors.
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return (await res.json()) as Envelope<T>;
}

/** What the API should answer, computed the slow, obvious way. */
function bruteForce(q: Omit<PermitQuery, 'limit' | 'after'>): HousingPermit[] {
  return permits
    .filter(
      (p) =>
        (q.unitIds === undefined || q.unitIds.includes(p.unitId)) &&
        (q.statuses === undefined || q.statuses.includes(p.statusCode)) &&
        (q.itemCodes === undefined || q.itemCodes.includes(p.itemCode)) &&
        (q.applyFrom === undefined || p.applyDate >= q.applyFrom) &&
        (q.applyTo === undefined || p.applyDate <= q.applyTo),
    )
    .sort(comparePermits);
}

/** The units holding the most permits, so unit filters have something to page through. */
const busiestUnits = [...permits.reduce((m, p) => m.set(p.unitId, (m.get(p.unitId) ?? 0) + 1), new Map<string, number>())]
  .sort((a, b) => b[1] - a[1])
  .map(([id]) => id);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'huitong-housing-'));
  ({ file } = await writeHousing(dir, district));
  server = await startHousingServer({ file });
});

afterAll(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe('housing server', () => {
  it('listens on 127.0.0.1 and serves the first 50 permits in order by default', async () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const body = await get('/api/v2/permits');
    expect(body.code).toBe(0);
    expect(body.msg).toBe('ok');
    expect(body.data!.total).toBe(permits.length);
    expect(body.data!.rows).toEqual(bruteForce({}).slice(0, 50));
  });

  it('filters by units, status, item codes and apply-date window', async () => {
    const unitIds = busiestUnits.slice(0, 3);
    const cases: Array<[string, Omit<PermitQuery, 'limit'>]> = [
      [`unitIds=${unitIds.join(',')}`, { unitIds }],
      ['status=10,40', { statuses: [10, 40] }],
      ['itemCodes=ZJJ-XK-001,ZJJ-XK-007', { itemCodes: ['ZJJ-XK-001', 'ZJJ-XK-007'] }],
      ['applyFrom=20200101&applyTo=20201231', { applyFrom: '20200101', applyTo: '20201231' }],
      [`unitIds=${unitIds.join(',')}&status=40&applyFrom=20190601`, { unitIds, statuses: [40], applyFrom: '20190601' }],
    ];
    for (const [query, q] of cases) {
      const expected = bruteForce(q);
      expect(expected.length, query).toBeGreaterThan(0);
      const body = await get(`/api/v2/permits?${query}&limit=1000`);
      expect(body.data!.total, query).toBe(expected.length);
      expect(body.data!.rows, query).toEqual(expected.slice(0, 1000));
    }
  });

  it('pages with `after` without duplicates or gaps', async () => {
    for (const query of ['status=40', `unitIds=${busiestUnits.slice(0, 5).join(',')}`, '']) {
      const expected = bruteForce(query === 'status=40' ? { statuses: [40] } : query === '' ? {} : { unitIds: busiestUnits.slice(0, 5) });
      const seen: HousingPermit[] = [];
      let after = '';
      for (;;) {
        const body = await get(`/api/v2/permits?${query}&limit=137${after}`);
        expect(body.data!.total).toBe(expected.length);
        seen.push(...body.data!.rows);
        const last = body.data!.rows.at(-1);
        if (body.data!.rows.length < 137 || last === undefined) break;
        after = `&after=${last.applyDate}_${last.permitNo}`;
      }
      expect(new Set(seen.map((p) => p.permitNo)).size).toBe(seen.length);
      expect(seen).toEqual(expected);
    }
  });

  it('agrees with a brute-force scan on many random queries', () => {
    const index = new HousingIndex(district.housing.units, permits);
    const days = permits.map((p) => p.applyDate).sort();
    let seed = 1;
    const rand = (n: number): number => ((seed = (seed * 48271) % 2147483647), seed % n);
    for (let k = 0; k < 300; k++) {
      const q: PermitQuery = { limit: 1 + rand(60) };
      if (rand(2)) q.unitIds = [busiestUnits[rand(20)]!, `U${1 + rand(district.housing.units.length)}`];
      if (rand(2)) q.statuses = [[10, 20, 30, 40, 50, 60, 70, 80][rand(8)]!, 40];
      if (rand(3) === 0) q.itemCodes = ['ZJJ-XK-003', 'ZJJ-XK-004'];
      if (rand(2)) q.applyFrom = days[rand(days.length)]!;
      if (rand(2)) q.applyTo = days[rand(days.length)]!;
      const all = bruteForce(q);
      if (rand(2) && all.length > 0) {
        const pivot = all[rand(all.length)]!;
        q.after = { applyDate: pivot.applyDate, permitNo: pivot.permitNo };
      }
      const start = q.after === undefined ? 0 : all.findIndex((p) => comparePermits(p, q.after!) > 0);
      const expected = start < 0 ? [] : all.slice(start, start + q.limit);
      expect(index.queryPermits(q), JSON.stringify(q)).toEqual({ total: all.length, rows: expected });
    }
  });

  it('looks permits up by ids, omitting unknown ones', async () => {
    const ids = [permits[10]!.permitNo, 'JZ1999000001', permits[3]!.permitNo];
    const body = await get(`/api/v2/permits?ids=${ids.join(',')}`);
    expect(body.code).toBe(0);
    expect(body.data!.rows.map((p) => p.permitNo).sort()).toEqual([permits[10]!.permitNo, permits[3]!.permitNo].sort());
  });

  it('pages units and looks them up by ids', async () => {
    const units = district.housing.units;
    const page2 = await get<HousingUnit>('/api/v2/units?page=2&size=100');
    expect(page2.data!.total).toBe(units.length);
    expect(page2.data!.rows).toEqual(units.slice(100, 200));
    const byIds = await get<HousingUnit>('/api/v2/units?ids=U2,U404040,U1');
    expect(byIds.data!.rows.map((u) => u.unitId).sort()).toEqual(['U1', 'U2']);
    const beyond = await get<HousingUnit>(`/api/v2/units?page=999&size=1000`);
    expect(beyond.data!.rows).toEqual([]);
  });

  it('answers errors with HTTP 200 and a code in the envelope', async () => {
    for (const path of [
      '/api/v2/permits?limit=1001',
      '/api/v2/permits?limit=0',
      '/api/v2/permits?limit=ten',
      '/api/v2/permits?applyFrom=2023-01-01',
      '/api/v2/permits?status=approved',
      '/api/v2/permits?after=20230101',
      '/api/v2/units?size=5000',
      '/api/v2/units?page=0',
    ]) {
      const body = await get(path);
      expect(body.code, path).toBe(400);
      expect(body.msg, path).toEqual(expect.any(String));
      expect(body.data, path).toBeUndefined();
    }
    expect((await get('/api/v1/permits')).code).toBe(404);
    expect((await get('/')).code).toBe(404);
  });

  it('counts the requests it serves', async () => {
    const before = server.requestCount();
    await get('/api/v2/permits?limit=1');
    await get('/nowhere');
    expect(server.requestCount()).toBe(before + 2);
  });
});

describe('housing-server-main', () => {
  it('prints its URL, serves, and exits cleanly on SIGTERM', async () => {
    const main = join(import.meta.dirname, 'housing-server-main.ts');
    const child = spawn(process.execPath, ['--import', 'tsx', main, '--file', file, '--port', '0'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    const firstLine = await new Promise<string>((resolve, reject) => {
      createInterface({ input: child.stdout }).once('line', resolve);
      child.once('exit', () => reject(new Error('server exited before printing its URL')));
    });
    expect(firstLine).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const body = (await (await fetch(`${firstLine}/api/v2/permits?limit=2`)).json()) as Envelope<HousingPermit>;
    expect(body.data!.rows).toHaveLength(2);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
