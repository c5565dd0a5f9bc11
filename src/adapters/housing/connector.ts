import { localToShanghaiIso } from '../../schema/shanghai-time.js';
import { BadDataError } from '../core/adapter-error.js';
import type { CallContext, Connector, PermitPosition, PermitQuery, RawPage } from '../core/contract.js';
import { getJson, jsonEndpoint, type JsonEndpoint } from '../core/http-json.js';
import { comparePermitOrder } from '../core/permit-order.js';
import { HOUSING_MAX_LIMIT, type HPermit, type Unit } from './legacy-types.js';

/** The API answered with an error envelope (`code` ≠ 0; it says 400, 404 or 500 with HTTP 200). */
export class HousingApiError extends Error {
  override name = 'HousingApiError';
  constructor(
    /** The envelope's code; logged by the core, and numeric so it is never mistaken for a network code. */
    readonly code: number,
    apiMessage: string,
  ) {
    super(`housing API error ${code}: ${apiMessage.slice(0, 200)}`);
  }
}

export interface HousingConnectorOptions {
  /** Rows asked for per request when the connector must read a whole result set (≤ 1000, the API's cap). */
  pageSize?: number;
}

/** What the API can filter on; each list is sent comma-separated. */
interface ServerFilter {
  unitIds?: string[];
  status?: string[];
  itemCodes?: string[];
  /** Inclusive `YYYYMMDD` bounds. */
  applyFrom?: string;
  applyTo?: string;
}

/**
 * A query in the API's terms. `exact` means the API can answer it alone (its `total` is the query's);
 * otherwise `filter` selects a superset and the rest (status NOT IN, a keyset position the API cannot
 * express, a value with a comma) is applied here, over every row of that superset.
 */
interface Plan {
  filter: ServerFilter;
  exact: boolean;
  /** The API's `after` token, when the query has a position and the API can express it. */
  after?: string;
}

const PERMITS = '/api/v2/permits';
const UNITS = '/api/v2/units';
const OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;

/**
 * Reads the housing department's HTTP API with `fetch`. A lone page request is pushed down whole
 * (filters, `after`, `limit`): one request. A batch — typically one query per applicant, from
 * `Applicant.permits` over a list — becomes one request for the union of the applicants' unit ids
 * and filters, read to the end, then split here per query with its own `after`, `limit` and `total`.
 * Queries without applicant ids in the same batch are sent one request each (identical ones once).
 * A result set larger than the API's 1000-row cap takes one more request per 1000 rows.
 *
 * @example
 * const connector = new HousingConnector('http://10.0.0.5:8080');
 * const [page] = await connector.listPermits([{ rawStatusIn: ['40'], limit: 21 }], { signal });
 */
export class HousingConnector implements Connector<HPermit, Unit> {
  readonly #endpoint: JsonEndpoint;
  readonly #pageSize: number;

  constructor(url: string, options: HousingConnectorOptions = {}) {
    this.#endpoint = jsonEndpoint(url);
    this.#pageSize = Math.min(Math.max(1, Math.floor(options.pageSize ?? HOUSING_MAX_LIMIT)), HOUSING_MAX_LIMIT);
  }

  async listPermits(queries: readonly PermitQuery[], ctx: CallContext): Promise<Array<RawPage<HPermit>>> {
    const plans = queries.map(planQuery);
    const pages: Array<Promise<RawPage<HPermit>>> = [];
    // Applicant-scoped queries share one request when there are several of them.
    const scoped = plans.flatMap((plan, i) => (plan?.filter.unitIds ? [i] : []));
    const shared = scoped.length > 1 ? this.#fetchAll(unionFilter(scoped.map((i) => plans[i]!.filter)), ctx.signal).then(sortRows) : null;
    const alone = new Map<string, Promise<RawPage<HPermit>>>();
    queries.forEach((query, i) => {
      const plan = plans[i];
      if (plan === null || plan === undefined) pages.push(Promise.resolve({ total: 0, rows: [] }));
      else if (shared && plan.filter.unitIds) pages.push(shared.then((rows) => pageLocally(rows, query)));
      else {
        const key = JSON.stringify(query);
        let page = alone.get(key);
        if (!page) {
          page = plan.exact
            ? this.#fetchPage(plan.filter, plan.after, query.limit, ctx.signal)
            : this.#fetchAll(plan.filter, ctx.signal).then((rows) => pageLocally(sortRows(rows), query));
          alone.set(key, page);
        }
        pages.push(page);
      }
    });
    return Promise.all(pages);
  }

  async getPermits(localIds: readonly string[], ctx: CallContext): Promise<HPermit[]> {
    // An id with a comma cannot be asked for: the API splits `ids` on commas. Such a permit is absent.
    const ids = unique(localIds).filter((id) => !id.includes(','));
    const wanted = new Set(ids);
    const found: HPermit[] = [];
    for (let at = 0; at < ids.length; at += HOUSING_MAX_LIMIT) {
      const chunk = ids.slice(at, at + HOUSING_MAX_LIMIT);
      const page = readList<HPermit>(await getJson(this.#endpoint, PERMITS, { ids: chunk, limit: chunk.length }, ctx.signal), 'permitNo');
      found.push(...page.rows.filter((row) => wanted.has(row.permitNo)));
    }
    return found;
  }

  /**
   * Units in the API's own order. The token is an offset: the API pages by number, and an offset lets
   * the caller change `limit` between calls without skipping or repeating units.
   */
  async listApplicants(after: string | null, limit: number, ctx: CallContext): Promise<{ rows: Unit[]; next: string | null }> {
    const offset = after === null ? 0 : Number(after);
    if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('housing applicant token is not an offset');
    if (limit <= 0) return { rows: [], next: after };
    const size = Math.min(limit, HOUSING_MAX_LIMIT);
    const page = Math.floor(offset / size) + 1;
    const skip = offset - (page - 1) * size;
    const data = readList<Unit>(await getJson(this.#endpoint, UNITS, { page, size }, ctx.signal), 'unitId');
    const rows = data.rows.slice(skip, size);
    const next = offset + rows.length;
    return { rows, next: rows.length > 0 && next < data.total ? String(next) : null };
  }

  /** One request when `limit` ≤ the page size; the API's `total` is the query's. */
  async #fetchPage(filter: ServerFilter, after: string | undefined, limit: number, signal: AbortSignal): Promise<RawPage<HPermit>> {
    const rows: HPermit[] = [];
    let total: number | undefined;
    let cursor = after;
    for (;;) {
      // limit 0 still asks for one row: the API's total is what the caller wants then.
      const size = Math.max(1, Math.min(this.#pageSize, limit - rows.length));
      const page = await this.#list(filter, cursor, size, signal);
      total ??= page.total;
      rows.push(...page.rows.slice(0, size));
      if (rows.length >= limit || page.rows.length < size) break;
      cursor = afterTokenOf(page.rows.at(-1)!);
    }
    return { total, rows: rows.slice(0, limit) };
  }

  /** Every row the filter selects, paging with `after` past the API's cap. */
  async #fetchAll(filter: ServerFilter, signal: AbortSignal): Promise<HPermit[]> {
    const rows: HPermit[] = [];
    const seen = new Set<string>();
    let cursor: string | undefined;
    for (;;) {
      const page = await this.#list(filter, cursor, this.#pageSize, signal);
      for (const row of page.rows) {
        // A repeated row means the API ignored `after` (or broke its order): stop rather than loop.
        if (seen.has(row.permitNo)) throw new BadDataError('housing API repeated a permit while paging');
        seen.add(row.permitNo);
        rows.push(row);
      }
      if (page.rows.length < this.#pageSize || rows.length >= page.total) return rows;
      cursor = afterTokenOf(page.rows.at(-1)!);
    }
  }

  async #list(filter: ServerFilter, after: string | undefined, limit: number, signal: AbortSignal): Promise<RawPage<HPermit>> {
    const params = { ...filter, after, limit };
    return readList<HPermit>(await getJson(this.#endpoint, PERMITS, params, signal), 'permitNo');
  }
}

/** The API's view of a query, or null when it can match nothing (an empty id, code or item list). */
function planQuery(q: PermitQuery): Plan | null {
  const filter: ServerFilter = {};
  let exact = true;
  if (q.applicantLocalIds) {
    const ids = unique(q.applicantLocalIds);
    if (ids.length === 0) return null;
    // The API splits lists on commas, so such a value cannot be sent: filter on it here instead.
    if (ids.some((id) => id.includes(','))) exact = false;
    else filter.unitIds = ids;
  }
  if (q.rawStatusIn) {
    // statusCode is a number: only its decimal form can ever match, so drop anything else. The API
    // takes unsigned codes only; a negative one is matched here.
    const codes = unique(q.rawStatusIn).filter((code) => /^-?(0|[1-9]\d*)$/.test(code));
    if (codes.length === 0) return null;
    if (codes.some((code) => code.startsWith('-'))) exact = false;
    else filter.status = codes;
  }
  // The API has no "status not in": applied here.
  if (q.rawStatusNotIn && q.rawStatusNotIn.length > 0) exact = false;
  if (q.serviceItemCodes) {
    const codes = unique(q.serviceItemCodes);
    if (codes.length === 0) return null;
    if (codes.some((code) => code.includes(','))) exact = false;
    else filter.itemCodes = codes;
  }
  // Housing's application times are local midnights, so whole-day bounds are exact for any instant:
  // from → the first day whose midnight is ≥ it, to → the day it falls on.
  if (q.appliedFrom) filter.applyFrom = ceilLocalDay(q.appliedFrom);
  if (q.appliedTo) filter.applyTo = floorLocalDay(q.appliedTo);
  if (filter.applyFrom && filter.applyTo && filter.applyFrom > filter.applyTo) return null;
  const plan: Plan = { filter, exact };
  if (q.after) {
    const token = afterTokenOfPosition(q.after);
    if (token === null) plan.exact = false;
    else plan.after = token;
  }
  return plan;
}

/** One filter selecting every row of several applicant-scoped plans: ids, codes and days united. */
function unionFilter(filters: readonly ServerFilter[]): ServerFilter {
  const out: ServerFilter = { unitIds: unique(filters.flatMap((f) => f.unitIds ?? [])) };
  if (filters.every((f) => f.status)) out.status = unique(filters.flatMap((f) => f.status!));
  if (filters.every((f) => f.itemCodes)) out.itemCodes = unique(filters.flatMap((f) => f.itemCodes!));
  if (filters.every((f) => f.applyFrom)) out.applyFrom = filters.map((f) => f.applyFrom!).reduce((a, b) => (a < b ? a : b));
  if (filters.every((f) => f.applyTo)) out.applyTo = filters.map((f) => f.applyTo!).reduce((a, b) => (a > b ? a : b));
  return out;
}

/** A row with its place in list order, computed once. */
interface Keyed {
  row: HPermit;
  appliedMs: number | null;
}

/** Rows in list order. A missing or unreadable applyDate sorts last (the mapper rejects the latter). */
function sortRows(rows: readonly HPermit[]): Keyed[] {
  return rows
    .map((row) => ({ row, appliedMs: typeof row.applyDate === 'string' ? compactDateMs(row.applyDate) : null }))
    .sort((a, b) => comparePermitOrder(a.appliedMs, a.row.permitNo, b.appliedMs, b.row.permitNo));
}

/** Applies a whole query to rows already in list order: filters, total, then `after` and `limit`. */
function pageLocally(sorted: readonly Keyed[], q: PermitQuery): RawPage<HPermit> {
  const units = q.applicantLocalIds && new Set(q.applicantLocalIds);
  const statusIn = q.rawStatusIn && new Set(q.rawStatusIn);
  const statusNotIn = q.rawStatusNotIn && new Set(q.rawStatusNotIn);
  const items = q.serviceItemCodes && new Set(q.serviceItemCodes);
  const from = q.appliedFrom === undefined ? undefined : isoMs(q.appliedFrom);
  const to = q.appliedTo === undefined ? undefined : isoMs(q.appliedTo);
  const after = q.after && { ms: q.after.appliedAt === null ? null : isoMs(q.after.appliedAt), id: q.after.localId };
  let total = 0;
  const rows: HPermit[] = [];
  for (const { row, appliedMs } of sorted) {
    const raw = row.statusCode === null || row.statusCode === undefined ? null : String(row.statusCode);
    if (units && !units.has(row.unitId)) continue;
    if (statusIn && (raw === null || !statusIn.has(raw))) continue;
    // A row without a code is "none of these": it is what UNKNOWN asks for.
    if (statusNotIn && raw !== null && statusNotIn.has(raw)) continue;
    if (items && !items.has(row.itemCode)) continue;
    if (from !== undefined && (appliedMs === null || appliedMs < from)) continue;
    if (to !== undefined && (appliedMs === null || appliedMs > to)) continue;
    total++;
    if (rows.length >= q.limit) continue;
    if (after && comparePermitOrder(appliedMs, row.permitNo, after.ms, after.id) <= 0) continue;
    rows.push(row);
  }
  return { total, rows };
}

/**
 * The API's `after` for a row it returned: `<applyDate>_<permitNo>`. A row without a proper date (or
 * id) at a page boundary leaves no way to ask for the next page: the API broke its own contract.
 */
function afterTokenOf(row: HPermit): string {
  if (typeof row.applyDate !== 'string' || !/^\d{8}$/.test(row.applyDate) || row.permitNo === '') {
    throw new BadDataError('housing API page ends on a permit without applyDate or permitNo; cannot page on');
  }
  return `${row.applyDate}_${row.permitNo}`;
}

/**
 * The API's `after` for a keyset position, or null when it cannot say it: the API knows days only,
 * so the position must be a local midnight (every housing permit's is), and not a missing date.
 */
function afterTokenOfPosition(position: PermitPosition): string | null {
  if (position.appliedAt === null) return null;
  const local = isoMs(position.appliedAt) + OFFSET_MS;
  if (mod(local, DAY_MS) !== 0) return null;
  return `${ymd(local)}_${position.localId}`;
}

function ceilLocalDay(iso: string): string {
  const local = isoMs(iso) + OFFSET_MS;
  const rest = mod(local, DAY_MS);
  return ymd(rest === 0 ? local : local - rest + DAY_MS);
}

function floorLocalDay(iso: string): string {
  return ymd(isoMs(iso) + OFFSET_MS);
}

/** `YYYYMMDD` of a "local epoch" (an instant shifted by +08:00). */
function ymd(localMs: number): string {
  return new Date(localMs).toISOString().slice(0, 10).replace(/-/g, '');
}

function compactDateMs(text: string): number | null {
  if (!/^\d{8}$/.test(text)) return null;
  const iso = localToShanghaiIso(text);
  return iso === null ? null : Date.parse(iso);
}

function isoMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError('not an ISO 8601 instant');
  return ms;
}

const mod = (a: number, n: number) => ((a % n) + n) % n;

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}

/**
 * The `{ code, msg, data: { total, rows } }` envelope checked: an error code throws `HousingApiError`,
 * a broken shape `BadDataError`. Rows are only checked for their key; the mapper judges the rest.
 */
function readList<Row>(body: unknown, key: 'permitNo' | 'unitId'): { total: number; rows: Row[] } {
  if (!isRecord(body) || typeof body.code !== 'number') throw new BadDataError('housing API answer is not a { code, msg, data } envelope');
  if (body.code !== 0) throw new HousingApiError(body.code, typeof body.msg === 'string' ? body.msg : '');
  const data = body.data;
  if (!isRecord(data) || !Number.isSafeInteger(data.total) || (data.total as number) < 0 || !Array.isArray(data.rows)) {
    throw new BadDataError('housing API data is not { total, rows }');
  }
  for (const row of data.rows as unknown[]) {
    if (!isRecord(row) || typeof row[key] !== 'string') throw new BadDataError(`housing API row has no string ${key}`);
  }
  return { total: data.total as number, rows: data.rows as Row[] };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
