// A small JSON API for testing the `rest` adapter kind in every paging style: its own naming,
// nested rows, text status codes, `YYYY-MM-DD HH:mm:ss` times (some missing) and `YYYY-MM-DD` date
// filters (coarser than the data, so the hub must filter the superset). Written from the kind's
// spec reference, independently of the connector.

import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateUscc, mulberry32 } from '../../src/schema/identifiers/index.js';

export type FakeStyle = 'page' | 'offset' | 'cursor' | 'nextLink' | 'keyset';

export interface FakePermit {
  no: string;
  holder: { id: string };
  item: string;
  name: string;
  state: string;
  /** Local time `YYYY-MM-DD HH:mm:ss` (+08:00), or null. */
  applied: string | null;
}

export interface FakeApplicant {
  id: string;
  name: string;
  cert: { no: string };
}

export interface FakeApiOptions {
  style: FakeStyle;
  /** Whether lists come in list order (applied desc, missing last, then no); otherwise in a fixed shuffled order. */
  sorted: boolean;
  /** The most rows one request may ask for. */
  maxPageSize?: number;
  /** When set, every request must carry `authorization: <this>` or gets HTTP 401. */
  authorization?: string;
}

export interface FakeApi {
  url: string;
  permits: FakePermit[];
  applicants: FakeApplicant[];
  /** Every request URL, in order. */
  requests: URL[];
  headers: IncomingHttpHeaders[];
  /** When set and returning a value, that is the answer: a body string, or an HTTP status with no body. */
  override: ((url: URL) => string | { status: number } | undefined) | null;
  /** When set, answers are held until this many requests are in flight (or 150 ms pass). */
  holdUntil: number | null;
  maxInFlight: number;
  close(): Promise<void>;
}

const STATES = ['S1', 'S2', 'OK', 'OK', 'NO', 'X9', ''];

/** 40 applicants and 240 permits, seeded; many share a time, a few have none. */
export function fakeData(seed = 5): { permits: FakePermit[]; applicants: FakeApplicant[] } {
  const rng = mulberry32(seed);
  const applicants: FakeApplicant[] = [];
  for (let i = 1; i <= 40; i++) applicants.push({ id: `A${String(i).padStart(2, '0')}`, name: `测试单位${i}`, cert: { no: generateUscc(rng) } });
  const permits: FakePermit[] = [];
  for (let i = 1; i <= 240; i++) {
    const day = 1 + Math.floor(rng() * 20);
    const hour = [0, 9, 9, 14][Math.floor(rng() * 4)]!;
    const applied = rng() < 0.04 ? null : `2024-03-${String(day).padStart(2, '0')} ${String(hour).padStart(2, '0')}:${hour === 0 ? '00' : '30'}:00`;
    permits.push({
      no: `P-${String(Math.floor(rng() * 1e5)).padStart(5, '0')}-${i}`,
      holder: { id: applicants[Math.floor(rng() * 40)]!.id },
      item: `IT${1 + Math.floor(rng() * 3)}`,
      name: `许可${i}`,
      state: STATES[Math.floor(rng() * STATES.length)]!,
      applied,
    });
  }
  return { permits, applicants };
}

const codePoint = (a: string, b: string) => {
  const x = [...a].map((c) => c.codePointAt(0)!);
  const y = [...b].map((c) => c.codePointAt(0)!);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
};

/** List order: applied descending with missing last, then no ascending by code point. */
export function listOrder(a: FakePermit, b: FakePermit): number {
  if (a.applied !== b.applied) {
    if (a.applied === null) return 1;
    if (b.applied === null) return -1;
    return a.applied > b.applied ? -1 : 1;
  }
  return codePoint(a.no, b.no);
}

/** Starts the fake API on 127.0.0.1 with a free port. */
export async function startFakeApi(options: FakeApiOptions, data = fakeData()): Promise<FakeApi> {
  const max = options.maxPageSize ?? 1000;
  const sorted = [...data.permits].sort(listOrder);
  // A fixed shuffle for the unsorted API: every other row, from both ends.
  const served = options.sorted ? sorted : sorted.map((_, i) => sorted[i % 2 === 0 ? i / 2 : sorted.length - 1 - (i - 1) / 2]!);
  let inFlight = 0;
  const waiting: Array<() => void> = [];
  const api: Omit<FakeApi, 'url' | 'close'> = { ...data, requests: [], headers: [], override: null, holdUntil: null, maxInFlight: 0 };

  const answer = (url: URL): { status: number; body?: unknown } => {
    const p = url.searchParams;
    const list = (name: string) => (p.get(name) ? p.get(name)!.split(';') : undefined);
    const ok = (items: unknown[], count: number, extra: Record<string, unknown> = {}) => ({
      status: 200,
      body: { status: 'OK', result: { items, count, ...extra } },
    });
    const fail = (message: string) => ({ status: 200, body: { status: 'ERR', message } });
    let rows: unknown[];
    if (url.pathname === '/v1/permits') {
      const nos = list('nos');
      if (nos)
        return ok(
          served.filter((r) => nos.includes(r.no)),
          nos.length,
        );
      const holders = list('holder');
      const states = list('state');
      const items = list('item');
      const from = p.get('from');
      const to = p.get('to');
      if ((from && !/^\d{4}-\d\d-\d\d$/.test(from)) || (to && !/^\d{4}-\d\d-\d\d$/.test(to))) return fail('from/to must be YYYY-MM-DD');
      rows = served.filter(
        (r) =>
          (!holders || holders.includes(r.holder.id)) &&
          (!states || states.includes(r.state)) &&
          (!items || items.includes(r.item)) &&
          (!from || (r.applied !== null && r.applied.slice(0, 10) >= from)) &&
          (!to || (r.applied !== null && r.applied.slice(0, 10) <= to)),
      );
      const after = p.get('after');
      if (after) {
        if (options.style !== 'keyset' || !options.sorted) return fail('after is not supported');
        const m = /^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\|(.+)$/.exec(after);
        if (!m) return fail('after must be <applied>|<no>');
        const position = { applied: m[1]!, no: m[2]! } as FakePermit;
        const total = rows.length;
        const rest = (rows as FakePermit[]).filter((r) => listOrder(r, position) > 0);
        return page(rest, total);
      }
    } else if (url.pathname === '/v1/applicants') {
      const after = p.get('after');
      rows = after && options.style === 'keyset' ? data.applicants.filter((a) => a.id > after) : data.applicants;
    } else return { status: 404 };
    return page(rows, rows.length);

    function page(all: unknown[], total: number): { status: number; body?: unknown } {
      const int = (name: string, fallback: number) => (p.get(name) === null ? fallback : Number(p.get(name)));
      let skip: number;
      let take: number;
      switch (options.style) {
        case 'page':
          take = int('n', 10);
          skip = (int('p', 1) - 1) * take;
          break;
        case 'offset':
        case 'keyset':
          take = int('take', 10);
          skip = options.style === 'offset' ? int('skip', 0) : 0;
          break;
        case 'cursor':
          take = int('take', 10);
          skip = p.get('cursor') ? Number(Buffer.from(p.get('cursor')!, 'base64url').toString()) : 0;
          break;
        case 'nextLink':
          take = int('take', 10);
          skip = int('from_row', 0);
          break;
      }
      if (!Number.isInteger(take) || take < 1 || take > max) return fail(`page size must be 1..${max}`);
      const items = all.slice(skip, skip + take);
      const end = skip + items.length;
      const more = end < all.length;
      if (options.style === 'cursor') return ok(items, total, { cursor: more ? Buffer.from(String(end)).toString('base64url') : null });
      if (options.style === 'nextLink') {
        const next = new URL(url.pathname, 'http://x');
        next.searchParams.set('take', String(take));
        next.searchParams.set('from_row', String(end));
        for (const name of ['holder', 'state', 'item', 'from', 'to']) if (p.get(name)) next.searchParams.set(name, p.get(name)!);
        return ok(items, total, { links: { next: more ? `${next.pathname}${next.search}` : null } });
      }
      return ok(items, total);
    }
  };

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    api.requests.push(url);
    api.headers.push(req.headers);
    inFlight++;
    api.maxInFlight = Math.max(api.maxInFlight, inFlight);
    const respond = () => {
      inFlight--;
      if (options.authorization !== undefined && req.headers.authorization !== options.authorization) {
        res.writeHead(401).end();
        return;
      }
      const forced = api.override?.(url);
      if (typeof forced === 'object') {
        res.writeHead(forced.status).end();
        return;
      }
      const result = forced === undefined ? answer(url) : { status: 200, body: forced };
      res.writeHead(result.status, { 'content-type': 'application/json; charset=utf-8' });
      res.end(result.body === undefined ? '' : typeof result.body === 'string' ? result.body : JSON.stringify(result.body));
    };
    if (api.holdUntil === null) return respond();
    // Hold answers until enough requests are in flight at once, to see how many the client sends together.
    waiting.push(respond);
    const release = () => waiting.splice(0).forEach((r) => r());
    if (inFlight >= api.holdUntil) release();
    else setTimeout(release, 150);
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
  }) as FakeApi;
}

/** The fake API's spec on the `rest` kind, in the given paging style. */
export function fakeApiSpec(options: { style: FakeStyle; sorted: boolean; maxPageSize?: number; extra?: string }): string {
  const paging: Record<FakeStyle, string> = {
    page: '{ style: page, page: p, size: n }',
    offset: '{ style: offset, offset: skip, limit: take }',
    cursor: '{ style: cursor, param: cursor, next: result.cursor, limit: take }',
    nextLink: '{ style: nextLink, next: result.links.next, limit: take }',
    keyset: '{ style: keyset, param: after, token: "{appliedAt}|{key}", limit: take }',
  };
  const applicantPaging = options.style === 'keyset' ? '{ style: keyset, param: after, token: "{key}", limit: take }' : paging[options.style];
  return `
specVersion: 1
code: fake
name: 测试局
kind: rest
connection:
  baseUrl: { env: FAKE_API_URL }
  ${options.extra ?? ''}
statuses: { S1: SUBMITTED, S2: ACCEPTED, OK: APPROVED, "NO": REJECTED }
permits:
  endpoint: /v1/permits
  rows: result.items
  total: result.count
  errors: { codePath: status, okValues: [OK], messagePath: message }
  paging: ${paging[options.style]}
  maxPageSize: ${options.maxPageSize ?? 1000}
  sorted: ${options.sorted}
  filters:
    separator: ";"
    applicants: { param: holder }
    statuses: { param: state }
    serviceItems: { param: item }
    appliedFrom: { param: from, format: YYYY-MM-DD }
    appliedTo: { param: to, format: YYYY-MM-DD }
  lookup: { param: nos }
  fields:
    key: no
    applicant: holder.id
    serviceItem: item
    title: name
    status: state
    appliedAt: { from: applied, format: "YYYY-MM-DD HH:mm:ss" }
applicants:
  endpoint: /v1/applicants
  rows: result.items
  total: result.count
  errors: { codePath: status, okValues: [OK], messagePath: message }
  paging: ${applicantPaging}
  maxPageSize: ${options.maxPageSize ?? 1000}
  fields:
    key: id
    name: name
    identifiers: [{ value: "$.cert.no", type: USCC }]
`;
}
