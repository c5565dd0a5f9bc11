// The housing department's legacy JSON-over-HTTP API, faked over a file written by writeHousing.
// It keeps the vendor's habits: errors come back as HTTP 200 with a non-zero `code`, dates are
// YYYYMMDD strings, statuses are numbers.

import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HousingPermit, HousingUnit } from '../generate/types.js';
import { HousingIndex, type PermitQuery } from './housing-index.js';

export interface HousingServerOptions {
  /** A housing.json written by writeHousing. */
  file: string;
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
}

export interface HousingServer {
  /** Base URL, e.g. 'http://127.0.0.1:41234'. */
  url: string;
  close(): Promise<void>;
  /** Requests served so far; tests use it to count backend calls. */
  requestCount(): number;
}

const MAX_LIMIT = 1000;
const DEFAULT_LIMIT = 50;

/** A rejected request; becomes `{ code, msg }` in the envelope. */
class ApiError extends Error {
  constructor(
    readonly code: 400 | 404,
    message: string,
  ) {
    super(message);
  }
}

type Envelope = { code: 0; msg: 'ok'; data: { total: number; rows: HousingPermit[] | HousingUnit[] } } | { code: number; msg: string };

/** A comma-separated list; an empty or missing parameter counts as absent. */
function list(params: URLSearchParams, name: string): string[] | undefined {
  const raw = params.get(name);
  if (raw === null || raw.trim() === '') return undefined;
  return raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

function integer(params: URLSearchParams, name: string, fallback: number, min: number, max: number): number {
  const raw = params.get(name);
  if (raw === null || raw === '') return fallback;
  if (!/^\d+$/.test(raw)) throw new ApiError(400, `${name} must be an integer`);
  const n = Number(raw);
  if (n < min || n > max) throw new ApiError(400, `${name} must be between ${min} and ${max}`);
  return n;
}

function ymd(params: URLSearchParams, name: string): string | undefined {
  const raw = params.get(name);
  if (raw === null || raw === '') return undefined;
  if (!/^\d{8}$/.test(raw)) throw new ApiError(400, `${name} must be YYYYMMDD`);
  return raw;
}

function idList(params: URLSearchParams): string[] | undefined {
  const ids = list(params, 'ids');
  if (ids !== undefined && ids.length > MAX_LIMIT) throw new ApiError(400, `at most ${MAX_LIMIT} ids`);
  return ids;
}

function permits(index: HousingIndex, params: URLSearchParams): Envelope {
  const ids = idList(params);
  if (ids !== undefined) {
    const rows = index.permitsByIds(ids);
    return { code: 0, msg: 'ok', data: { total: rows.length, rows } };
  }
  const q: PermitQuery = { limit: integer(params, 'limit', DEFAULT_LIMIT, 1, MAX_LIMIT) };
  const unitIds = list(params, 'unitIds');
  if (unitIds !== undefined) q.unitIds = unitIds;
  const status = list(params, 'status');
  if (status !== undefined) {
    if (!status.every((s) => /^\d+$/.test(s))) throw new ApiError(400, 'status must be numeric codes');
    q.statuses = status.map(Number);
  }
  const itemCodes = list(params, 'itemCodes');
  if (itemCodes !== undefined) q.itemCodes = itemCodes;
  const applyFrom = ymd(params, 'applyFrom');
  if (applyFrom !== undefined) q.applyFrom = applyFrom;
  const applyTo = ymd(params, 'applyTo');
  if (applyTo !== undefined) q.applyTo = applyTo;
  const after = params.get('after');
  if (after !== null && after !== '') {
    const m = /^(\d{8})_(.+)$/.exec(after);
    if (m === null) throw new ApiError(400, 'after must be <applyDate>_<permitNo>');
    q.after = { applyDate: m[1]!, permitNo: m[2]! };
  }
  return { code: 0, msg: 'ok', data: index.queryPermits(q) };
}

function units(index: HousingIndex, params: URLSearchParams): Envelope {
  const ids = idList(params);
  if (ids !== undefined) {
    const rows = index.unitsByIds(ids);
    return { code: 0, msg: 'ok', data: { total: rows.length, rows } };
  }
  const page = integer(params, 'page', 1, 1, Number.MAX_SAFE_INTEGER);
  const size = integer(params, 'size', DEFAULT_LIMIT, 1, MAX_LIMIT);
  const from = (page - 1) * size;
  return { code: 0, msg: 'ok', data: { total: index.units.length, rows: index.units.slice(from, from + size) } };
}

function route(index: HousingIndex, req: IncomingMessage): Envelope {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (req.method !== 'GET') throw new ApiError(400, `method ${req.method ?? ''} not supported`);
  switch (url.pathname) {
    case '/api/v2/permits':
      return permits(index, url.searchParams);
    case '/api/v2/units':
      return units(index, url.searchParams);
    default:
      throw new ApiError(404, `no such path: ${url.pathname}`);
  }
}

/**
 * Starts the fake housing API on `host:port` (default 127.0.0.1, a free port), serving the data of
 * `file`, which is loaded and indexed once.
 *
 * Endpoints (all GET, all answering `{ code, msg, data: { total, rows } }` with HTTP 200):
 * - `/api/v2/permits?unitIds=U1,U2&status=10,40&itemCodes=a,b&applyFrom=YYYYMMDD&applyTo=YYYYMMDD&after=<applyDate>_<permitNo>&limit=N`
 *   sorted by applyDate desc, permitNo asc; `total` ignores after/limit; limit ≤ 1000 (default 50).
 * - `/api/v2/permits?ids=JZ1,JZ2` — any order, unknown ids left out.
 * - `/api/v2/units?page=1&size=500` (size ≤ 1000) and `/api/v2/units?ids=U1,U2`.
 * Errors: `{ code: 400 | 404 | 500, msg }`, still HTTP 200 (the vendor's habit).
 *
 * @example
 * const server = await startHousingServer({ file: '/tmp/demo/housing.json' });
 * const res = await fetch(`${server.url}/api/v2/permits?unitIds=U1&limit=10`);
 * await server.close();
 */
export async function startHousingServer(opts: HousingServerOptions): Promise<HousingServer> {
  const data = JSON.parse(await readFile(opts.file, 'utf8')) as { units: HousingUnit[]; permits: HousingPermit[] };
  const index = new HousingIndex(data.units, data.permits);
  let served = 0;

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    served++;
    let body: Envelope;
    try {
      body = route(index, req);
    } catch (e) {
      body = e instanceof ApiError ? { code: e.code, msg: e.message } : { code: 500, msg: 'internal error' };
    }
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(body));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  return {
    url: `http://${host}:${address.port}`,
    requestCount: () => served,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        // Keep-alive connections would otherwise hold close() open until they time out.
        server.closeAllConnections();
      }),
  };
}
