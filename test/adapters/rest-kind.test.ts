import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AdapterError, BadDataError } from '../../src/adapters/core/adapter-error.js';
import type { KindContext } from '../../src/adapters/core/adapter-kind.js';
import { comparePermits, defineAdapterConformanceSuite } from '../../src/adapters/core/conformance-suite.js';
import type { CallContext, PermitPosition, PermitQuery } from '../../src/adapters/core/contract.js';
import { HttpStatusError } from '../../src/adapters/core/http-json.js';
import { silentLogger, type Logger } from '../../src/logging/logger.js';
import { rawStatusFilter, RuntimeAdapter } from '../../src/adapters/core/runtime-adapter.js';
import { specMapper } from '../../src/adapters/core/spec-mapper.js';
import { createRestKind, RestApiError, restKind, type RestSpec } from '../../src/adapters/rest/index.js';
import { parseSpecText } from '../../src/adapters/spec/parse-spec.js';
import { resolveValue } from '../../src/adapters/spec/secrets.js';
import type { SpecIssue } from '../../src/adapters/spec/spec-issue.js';
import { generateDemoDistrict, writeHousing, type HousingPermit, type HousingUnit } from '../../src/demo/generate/index.js';
import { startHousingServer, type HousingServer } from '../../src/demo/legacy/housing-server.js';
import type { ApplicantRecord, PermitStatus, UnifiedPermit } from '../../src/schema/model.js';
import { fakeApiSpec, listOrder, startFakeApi, type FakeApi, type FakePermit, type FakeStyle } from '../support/fake-rest-api.js';

const kinds = { rest: restKind };
const parse = (text: string) => parseSpecText(text, kinds) as RestSpec;
const tmp = mkdtempSync(join(tmpdir(), 'huitong-rest-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function context(env: Record<string, string>, secretsDir?: string): KindContext {
  return { resolve: (value) => resolveValue(value, { env, secretsDir }), dataDir: tmp, logger: silentLogger };
}
const ctx = (): CallContext => ({ signal: AbortSignal.timeout(20_000) });
const housingSpecText = readFileSync(new URL('../../src/demo/specs/housing.yaml', import.meta.url), 'utf8');
const district = generateDemoDistrict({ seed: 11, scale: 0.2 });

async function housingApi(): Promise<{ server: HousingServer; close(): Promise<void> }> {
  const dir = mkdtempSync(join(tmp, 'housing-'));
  const { file } = await writeHousing(dir, district);
  const server = await startHousingServer({ file });
  return { server, close: () => server.close() };
}

// ---- the demo housing department, declared by src/demo/specs/housing.yaml ----

for (const [label, kind] of [
  ['path fast path on', restKind],
  ['path fast path off', createRestKind({ fastPath: false })],
] as const) {
  defineAdapterConformanceSuite(`rest kind: the demo housing spec over the fake housing API (${label})`, async () => {
    const { server, close } = await housingApi();
    const spec = parse(housingSpecText);
    const connector = await kind.open(spec, context({ HUITONG_HOUSING_API_URL: server.url }));
    return { adapter: { connector, mapper: specMapper(spec) }, backendCalls: () => server.requestCount(), close };
  });
}

/** What the demo README says each housing permit is, unified: the generator's rows are the ground truth. */
const HOUSING_STATUS: Record<number, PermitStatus> = {
  10: 'SUBMITTED',
  20: 'ACCEPTED',
  30: 'UNDER_REVIEW',
  40: 'APPROVED',
  50: 'REJECTED',
  60: 'WITHDRAWN',
  70: 'REVOKED',
  80: 'EXPIRED',
};
const day = (ymd: string) => (ymd === '' ? null : `${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6, 8)}`);
function expectedPermit(p: HousingPermit): UnifiedPermit {
  const at = (ymd: string) => (day(ymd) === null ? null : `${day(ymd)}T00:00:00+08:00`);
  return {
    localId: p.permitNo,
    applicantLocalId: p.unitId,
    serviceItemCode: p.itemCode,
    title: p.projectName,
    status: HOUSING_STATUS[p.statusCode] ?? 'UNKNOWN',
    rawStatus: String(p.statusCode),
    appliedAt: at(p.applyDate),
    decidedAt: at(p.approveDate),
    validUntil: day(p.expireDate),
    statutoryDays: p.limitDays,
    committedDays: p.promiseDays,
    actualDays: p.usedDays,
  };
}
const CERT: Record<number, ApplicantRecord['identifiers'][number]['claimedType']> = { 1: 'USCC', 2: 'ORG_CODE', 3: 'RESIDENT_ID' };
const text = (s: string) => (s.trim() === '' ? null : s.trim());
function expectedApplicant(u: HousingUnit): ApplicantRecord {
  return {
    localId: u.unitId,
    kind: u.unitType === 1 ? 'ORGANIZATION' : u.unitType === 2 ? 'PERSON' : null,
    name: u.unitName.trim(),
    identifiers: text(u.certNo) === null ? [] : [{ value: u.certNo.trim(), claimedType: CERT[u.certType] ?? null }],
    phone: text(u.tel),
    address: text(u.addr),
  };
}

describe('rest kind: the demo housing spec', () => {
  let api: Awaited<ReturnType<typeof housingApi>>;
  let runtime: RuntimeAdapter;
  const requests = async <T>(run: () => Promise<T>): Promise<{ result: T; requests: number }> => {
    const before = api.server.requestCount();
    const result = await run();
    return { result, requests: api.server.requestCount() - before };
  };

  beforeAll(async () => {
    api = await housingApi();
    const spec = parse(housingSpecText);
    runtime = new RuntimeAdapter('housing', {
      connector: await restKind.open(spec, context({ HUITONG_HOUSING_API_URL: api.server.url })),
      mapper: specMapper(spec),
    });
  });
  afterAll(() => api.close());

  it('yields the generator’s permits, unified, in list order: one request per page', async () => {
    const expected = district.housing.permits.map(expectedPermit).sort(comparePermits);
    const got: UnifiedPermit[] = [];
    let after: PermitPosition | undefined;
    for (;;) {
      const {
        result: [page],
        requests: n,
      } = await requests(() => runtime.listPermits([{ first: 100, ...(after && { after }) }]));
      expect(n).toBe(1);
      expect(page!.total).toBe(expected.length);
      got.push(...page!.permits);
      if (!page!.hasMore) break;
      after = page!.end!;
    }
    expect(got).toEqual(expected);
    expect(runtime.badRecords).toBe(0);
  });

  it('yields the generator’s units as applicant records, one request per call', async () => {
    const got: ApplicantRecord[] = [];
    let token: string | null = null;
    let calls = 0;
    do {
      const { result, requests: n } = await requests(() => runtime.listApplicants(token, 70));
      expect(n).toBe(1);
      got.push(...result.records);
      token = result.next;
      calls++;
    } while (token !== null);
    expect(got).toEqual(district.housing.units.map(expectedApplicant));
    expect(calls).toBe(Math.ceil(district.housing.units.length / 70));
  });

  it('makes the bespoke adapter’s requests: batches in one, filters pushed down, UNKNOWN over the superset in 1000-row requests', async () => {
    const units = [...new Set(district.housing.permits.map((p) => p.unitId))].slice(0, 60);
    const batch = await requests(() => runtime.listPermits(units.map((u) => ({ first: 3, applicantLocalIds: [u], statuses: ['APPROVED', 'EXPIRED'] }))));
    expect(batch.requests).toBe(1);
    units.forEach((u, i) => {
      const want = district.housing.permits
        .filter((p) => p.unitId === u && (p.statusCode === 40 || p.statusCode === 80))
        .map(expectedPermit)
        .sort(comparePermits);
      expect(batch.result[i]!.total).toBe(want.length);
      expect(batch.result[i]!.permits).toEqual(want.slice(0, 3));
    });
    const item = district.housing.permits[0]!.itemCode;
    const root = await requests(() =>
      runtime.listPermits([{ first: 20, statuses: ['APPROVED'], serviceItemCodes: [item], appliedFrom: '2023-01-01T00:00:00+08:00' }]),
    );
    expect(root.requests).toBe(1);
    const unknown = await requests(() => runtime.listPermits([{ first: 20, statuses: ['UNKNOWN'] }]));
    expect(unknown.requests).toBe(Math.ceil(district.housing.permits.length / 1000));
    expect(unknown.result[0]!.total).toBe(district.housing.permits.filter((p) => HOUSING_STATUS[p.statusCode] === undefined).length);
    const ids = district.housing.permits.slice(0, 40).map((p) => p.permitNo);
    const lookup = await requests(() => runtime.getPermits([...ids, 'JZ-NO-SUCH']));
    expect(lookup.requests).toBe(1);
    expect([...lookup.result.keys()].sort()).toEqual([...ids].sort());
  });
});

// ---- every paging style, against a small fake API with its own naming ----

const STYLES: Array<{ style: FakeStyle; sorted: boolean }> = [
  { style: 'page', sorted: true },
  { style: 'offset', sorted: false },
  { style: 'cursor', sorted: true },
  { style: 'nextLink', sorted: false },
  { style: 'keyset', sorted: true },
];

async function fakeSubject(options: { style: FakeStyle; sorted: boolean; maxPageSize?: number; apiMax?: number }) {
  const api = await startFakeApi({ style: options.style, sorted: options.sorted, maxPageSize: options.apiMax ?? 1000 });
  const spec = parse(fakeApiSpec(options));
  const connector = await restKind.open(spec, context({ FAKE_API_URL: api.url }));
  return { api, spec, connector, mapper: specMapper(spec) };
}

for (const { style, sorted } of STYLES) {
  defineAdapterConformanceSuite(`rest kind: ${style} paging (${sorted ? 'sorted' : 'unsorted'} API)`, async () => {
    const { api, connector, mapper } = await fakeSubject({ style, sorted });
    return { adapter: { connector, mapper }, backendCalls: () => api.requests.length, close: () => api.close() };
  });
}

/** The query answered from the fake API's data directly: the oracle the connector must agree with. */
function expected(permits: readonly FakePermit[], q: PermitQuery): { total: number; keys: string[] } {
  const ms = (p: FakePermit) => (p.applied === null ? null : Date.parse(`${p.applied.replace(' ', 'T')}+08:00`));
  const rows = [...permits].sort(listOrder).filter((p) => {
    const state = p.state === '' ? null : p.state;
    const at = ms(p);
    return (
      (!q.applicantLocalIds || q.applicantLocalIds.includes(p.holder.id)) &&
      (!q.rawStatusIn || (state !== null && q.rawStatusIn.includes(state))) &&
      (!q.rawStatusNotIn || state === null || !q.rawStatusNotIn.includes(state)) &&
      (!q.serviceItemCodes || q.serviceItemCodes.includes(p.item)) &&
      (!q.appliedFrom || (at !== null && at >= Date.parse(q.appliedFrom))) &&
      (!q.appliedTo || (at !== null && at <= Date.parse(q.appliedTo)))
    );
  });
  return { total: rows.length, keys: rows.map((p) => p.no) };
}

describe.each(STYLES)('rest kind: $style paging with a 25-row cap', ({ style, sorted }) => {
  let subject: Awaited<ReturnType<typeof fakeSubject>>;
  beforeAll(async () => {
    subject = await fakeSubject({ style, sorted, maxPageSize: 25, apiMax: 25 });
  });
  afterAll(() => subject.api.close());
  afterEach(() => {
    subject.api.requests.length = 0;
  });
  const positionOf = (raw: Record<string, unknown>): PermitPosition => {
    const mapped = subject.mapper.permit(raw);
    if (!mapped.ok) throw new Error(mapped.reason);
    return { appliedAt: mapped.value.appliedAt, localId: mapped.value.localId };
  };
  const keys = (rows: ReadonlyArray<Record<string, unknown>>) => rows.map((r) => r.key);

  it('pages every query in list order with exact totals, filters the API cannot say exactly done over its superset', async () => {
    const queries: PermitQuery[] = [
      { limit: 37 },
      { limit: 30, rawStatusIn: ['OK'] },
      { limit: 30, ...rawStatusFilter(['UNKNOWN'], subject.mapper.statusCodes) },
      // Day bounds on second-resolution times: the API is sent whole days around them.
      { limit: 30, appliedFrom: '2024-03-05T09:30:00+08:00', appliedTo: '2024-03-12T09:29:59+08:00', serviceItemCodes: ['IT2', 'IT3'] },
    ];
    for (const base of queries) {
      const want = expected(subject.api.permits, base);
      const seen: unknown[] = [];
      let after: PermitPosition | undefined;
      for (let guard = 0; guard < 50; guard++) {
        const [page] = await subject.connector.listPermits([{ ...base, ...(after && { after }) }], ctx());
        expect(page!.total).toBe(want.total);
        seen.push(...keys(page!.rows));
        if (page!.rows.length < base.limit) break;
        after = positionOf(page!.rows.at(-1)!);
      }
      expect(seen).toEqual(want.keys);
    }
  });

  it('reads a batch of applicant queries in one walk of ⌈rows / 25⌉ requests, each page as if asked alone', async () => {
    const applicants = subject.api.applicants.slice(0, 12).map((a) => a.id);
    const queries = applicants.map((a) => ({ applicantLocalIds: [a], limit: 4 }));
    const pages = await subject.connector.listPermits(queries, ctx());
    const rows = applicants.reduce((n, a) => n + expected(subject.api.permits, { applicantLocalIds: [a], limit: 0 }).total, 0);
    expect(subject.api.requests).toHaveLength(Math.max(1, Math.ceil(rows / 25)));
    expect(subject.api.requests[0]!.searchParams.get('holder')!.split(';')).toEqual(applicants);
    queries.forEach((q, i) => {
      const want = expected(subject.api.permits, q);
      expect(pages[i]!.total).toBe(want.total);
      expect(keys(pages[i]!.rows)).toEqual(want.keys.slice(0, 4));
    });
  });

  it('walks every applicant once, whatever limit each call asks for', async () => {
    const seen: unknown[] = [];
    let after: string | null = null;
    const limits = [7, 7, 10, 3, 40, 25];
    for (let call = 0; call < 100; call++) {
      const page: { rows: Array<Record<string, unknown>>; next: string | null } = await subject.connector.listApplicants(
        after,
        limits[call % limits.length]!,
        ctx(),
      );
      seen.push(...keys(page.rows));
      if (page.next === null) break;
      after = page.next;
    }
    expect(seen).toEqual(subject.api.applicants.map((a) => a.id));
  });

  it('looks permits up by key in one request; unknown keys are absent', async () => {
    const wanted = subject.api.permits.slice(10, 30).map((p) => p.no);
    const rows = await subject.connector.getPermits([...wanted, 'P-NONE', wanted[0]!], ctx());
    expect(subject.api.requests).toHaveLength(1);
    expect(subject.api.requests[0]!.searchParams.get('nos')!.split(';')).toHaveLength(21);
    expect(keys(rows).sort()).toEqual([...wanted].sort());
  });
});

describe('rest kind: what is sent', () => {
  let subject: Awaited<ReturnType<typeof fakeSubject>>;
  beforeAll(async () => {
    subject = await fakeSubject({ style: 'keyset', sorted: true, maxPageSize: 1000 });
  });
  afterAll(() => subject.api.close());
  afterEach(() => {
    subject.api.requests.length = 0;
    subject.api.override = null;
  });

  it('pushes a lone page down whole: filters, keyset position and limit in one request', async () => {
    const first = await subject.connector.listPermits([{ limit: 3, rawStatusIn: ['OK', 'S1'], serviceItemCodes: ['IT1'] }], ctx());
    const last = first[0]!.rows.at(-1)!;
    const mapped = subject.mapper.permit(last);
    if (!mapped.ok) throw new Error(mapped.reason);
    subject.api.requests.length = 0;
    const [page] = await subject.connector.listPermits(
      [{ limit: 3, rawStatusIn: ['OK', 'S1'], serviceItemCodes: ['IT1'], after: { appliedAt: mapped.value.appliedAt, localId: mapped.value.localId } }],
      ctx(),
    );
    expect(subject.api.requests).toHaveLength(1);
    const sent = subject.api.requests[0]!.searchParams;
    expect(sent.get('state')).toBe('OK;S1');
    expect(sent.get('item')).toBe('IT1');
    expect(sent.get('take')).toBe('3');
    expect(sent.get('after')).toBe(`${String(last.appliedAt)}|${String(last.key)}`);
    const want = expected(subject.api.permits, { limit: 0, rawStatusIn: ['OK', 'S1'], serviceItemCodes: ['IT1'] });
    expect(page!.rows.map((r) => r.key)).toEqual(want.keys.slice(3, 6));
    expect(page!.total).toBe(want.total);
  });

  it('sends whole-day bounds around second-resolution times and filters the rest in memory', async () => {
    const q: PermitQuery = { limit: 500, appliedFrom: '2024-03-05T09:30:00+08:00', appliedTo: '2024-03-07T01:00:00Z' };
    const [page] = await subject.connector.listPermits([q], ctx());
    const sent = subject.api.requests[0]!.searchParams;
    // Outwards, whichever way the API reads a day bound (the whole day, or its midnight).
    expect([sent.get('from'), sent.get('to')]).toEqual(['2024-03-05', '2024-03-08']);
    expect(page!.rows.map((r) => r.key)).toEqual(expected(subject.api.permits, q).keys);
  });

  it('answers queries that can match nothing without a request', async () => {
    const pages = await subject.connector.listPermits(
      [
        { limit: 5, rawStatusIn: [] },
        { limit: 5, applicantLocalIds: [] },
        { limit: 5, appliedFrom: '2024-03-02T00:00:00+08:00', appliedTo: '2024-03-01T00:00:00+08:00' },
      ],
      ctx(),
    );
    expect(pages).toEqual([
      { total: 0, rows: [] },
      { total: 0, rows: [] },
      { total: 0, rows: [] },
    ]);
    expect(subject.api.requests).toHaveLength(0);
  });

  it('does not send a value holding the list separator: the filter is applied in memory', async () => {
    const [page] = await subject.connector.listPermits([{ limit: 500, applicantLocalIds: ['A01;A02', 'A03'] }], ctx());
    expect(subject.api.requests[0]!.searchParams.get('holder')).toBeNull();
    expect(page!.rows.map((r) => r.key)).toEqual(expected(subject.api.permits, { limit: 0, applicantLocalIds: ['A03'] }).keys);
  });

  it('recognises an error envelope (HTTP 200) as RestApiError, which the core reports as ERROR', async () => {
    subject.api.override = () => JSON.stringify({ status: 'ERR', message: 'database is down' });
    const error = await subject.connector.listPermits([{ limit: 5 }], ctx()).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RestApiError);
    expect(error).toMatchObject({ apiCode: 'ERR', message: 'API error ERR: database is down' });
    await expect(subject.connector.getPermits(['P-1'], ctx())).rejects.toBeInstanceOf(RestApiError);
    const runtime = new RuntimeAdapter('fake', { connector: subject.connector, mapper: subject.mapper }, { retryBaseMs: 1 });
    await expect(runtime.listPermits([{ first: 5 }])).rejects.toMatchObject({ reason: 'ERROR' });
  });

  it('reports an answer without the envelope’s code, rows or count as BAD_DATA', async () => {
    const runtime = new RuntimeAdapter('fake', { connector: subject.connector, mapper: subject.mapper });
    for (const body of [
      '<html>502</html>',
      '{"result":{"items":[],"count":0}}',
      '{"status":"OK","result":{"items":{},"count":1}}',
      '{"status":"OK","result":{"items":[],"count":-1}}',
      '{"status":"OK","result":{"items":[7],"count":1}}',
    ]) {
      subject.api.override = () => body;
      await expect(subject.connector.listPermits([{ limit: 5 }], ctx())).rejects.toBeInstanceOf(BadDataError);
      await expect(runtime.listPermits([{ first: 5 }])).rejects.toMatchObject({ reason: 'BAD_DATA' });
    }
  });

  it('keeps the HTTP status of a failed request on the error, for 4xx and 5xx alike', async () => {
    for (const status of [400, 404, 503]) {
      subject.api.override = () => ({ status });
      const error = await subject.connector.listPermits([{ limit: 5 }], ctx()).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(HttpStatusError);
      expect(error).toMatchObject({ status });
    }
  });
});

describe('rest kind: what an API lacks', () => {
  let api: FakeApi;
  afterEach(() => api.close());
  const open = async (style: FakeStyle, edit: (text: string) => string) => {
    api = await startFakeApi({ style, sorted: style !== 'offset', maxPageSize: 30 });
    const spec = parse(edit(fakeApiSpec({ style, sorted: style !== 'offset', maxPageSize: 30 })));
    return restKind.open(spec, context({ FAKE_API_URL: api.url }));
  };

  it('counts totals by reading every row when the answer has no total, and looks up by reading the list without a lookup', async () => {
    const connector = await open('offset', (t) => t.replace('  total: result.count\n  errors', '  errors').replace('  lookup: { param: nos }\n', ''));
    for (const q of [{ limit: 7 }, { limit: 7, rawStatusIn: ['OK'] }, { limit: 7, applicantLocalIds: ['A05', 'A07'] }] as PermitQuery[]) {
      api.requests.length = 0;
      const [page] = await connector.listPermits([q], ctx());
      const want = expected(api.permits, q);
      expect(page!.total).toBe(want.total);
      expect(page!.rows.map((r) => r.key)).toEqual(want.keys.slice(0, 7));
      // Every matching row read, 30 at a time, until a short page.
      expect(api.requests).toHaveLength(Math.floor(want.total / 30) + 1);
    }
    api.requests.length = 0;
    const wanted = api.permits.slice(0, 5).map((p) => p.no);
    expect((await connector.getPermits(wanted, ctx())).map((r) => r.key).sort()).toEqual([...wanted].sort());
    expect(api.requests).toHaveLength(Math.ceil(api.permits.length / 30) + (api.permits.length % 30 === 0 ? 1 : 0));
    expect(api.requests.every((u) => u.searchParams.get('nos') === null)).toBe(true);
  });

  it('sends an endpoint’s fixed parameters and counts pages from 0 when told', async () => {
    const connector = await open('page', (t) =>
      t
        .replace('endpoint: /v1/applicants', 'endpoint: /v1/applicants\n  params: { lang: zh-CN }')
        .replace(
          '{ style: page, page: p, size: n }\n  maxPageSize: 30\n  fields:\n    key: id',
          '{ style: page, page: p, size: n, firstPage: 0 }\n  maxPageSize: 30\n  fields:\n    key: id',
        ),
    );
    // Offset 12 in pages of 6 is the third page: number 2 when pages count from 0.
    await connector.listApplicants('12', 6, ctx());
    const sent = api.requests.at(-1)!.searchParams;
    expect([sent.get('lang'), sent.get('p'), sent.get('n')]).toEqual(['zh-CN', '2', '6']);
  });

  it('follows next links on the API’s origin only: the credential goes nowhere else', async () => {
    const connector = await open('nextLink', (t) => t);
    api.override = (url) =>
      url.searchParams.get('from_row') === null
        ? JSON.stringify({
            status: 'OK',
            result: { items: [{ no: 'P1', holder: { id: 'A01' } }], count: 2, links: { next: 'http://127.0.0.2:9/v1/permits?from_row=1' } },
          })
        : undefined;
    await expect(connector.listPermits([{ limit: 5, rawStatusNotIn: ['OK'] }], ctx())).rejects.toThrow(
      new BadDataError('API gave a next link to another origin; not followed'),
    );
    expect(api.requests).toHaveLength(1);
  });
});

describe('rest kind: credentials and concurrency', () => {
  const secret = 's3cr3t-t0ken-value';
  let api: FakeApi;
  beforeAll(async () => {
    api = await startFakeApi({ style: 'page', sorted: true, authorization: `Bearer ${secret}` });
  });
  afterAll(() => api.close());
  afterEach(() => {
    api.requests.length = 0;
    api.headers.length = 0;
    api.holdUntil = null;
    api.maxInFlight = 0;
  });
  const withAuth = (value: string, extra = '') =>
    parse(fakeApiSpec({ style: 'page', sorted: true, extra: `auth: { header: Authorization, value: ${value}, scheme: Bearer }\n  ${extra}` }));

  it('sends the auth header from an environment variable or a secrets file, never from the spec', async () => {
    const fromEnv = await restKind.open(withAuth('{ env: FAKE_TOKEN }'), context({ FAKE_API_URL: api.url, FAKE_TOKEN: secret }));
    await fromEnv.listPermits([{ limit: 2 }], ctx());
    expect(api.headers.at(-1)!.authorization).toBe(`Bearer ${secret}`);
    const dir = mkdtempSync(join(tmp, 'secrets-'));
    writeFileSync(join(dir, 'fake-token'), `${secret}\n`);
    const fromFile = await restKind.open(withAuth('{ secret: fake-token }'), context({ FAKE_API_URL: api.url }, dir));
    await fromFile.listApplicants(null, 5, ctx());
    expect(api.headers.at(-1)!.authorization).toBe(`Bearer ${secret}`);
    expect(() => parse(fakeApiSpec({ style: 'page', sorted: true, extra: `auth: { value: "${secret}" }` }))).toThrow(/connection\.auth\.value/);
    await expect(restKind.open(withAuth('{ env: FAKE_TOKEN }'), context({ FAKE_API_URL: api.url }))).rejects.toThrow(
      'connection.auth.value: environment variable FAKE_TOKEN is not set',
    );
  });

  it('never puts the credential in a log line, an error or an inspect issue', async () => {
    const lines: string[] = [];
    const capture = (level: string) => (obj: object, msg?: string) => void lines.push(`${level} ${msg ?? ''} ${JSON.stringify(obj)}`);
    const logger: Logger = { info: capture('info'), warn: capture('warn'), error: capture('error'), debug: capture('debug') };
    const wrong = `${secret}-revoked`;
    const spec = withAuth('{ env: FAKE_TOKEN }');
    const connector = await restKind.open(spec, context({ FAKE_API_URL: api.url, FAKE_TOKEN: wrong }));
    const runtime = new RuntimeAdapter('fake', { connector, mapper: specMapper(spec) }, { logger, retryBaseMs: 1 });
    const error = (await runtime.listPermits([{ first: 5 }]).catch((e: unknown) => e)) as AdapterError;
    expect(error).toBeInstanceOf(AdapterError);
    expect((error.cause as HttpStatusError).status).toBe(401);
    const issues = await restKind.inspect!(spec, context({ FAKE_API_URL: api.url, FAKE_TOKEN: wrong }), AbortSignal.timeout(10_000));
    expect(issues).toEqual([{ path: 'connection.auth.value', message: 'the API refused the request (HTTP 401)', hint: 'check the credential' }]);
    expect(lines.length).toBeGreaterThan(0);
    const said = [...lines, error.message, String(error.cause), JSON.stringify(issues)].join('\n');
    expect(said).not.toContain(wrong);
    expect(said).not.toContain(secret);
    expect(said).not.toContain(api.url);
  });

  it('holds at most maxConcurrency requests in flight, for a batch and for a parallel read alike', async () => {
    const spec = withAuth('{ env: FAKE_TOKEN }', 'maxConcurrency: 2');
    const connector = await restKind.open(spec, context({ FAKE_API_URL: api.url, FAKE_TOKEN: secret }));
    // Answers wait until a third request is in flight: only a client without a cap gets there.
    api.holdUntil = 3;
    // Six different root queries: six requests, sent as slots free up.
    const queries = ['S1', 'S2', 'OK', 'NO', 'X9', 'S3'].map((code) => ({ limit: 5, rawStatusIn: [code] }));
    await connector.listPermits(queries, ctx());
    expect(api.requests).toHaveLength(6);
    expect(api.maxInFlight).toBe(2);
    // A read past the cap on a page/size API asks for the remaining pages in parallel, still two at a time.
    api.requests.length = 0;
    api.maxInFlight = 0;
    const small = parse(
      fakeApiSpec({ style: 'page', sorted: true, maxPageSize: 20, extra: `auth: { value: { env: FAKE_TOKEN }, scheme: Bearer }\n  maxConcurrency: 2` }),
    );
    const reader = await restKind.open(small, context({ FAKE_API_URL: api.url, FAKE_TOKEN: secret }));
    const [page] = await reader.listPermits([{ limit: 5, ...rawStatusFilter(['UNKNOWN'], specMapper(small).statusCodes) }], ctx());
    expect(api.requests).toHaveLength(Math.ceil(api.permits.length / 20));
    expect(api.maxInFlight).toBe(2);
    expect(page!.total).toBe(expected(api.permits, { limit: 0, rawStatusNotIn: ['S1', 'S2', 'OK', 'NO'] }).total);
  });
});

// ---- inspect(): online checks with exact paths ----

describe('rest kind: inspect()', () => {
  let api: Awaited<ReturnType<typeof housingApi>>;
  let fake: FakeApi;
  beforeAll(async () => {
    api = await housingApi();
    fake = await startFakeApi({ style: 'page', sorted: false });
  });
  afterAll(async () => {
    await api.close();
    await fake.close();
  });
  const inspect = (text: string, env: Record<string, string> = { HUITONG_HOUSING_API_URL: api.server.url }): Promise<SpecIssue[]> =>
    restKind.inspect!(parse(text), context(env), AbortSignal.timeout(10_000));

  it('finds nothing wrong with the demo housing spec', async () => {
    expect(await inspect(housingSpecText)).toEqual([]);
  });

  it('names a field whose path finds no value in the sample rows, with the key it probably meant', async () => {
    const issues = await inspect(
      housingSpecText
        .replace('status: statusCode', 'status: statusCd')
        .replace('{ from: applyDate, format: YYYYMMDD }', '{ from: applydate, format: YYYYMMDD }')
        .replace('value: certNo', 'value: cert_no'),
    );
    expect(issues).toEqual([
      { path: 'permits.fields.status', message: 'no value at "statusCd" in 20 sample rows', hint: 'did you mean "statusCode"?' },
      { path: 'permits.fields.appliedAt.from', message: 'no value at "applydate" in 20 sample rows', hint: 'did you mean "applyDate"?' },
      { path: 'applicants.fields.identifiers.0.value', message: 'no value at "cert_no" in 20 sample rows', hint: 'did you mean "certNo"?' },
    ]);
  });

  it('names a wrong rows, total or error-code path, and an endpoint the API has not', async () => {
    expect(
      await inspect(
        housingSpecText.replace('rows: data.rows\n  total: data.total\n  errors: &envelope', 'rows: data.row\n  total: data.totl\n  errors: &envelope'),
      ),
    ).toEqual([{ path: 'permits.rows', message: 'no list at "data.row" in the answer', hint: 'did you mean "data.rows"?' }]);
    expect(await inspect(housingSpecText.replace('total: data.total\n  errors: *envelope', 'total: data.count\n  errors: *envelope'))).toEqual([
      { path: 'applicants.total', message: 'no count at "data.count" in the answer' },
    ]);
    expect(await inspect(housingSpecText.replace('codePath: code,', 'codePath: cod,'))).toEqual([
      { path: 'permits.errors.codePath', message: 'no value at "cod" in the answer', hint: 'did you mean "code"?' },
      { path: 'applicants.errors.codePath', message: 'no value at "cod" in the answer', hint: 'did you mean "code"?' },
    ]);
    expect(await inspect(housingSpecText.replace('endpoint: /api/v2/units', 'endpoint: /api/v2/unit'))).toEqual([
      { path: 'applicants.endpoint', message: 'the API answered with error code 404: no such path: /api/v2/unit' },
    ]);
  });

  it('notices parameters the API ignores: page size, a filter, the lookup', async () => {
    const issues = await inspect(
      housingSpecText
        .replace('limit: limit }', 'limit: limt }')
        .replace('{ param: unitIds }', '{ param: unitIdz }')
        .replace('{ param: ids, max: 1000 }', '{ param: id }'),
    );
    expect(issues).toEqual([
      { path: 'permits.paging.limit', message: 'the API sent 50 rows when asked for 20: is "limt" its page-size parameter?' },
      { path: 'permits.lookup.param', message: 'asking for a sample permit\'s key by "id" did not return that permit alone' },
      { path: 'permits.filters.applicants.param', message: 'the API did not filter by "unitIdz": rows with other values came back' },
    ]);
  });

  it('notices an API declared sorted that is not', async () => {
    expect(await inspect(fakeApiSpec({ style: 'page', sorted: true }), { FAKE_API_URL: fake.url })).toEqual([
      { path: 'permits.sorted', message: 'is true, but the sample is not in list order (appliedAt descending, then key)' },
    ]);
    expect(await inspect(fakeApiSpec({ style: 'page', sorted: false }), { FAKE_API_URL: fake.url })).toEqual([]);
  });

  it('reports an unreachable URL or a missing setting at connection.baseUrl, without the URL', async () => {
    const closed = await startFakeApi({ style: 'page', sorted: true });
    await closed.close();
    const issues = await inspect(housingSpecText, { HUITONG_HOUSING_API_URL: `${closed.url}/base?token=tok3n` });
    expect(issues).toEqual([{ path: 'connection.baseUrl', message: 'cannot reach the API: connection refused (ECONNREFUSED)' }]);
    expect(await inspect(housingSpecText, {})).toEqual([{ path: 'connection.baseUrl', message: 'environment variable HUITONG_HOUSING_API_URL is not set' }]);
    expect(await inspect(housingSpecText, { HUITONG_HOUSING_API_URL: 'ftp://tok3n@host/' })).toEqual([
      { path: 'connection.baseUrl', message: 'API URL must be http or https' },
    ]);
  });
});

// ---- the spec, offline ----

describe('rest kind: spec errors', () => {
  const issuesOf = (text: string): string[] => {
    try {
      parse(text);
    } catch (error) {
      return (error as Error).message.split('\n');
    }
    throw new Error('the spec was accepted');
  };

  it('names what a paging style needs or does not take', () => {
    expect(issuesOf(housingSpecText.replace('token: "{appliedAt}_{key}", limit: limit', 'limit: limit'))).toEqual([
      'housing.permits.paging.token: is required',
    ]);
    expect(issuesOf(housingSpecText.replace('{ style: page, page: page, size: size }', '{ style: page, page: page, size: size, limit: n }'))).toEqual([
      'housing.applicants.paging.limit: is not used with style page (it takes page, size, firstPage)',
    ]);
    expect(issuesOf(housingSpecText.replace('style: page,', 'style: pages,'))[0]).toMatch(/^housing\.applicants\.paging\.style: /);
    expect(issuesOf(housingSpecText.replace('{ style: page, page: page, size: size }', '{ style: page, page: page, sise: size }'))).toEqual([
      'housing.applicants.paging.sise: unknown key (did you mean "size"?)',
      'housing.applicants.paging.size: is required',
    ]);
  });

  it('checks keyset tokens, sortedness, filter layouts and patterns', () => {
    expect(issuesOf(housingSpecText.replace('"{appliedAt}_{key}"', '"{applied}_{key}"'))).toEqual([
      'housing.permits.paging.token: {applied} is not one of {appliedAt}, {key}',
    ]);
    expect(issuesOf(housingSpecText.replace('sorted: true', 'sorted: false'))).toEqual([
      'housing.permits.sorted: must be true with keyset paging: a keyset position is a place in the API’s order',
    ]);
    expect(issuesOf(housingSpecText.replace('{ param: applyFrom, format: YYYYMMDD }', '{ param: applyFrom, format: MMDD }'))).toEqual([
      'housing.permits.filters.appliedFrom.format: date format "MMDD" has no year (use YYYY, MM or M, DD or D)',
    ]);
    expect(issuesOf(housingSpecText.replace('accepts: "^[0-9]+$"', 'accepts: "^[0-9+$"'))).toEqual([
      'housing.permits.filters.statuses.accepts: is not a regular expression',
    ]);
    expect(issuesOf(housingSpecText.replace('appliedAt: { from: applyDate, format: YYYYMMDD }', 'appliedAt: applyDate'))).toEqual([
      'housing.permits.fields.appliedAt: needs a format for the keyset token’s {appliedAt} (or give permits.paging.format)',
    ]);
  });
});
