import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc, mulberry32 } from '../../schema/identifiers/index.js';
import { AdapterError, BadDataError } from '../core/adapter-error.js';
import type { CallContext, PermitPosition, PermitQuery } from '../core/contract.js';
import { compareCodePoints } from '../core/permit-order.js';
import { RuntimeAdapter } from '../core/runtime-adapter.js';
import { HousingApiError, HousingConnector } from './connector.js';
import { createHousingAdapter } from './index.js';
import type { HPermit, Unit } from './legacy-types.js';
import { housingMapper } from './mapper.js';

// ---- a tiny stand-in for the housing API, written from its specification ----

interface FakeApi {
  url: string;
  /** Every request URL, in order. */
  requests: URL[];
  headers: IncomingHttpHeaders[];
  /** When set and returning a string, that string is the response body. */
  override: ((url: URL) => string | undefined) | null;
  close(): Promise<void>;
}

const byApiOrder = (a: HPermit, b: HPermit) =>
  a.applyDate !== b.applyDate ? (a.applyDate > b.applyDate ? -1 : 1) : compareCodePoints(a.permitNo, b.permitNo);

function answer(url: URL, units: readonly Unit[], sorted: readonly HPermit[]): unknown {
  const p = url.searchParams;
  const list = (name: string) => (p.get(name) ? p.get(name)!.split(',') : undefined);
  const ok = (total: number, rows: unknown[]) => ({ code: 0, msg: 'ok', data: { total, rows } });
  if (url.pathname === '/api/v2/units') {
    const ids = list('ids');
    if (ids) return ok(ids.length, units.filter((u) => ids.includes(u.unitId)));
    const page = Number(p.get('page') ?? 1);
    const size = Number(p.get('size') ?? 50);
    if (size > 1000) return { code: 400, msg: 'size too large' };
    return ok(units.length, units.slice((page - 1) * size, page * size));
  }
  if (url.pathname !== '/api/v2/permits') return { code: 404, msg: 'no such path' };
  const ids = list('ids');
  if (ids) return ok(ids.length, sorted.filter((r) => ids.includes(r.permitNo)));
  const limit = Number(p.get('limit') ?? 50);
  if (limit > 1000) return { code: 400, msg: 'limit too large' };
  const unitIds = list('unitIds');
  const status = list('status')?.map(Number);
  const items = list('itemCodes');
  const from = p.get('applyFrom');
  const to = p.get('applyTo');
  const matching = sorted.filter(
    (r) =>
      (!unitIds || unitIds.includes(r.unitId)) &&
      (!status || status.includes(r.statusCode)) &&
      (!items || items.includes(r.itemCode)) &&
      (!from || r.applyDate >= from) &&
      (!to || r.applyDate <= to),
  );
  const after = p.get('after');
  let rows = matching;
  if (after) {
    const m = /^(\d{8})_(.+)$/.exec(after);
    if (!m) return { code: 400, msg: 'bad after' };
    const position = { applyDate: m[1]!, permitNo: m[2]! } as HPermit;
    rows = matching.filter((r) => byApiOrder(r, position) > 0);
  }
  return ok(matching.length, rows.slice(0, limit));
}

async function startFakeApi(units: readonly Unit[], permits: readonly HPermit[]): Promise<FakeApi> {
  const sorted = [...permits].sort(byApiOrder);
  const api: Omit<FakeApi, 'url' | 'close'> = { requests: [], headers: [], override: null };
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    api.requests.push(url);
    api.headers.push(req.headers);
    const forced = api.override?.(url);
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(forced ?? JSON.stringify(answer(url, units, sorted)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(api, {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  });
}

// ---- generated data: 60 units, 600 permits over a few weeks, so many share a day ----

function generate(): { units: Unit[]; permits: HPermit[] } {
  const rng = mulberry32(7);
  const units: Unit[] = [];
  for (let i = 1; i <= 60; i++) {
    const person = i % 4 === 0;
    units.push({
      unitId: `U${i}`,
      unitName: person ? `申请人${i}` : `海珠第${i}建设有限公司`,
      unitType: person ? 2 : 1,
      certType: person ? 3 : 1,
      certNo: person ? generateResidentId(rng) : generateUscc(rng),
      tel: `020-8${String(i).padStart(7, '0')}`,
      addr: `广州市海珠区测试路${i}号`,
    });
  }
  const codes = [10, 20, 30, 40, 40, 40, 50, 60, 70, 80, 0, 99];
  const permits: HPermit[] = [];
  for (let i = 1; i <= 600; i++) {
    const day = 1 + Math.floor(rng() * 28);
    permits.push({
      permitNo: `JZ2024${String(Math.floor(rng() * 1e6)).padStart(6, '0')}${i}`,
      unitId: `U${1 + Math.floor(rng() * 60)}`,
      itemCode: `HS-00${1 + Math.floor(rng() * 3)}`,
      projectName: `项目${i}`,
      statusCode: codes[Math.floor(rng() * codes.length)]!,
      applyDate: `202402${String(day).padStart(2, '0')}`,
      approveDate: '',
      expireDate: '',
      limitDays: 20,
      promiseDays: 10,
      usedDays: null,
    });
  }
  return { units, permits };
}

const { units, permits } = generate();
const ctx = (): CallContext => ({ signal: AbortSignal.timeout(10_000) });

/** Where a raw row sits in list order, as the core builds it from the mapped permit. */
function positionOf(row: HPermit): PermitPosition {
  const mapped = housingMapper.permit(row);
  if (!mapped.ok) throw new Error(mapped.reason);
  return { appliedAt: mapped.value.appliedAt, localId: mapped.value.localId };
}

/** The query answered from the generated data directly: the oracle the connector must agree with. */
function expected(q: PermitQuery): { total: number; ids: string[] } {
  const rows = [...permits].sort(byApiOrder).filter((r) => {
    const day = `${r.applyDate.slice(0, 4)}-${r.applyDate.slice(4, 6)}-${r.applyDate.slice(6)}T00:00:00+08:00`;
    return (
      (!q.applicantLocalIds || q.applicantLocalIds.includes(r.unitId)) &&
      (!q.rawStatusIn || q.rawStatusIn.includes(String(r.statusCode))) &&
      (!q.rawStatusNotIn || !q.rawStatusNotIn.includes(String(r.statusCode))) &&
      (!q.serviceItemCodes || q.serviceItemCodes.includes(r.itemCode)) &&
      (!q.appliedFrom || Date.parse(day) >= Date.parse(q.appliedFrom)) &&
      (!q.appliedTo || Date.parse(day) <= Date.parse(q.appliedTo))
    );
  });
  return { total: rows.length, ids: rows.map((r) => r.permitNo) };
}

let api: FakeApi;
beforeAll(async () => {
  api = await startFakeApi(units, permits);
});
afterAll(async () => {
  await api.close();
});
afterEach(() => {
  api.requests.length = 0;
  api.headers.length = 0;
  api.override = null;
});

describe('HousingConnector.listPermits', () => {
  it('answers a batch of 50 applicant queries with one request, each page as if asked alone', async () => {
    const connector = new HousingConnector(api.url);
    const queries: PermitQuery[] = units.slice(0, 50).map((u) => ({ applicantLocalIds: [u.unitId], rawStatusIn: ['40', '80'], limit: 3 }));
    const pages = await connector.listPermits(queries, ctx());
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0]!.searchParams.get('unitIds')!.split(',')).toHaveLength(50);
    expect(api.requests[0]!.searchParams.get('after')).toBeNull();
    queries.forEach((q, i) => {
      const want = expected(q);
      expect(pages[i]!.total).toBe(want.total);
      expect(pages[i]!.rows.map((r) => r.permitNo)).toEqual(want.ids.slice(0, 3));
    });
    // The same page, asked alone, is pushed down whole and agrees.
    const alone = await connector.listPermits([queries[7]!], ctx());
    expect(alone).toEqual([pages[7]]);
    expect(api.requests.at(-1)!.searchParams.get('limit')).toBe('3');
  });

  it('splits a shared batch per query even when the queries differ in other filters', async () => {
    const connector = new HousingConnector(api.url);
    const first = await connector.listPermits([{ applicantLocalIds: ['U1'], limit: 2 }], ctx());
    const queries: PermitQuery[] = [
      { applicantLocalIds: ['U1'], after: positionOf(first[0]!.rows[1]!), limit: 2 },
      { applicantLocalIds: ['U2', 'U3'], serviceItemCodes: ['HS-001'], limit: 50 },
      { applicantLocalIds: ['U4'], rawStatusNotIn: ['10', '20', '30', '40', '50', '60', '70', '80'], limit: 50 },
      { applicantLocalIds: ['U5'], appliedFrom: '2024-02-10T12:00:00+08:00', appliedTo: '2024-02-20T00:00:00+08:00', limit: 50 },
      { applicantLocalIds: [], limit: 5 },
    ];
    api.requests.length = 0;
    const pages = await connector.listPermits(queries, ctx());
    expect(api.requests).toHaveLength(1);
    const u1 = expected({ applicantLocalIds: ['U1'], limit: 0 });
    expect(pages[0]).toMatchObject({ total: u1.total });
    expect(pages[0]!.rows.map((r) => r.permitNo)).toEqual(u1.ids.slice(2, 4));
    for (const i of [1, 2, 3]) {
      const want = expected(queries[i]!);
      expect(pages[i]!.total).toBe(want.total);
      expect(pages[i]!.rows.map((r) => r.permitNo)).toEqual(want.ids);
    }
    expect(pages[4]).toEqual({ total: 0, rows: [] });
  });

  it('sends root queries alone, identical ones once', async () => {
    const connector = new HousingConnector(api.url);
    const approved: PermitQuery = { rawStatusIn: ['40'], limit: 5 };
    const pages = await connector.listPermits([approved, { rawStatusIn: ['50'], limit: 5 }, approved, { applicantLocalIds: ['U9'], limit: 5 }], ctx());
    expect(api.requests).toHaveLength(3);
    expect(pages[0]).toEqual(pages[2]);
    expect(pages[0]!.total).toBe(expected(approved).total);
  });

  it('pages a root list with after: no duplicates, no gaps, the same total on every page', async () => {
    const connector = new HousingConnector(api.url);
    const want = expected({ limit: 0 });
    const seen: string[] = [];
    let after: PermitPosition | undefined;
    for (;;) {
      const [page] = await connector.listPermits([{ limit: 37, ...(after && { after }) }], ctx());
      expect(page!.total).toBe(want.total);
      seen.push(...page!.rows.map((r) => r.permitNo));
      if (page!.rows.length < 37) break;
      after = positionOf(page!.rows.at(-1)!);
    }
    expect(seen).toEqual(want.ids);
  });

  it('applies a status NOT IN locally with an exact total, paging without duplicates or gaps', async () => {
    const connector = new HousingConnector(api.url);
    const base: PermitQuery = { rawStatusNotIn: ['10', '20', '30', '40', '50', '60', '70', '80'], serviceItemCodes: ['HS-002'], limit: 4 };
    const want = expected(base);
    expect(want.total).toBeGreaterThan(8);
    const seen: string[] = [];
    let after: PermitPosition | undefined;
    for (;;) {
      api.requests.length = 0;
      const [page] = await connector.listPermits([{ ...base, ...(after && { after }) }], ctx());
      expect(page!.total).toBe(want.total);
      // Everything the API can filter is still pushed down; the status is not.
      expect(api.requests[0]!.searchParams.get('itemCodes')).toBe('HS-002');
      expect(api.requests[0]!.searchParams.get('status')).toBeNull();
      seen.push(...page!.rows.map((r) => r.permitNo));
      if (page!.rows.length < 4) break;
      after = positionOf(page!.rows.at(-1)!);
    }
    expect(seen).toEqual(want.ids);
  });

  it('turns instants that are not whole days into exact day bounds', async () => {
    const connector = new HousingConnector(api.url);
    const q: PermitQuery = { appliedFrom: '2024-02-09T16:00:01Z', appliedTo: '2024-02-19T15:59:59Z', limit: 1000 };
    const [page] = await connector.listPermits([q], ctx());
    // 2024-02-10 00:00:01 +08:00 → from the 11th; 2024-02-19 23:59:59 +08:00 → to the 19th.
    expect(api.requests[0]!.searchParams.get('applyFrom')).toBe('20240211');
    expect(api.requests[0]!.searchParams.get('applyTo')).toBe('20240219');
    expect(page!.total).toBe(expected(q).total);
    expect(page!.rows.map((r) => r.permitNo)).toEqual(expected(q).ids);
    const [empty] = await connector.listPermits([{ appliedFrom: '2024-02-10T00:00:01+08:00', appliedTo: '2024-02-10T23:00:00+08:00', limit: 5 }], ctx());
    expect(empty).toEqual({ total: 0, rows: [] });
  });

  it('answers filters that match nothing without a request', async () => {
    const connector = new HousingConnector(api.url);
    const pages = await connector.listPermits(
      [{ rawStatusIn: [], limit: 5 }, { serviceItemCodes: [], limit: 5 }, { rawStatusIn: ['abc'], limit: 5 }],
      ctx(),
    );
    expect(pages).toEqual([{ total: 0, rows: [] }, { total: 0, rows: [] }, { total: 0, rows: [] }]);
    expect(api.requests).toHaveLength(0);
  });

  it('pages past the API cap with after when a batch needs more rows than one request holds', async () => {
    const connector = new HousingConnector(api.url, { pageSize: 25 });
    const queries = units.slice(0, 20).map((u) => ({ applicantLocalIds: [u.unitId], limit: 100 }));
    const pages = await connector.listPermits(queries, ctx());
    const rows = queries.reduce((n, q) => n + expected(q).total, 0);
    // Full pages until the rows reach the total (a short last page ends it too).
    expect(api.requests).toHaveLength(Math.ceil(rows / 25));
    queries.forEach((q, i) => expect(pages[i]!.rows.map((r) => r.permitNo)).toEqual(expected(q).ids));
    const [big] = await connector.listPermits([{ limit: 60 }], ctx());
    expect(big!.rows.map((r) => r.permitNo)).toEqual(expected({ limit: 0 }).ids.slice(0, 60));
  });

  it('reports an error envelope as HousingApiError, and the core as an unavailable department', async () => {
    api.override = () => JSON.stringify({ code: 500, msg: 'database is down' });
    const connector = new HousingConnector(api.url);
    await expect(connector.listPermits([{ limit: 5 }], ctx())).rejects.toMatchObject({ name: 'HousingApiError', code: 500 });
    await expect(connector.getPermits(['JZ1'], ctx())).rejects.toBeInstanceOf(HousingApiError);
    const runtime = new RuntimeAdapter('housing', { connector, mapper: housingMapper });
    await expect(runtime.listPermits([{ first: 5 }])).rejects.toMatchObject({ reason: 'ERROR' });
  });

  it('reports a body that is not JSON, or not the envelope, as BadDataError (BAD_DATA)', async () => {
    const connector = new HousingConnector(api.url);
    const runtime = new RuntimeAdapter('housing', { connector, mapper: housingMapper });
    for (const body of ['<html>502 Bad Gateway</html>', '{"code":0,"msg":"ok","data":{"total":1,"rows":{}}}', '{"code":0,"data":{"total":1,"rows":[{"permitNo":7}]}}', '[]']) {
      api.override = () => body;
      await expect(connector.listPermits([{ limit: 5 }], ctx())).rejects.toBeInstanceOf(BadDataError);
      await expect(runtime.listPermits([{ first: 5 }])).rejects.toMatchObject({ reason: 'BAD_DATA' });
    }
  });

  it('lets network errors through, which the core reports as UNREACHABLE', async () => {
    const closed = await startFakeApi([], []);
    await closed.close();
    const runtime = new RuntimeAdapter('housing', { connector: new HousingConnector(closed.url), mapper: housingMapper });
    const error = await runtime.listPermits([{ first: 5 }]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AdapterError);
    expect(error).toMatchObject({ reason: 'UNREACHABLE' });
  });

  it('skips records that do not map, counting them, without failing the page', async () => {
    api.override = (url) =>
      url.pathname === '/api/v2/permits'
        ? JSON.stringify({ code: 0, msg: 'ok', data: { total: 2, rows: [{ ...permits[0]!, applyDate: '20240230' }, permits[1]] } })
        : undefined;
    const runtime = new RuntimeAdapter('housing', { connector: new HousingConnector(api.url), mapper: housingMapper });
    const [page] = await runtime.listPermits([{ first: 5 }]);
    expect(page!.permits.map((p) => p.localId)).toEqual([permits[1]!.permitNo]);
    expect(runtime.badRecords).toBe(1);
  });
});

describe('HousingConnector.getPermits', () => {
  it('fetches a batch of ids with one request; unknown ids are absent', async () => {
    const connector = new HousingConnector(api.url);
    const ids = permits.slice(0, 40).map((p) => p.permitNo);
    const rows = await connector.getPermits([...ids, 'JZ-NOPE', ids[0]!], ctx());
    expect(api.requests).toHaveLength(1);
    expect(rows.map((r) => r.permitNo).sort()).toEqual([...ids].sort());
    expect(await connector.getPermits([], ctx())).toEqual([]);
    expect(api.requests).toHaveLength(1);
  });
});

describe('HousingConnector.listApplicants', () => {
  it('walks every unit once, even when the limit changes between calls', async () => {
    const connector = new HousingConnector(api.url);
    const seen: string[] = [];
    let after: string | null = null;
    const limits = [7, 7, 10, 3, 25, 25, 25];
    for (let call = 0; ; call++) {
      const page: { rows: Unit[]; next: string | null } = await connector.listApplicants(after, limits[call % limits.length]!, ctx());
      seen.push(...page.rows.map((u) => u.unitId));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(units.map((u) => u.unitId));
    expect(api.requests.every((u) => u.pathname === '/api/v2/units')).toBe(true);
  });
});

describe('createHousingAdapter', () => {
  it('needs connection.url', async () => {
    await expect(createHousingAdapter({ department: 'housing', connection: {} })).rejects.toThrow(/connection\.url/);
  });

  it('accepts a trailing slash and sends URL credentials as Basic auth, never in messages', async () => {
    const withCredentials = api.url.replace('http://', 'http://hub:s3cret@') + '/';
    const adapter = await createHousingAdapter({ department: 'housing', connection: { url: withCredentials } });
    await adapter.connector.listPermits([{ limit: 1 }], ctx());
    expect(api.requests[0]!.pathname).toBe('/api/v2/permits');
    expect(api.headers[0]!.authorization).toBe(`Basic ${Buffer.from('hub:s3cret').toString('base64')}`);
    api.override = () => 'not json';
    const error = (await adapter.connector.listPermits([{ limit: 1 }], ctx()).catch((e: unknown) => e)) as Error;
    expect(error.message).not.toContain('s3cret');
    expect(error.message).not.toContain('127.0.0.1');
    await expect(createHousingAdapter({ department: 'housing', connection: { url: 'not a url s3cret' } })).rejects.toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('s3cret') }),
    );
  });
});
