import { BadDataError } from '../core/adapter-error.js';
import type { CallContext, Connector, PermitQuery, RawPage } from '../core/contract.js';
import { inMemoryPermits, type InMemoryPermits } from '../core/in-memory-pages.js';
import { comparePermitOrder } from '../core/permit-order.js';
import { readText } from '../core/spec-values.js';
import { applicantSourceFields, permitSourceFields, type RawRecord } from '../spec/fields.js';
import { EndpointReader, START, type Answer, type Position } from './endpoint-reader.js';
import type { PathOptions } from './json-path.js';
import { fillTemplate, permitQueryPlanner, type ApiFilter, type Plan, type PermitQueryPlanner } from './permit-query-plan.js';
import type { RestClient } from './rest-client.js';
import { placeholders, type RestSpec } from './rest-spec.js';

export type RestConnectorOptions = PathOptions;

/**
 * Reads a spec-declared JSON API. A lone page request is pushed down whole when the API can answer it
 * exactly (every filter sendable, `sorted`, a `total`): one request, or one per `maxPageSize` rows.
 * A batch — typically one query per applicant, from `Applicant.permits` over a list — becomes one
 * walk over the union of the applicants' ids and filters, read to the end, then split per query in
 * memory with its own `after`, `limit` and total (`core/in-memory-pages.ts`). What the API cannot
 * filter, order or position exactly is done the same way over the superset it can select. Other
 * queries of a batch go one walk each (identical ones once), at most `maxConcurrency` requests at a time.
 *
 * @example
 * const connector = new RestConnector(spec, new RestClient({ baseUrl, maxConcurrency: 4 }));
 * const [page] = await connector.listPermits([{ rawStatusIn: ['40'], limit: 21 }], { signal });
 */
export class RestConnector implements Connector<RawRecord, RawRecord> {
  readonly #spec: RestSpec;
  readonly #permits: EndpointReader;
  readonly #applicants: EndpointReader;
  readonly #planner: PermitQueryPlanner;
  readonly #memory: InMemoryPermits;
  readonly #separator: string;

  constructor(spec: RestSpec, client: RestClient, options: RestConnectorOptions = {}) {
    this.#spec = spec;
    this.#memory = inMemoryPermits(spec);
    this.#planner = permitQueryPlanner(spec);
    this.#separator = spec.permits.filters?.separator ?? ',';
    this.#permits = new EndpointReader(client, spec.permits, permitSourceFields(spec), { ...options, tokenOf: (record) => this.#permitToken(record) });
    const applicantToken = spec.applicants.paging.token;
    this.#applicants = new EndpointReader(client, spec.applicants, applicantSourceFields(spec), {
      ...options,
      ...(applicantToken !== undefined && { tokenOf: (record: RawRecord) => recordToken(applicantToken, record) }),
    });
  }

  async listPermits(queries: readonly PermitQuery[], ctx: CallContext): Promise<Array<RawPage<RawRecord>>> {
    const plans = queries.map((q) => this.#planner.plan(q));
    // Applicant-scoped queries share one walk when there are several of them.
    const scoped = plans.flatMap((plan, i) => (plan?.scoped ? [i] : []));
    const shared =
      scoped.length > 1 ? this.#readAll(this.#planner.union(scoped.map((i) => plans[i]!.filter)), ctx.signal).then((rows) => this.#memory.order(rows)) : null;
    const alone = new Map<string, Promise<RawPage<RawRecord>>>();
    return Promise.all(
      queries.map((query, i) => {
        const plan = plans[i];
        if (plan === null || plan === undefined) return { total: 0, rows: [] };
        if (shared && plan.scoped) return shared.then((ordered) => this.#memory.page(ordered, query));
        const key = JSON.stringify(query);
        let page = alone.get(key);
        if (!page) {
          page = this.#pushesDown(plan, query)
            ? this.#readPage(plan, query, ctx.signal)
            : this.#readAll(plan.filter, ctx.signal).then((rows) => this.#memory.page(this.#memory.order(rows), query));
          alone.set(key, page);
        }
        return page;
      }),
    );
  }

  async getPermits(localIds: readonly string[], ctx: CallContext): Promise<RawRecord[]> {
    const ids = [...new Set(localIds)];
    if (ids.length === 0) return [];
    const wanted = new Set(ids);
    const keep = (rows: readonly RawRecord[]) => rows.filter((row) => wanted.has(readText(row.key) ?? ''));
    const lookup = this.#spec.permits.lookup;
    if (!lookup) return keep(await this.#readAll({}, ctx.signal));
    // An id the API cannot be sent (holding the list separator, blank or padded) cannot be asked for: absent.
    const sendable = ids.filter((id) => id !== '' && id === id.trim() && !id.includes(this.#separator));
    const max = lookup.max ?? this.#spec.permits.maxPageSize;
    const requests: Array<Promise<Answer>> = [];
    for (let at = 0; at < sendable.length; at += max) {
      const chunk = sendable.slice(at, at + max);
      // The page-size parameter too: an API with a small default page would cut the answer short.
      requests.push(this.#permits.fetch([[lookup.param, { list: chunk, separator: this.#separator }]], START, chunk.length, ctx.signal));
    }
    return keep((await Promise.all(requests)).flatMap((answer) => answer.rows));
  }

  /**
   * Applicant records in the API's own order. The caller may change `limit` between calls without a
   * record skipped or repeated: the token is an offset for page/size and offset/limit APIs, the last
   * row's keyset token, or the API's cursor or next link with the rows of its page already handed over.
   */
  async listApplicants(after: string | null, limit: number, ctx: CallContext): Promise<{ rows: RawRecord[]; next: string | null }> {
    const reader = this.#applicants;
    if (limit <= 0) return { rows: [], next: after };
    const size = Math.min(limit, reader.maxPageSize);
    if (reader.style === 'page' || reader.style === 'offset') {
      const offset = after === null ? 0 : Number(after);
      if (!Number.isSafeInteger(offset) || offset < 0) throw new RangeError('applicant token is not an offset');
      // page/size: the page holding `offset`, from its place in that page.
      const page = reader.style === 'page' ? Math.floor(offset / size) : 0;
      const skip = reader.style === 'page' ? offset - page * size : 0;
      const answer = await reader.fetch([], { page, offset, token: undefined }, size, ctx.signal);
      const rows = answer.rows.slice(skip, size);
      const next = offset + rows.length;
      const more = rows.length > 0 && (answer.total !== undefined ? next < answer.total : answer.rows.length >= size);
      return { rows, next: more ? String(next) : null };
    }
    if (reader.style === 'keyset') {
      const position: Position = { ...START, token: after ?? undefined };
      const answer = await reader.fetch([], position, size, ctx.signal);
      const rows = answer.rows.slice(0, size);
      // The token of the last row handed over: nothing is skipped when the limit changes.
      const next = reader.nextPosition(position, { ...answer, rows }, size);
      return { rows, next: next?.token ?? null };
    }
    // Cursor and next link: the API's position plus the rows of its page already handed over, since a
    // next link fixes its own page size and a smaller limit may take only part of a page.
    const { at, skip } = after === null ? { at: undefined, skip: 0 } : readPageToken(after);
    const answer = await reader.fetch([], { ...START, token: at }, size, ctx.signal);
    const rows = answer.rows.slice(skip, skip + size);
    let next: string | null = null;
    if (skip + rows.length < answer.rows.length) next = pageToken(at, skip + rows.length);
    else if (answer.rows.length > 0 && answer.next !== null) next = pageToken(answer.next, 0);
    return { rows, next };
  }

  /** Whether a query's page can be asked for directly (the API's rows, order and total are the query's). */
  #pushesDown(plan: Plan, query: PermitQuery): boolean {
    if (!plan.exact || !this.#spec.permits.sorted || !this.#permits.hasTotal) return false;
    return query.after === undefined || this.#permits.style !== 'keyset' || plan.after !== undefined;
  }

  /**
   * One page asked for directly: one request when `limit` ≤ `maxPageSize`. A position the paging
   * style cannot carry (page/size, offset, cursor, next link) is reached by reading from the start
   * and skipping the rows at or before it.
   */
  async #readPage(plan: Plan, query: PermitQuery, signal: AbortSignal): Promise<RawPage<RawRecord>> {
    const reader = this.#permits;
    const cap = reader.maxPageSize;
    const skipTo = query.after && reader.style !== 'keyset' ? this.#memory.placeOfPosition(query.after) : null;
    const rows: RawRecord[] = [];
    let total: number | undefined;
    await reader.walk({
      filter: this.#planner.params(plan.filter),
      from: plan.after === undefined ? START : { ...START, token: plan.after },
      // limit 0 still asks for one row: the API's total is what the caller wants then.
      size: () => (skipTo ? cap : Math.max(1, Math.min(cap, query.limit - rows.length))),
      signal,
      onPage: (answer, size) => {
        total ??= answer.total;
        for (const row of answer.rows.slice(0, size)) {
          if (skipTo) {
            const place = this.#memory.placeOf(row);
            if (comparePermitOrder(place.applied, place.key, skipTo.applied, skipTo.key) <= 0) continue;
          }
          rows.push(row);
        }
        return rows.length < query.limit;
      },
    });
    return { total: total ?? 0, rows: rows.slice(0, query.limit) };
  }

  /**
   * Every row a filter selects. Page/size and offset/limit APIs that give a total are read with the
   * remaining pages in parallel (within the concurrency cap); the others page one after another.
   */
  async #readAll(filter: ApiFilter, signal: AbortSignal): Promise<RawRecord[]> {
    const reader = this.#permits;
    const cap = reader.maxPageSize;
    const params = this.#planner.params(filter);
    const answers: Answer[] = [];
    if ((reader.style === 'page' || reader.style === 'offset') && reader.hasTotal) {
      const first = await reader.fetch(params, START, cap, signal);
      answers.push(first);
      if (first.rows.length >= cap && first.total! > first.rows.length) {
        const positions: Position[] = [];
        for (let page = 1; page * cap < first.total!; page++) positions.push({ page, offset: page * cap, token: undefined });
        answers.push(...(await Promise.all(positions.map((p) => reader.fetch(params, p, cap, signal)))));
      }
    } else {
      await reader.walk({ filter: params, size: () => cap, signal, onPage: (answer) => answers.push(answer) > 0 });
    }
    const rows: RawRecord[] = [];
    const seen = new Set<string>();
    for (const answer of answers) {
      for (const row of answer.rows) {
        const key = readText(row.key);
        // A repeated row means the API ignored the paging (or broke its order): stop rather than loop.
        if (key !== null) {
          if (seen.has(key)) throw new BadDataError('API repeated a permit while paging');
          seen.add(key);
        }
        rows.push(row);
      }
    }
    return rows;
  }

  /** The keyset token after a permit row: its own date text and key, as the API wrote them. */
  #permitToken(record: RawRecord): string {
    const template = this.#spec.permits.paging.token!;
    const place = this.#memory.placeOf(record);
    if ((template.includes('{appliedAt}') && place.applied === null) || place.key === '') {
      throw new BadDataError('API page ends on a permit without a readable appliedAt or key; cannot page on');
    }
    return fillTemplate(template, { appliedAt: readText(record.appliedAt) ?? '', key: place.key });
  }
}

/** A keyset token from a record's fields; throws BadDataError when one of them is blank. */
function recordToken(template: string, record: RawRecord): string {
  const values: Record<string, string> = {};
  for (const name of placeholders(template)) {
    const text = readText(record[name]);
    if (text === null) throw new BadDataError(`API page ends on a record without ${name}; cannot page on`);
    values[name] = text;
  }
  return fillTemplate(template, values);
}

/** A cursor or next-link position with the rows of that page already handed over, as one token. */
function pageToken(at: string | undefined, skip: number): string {
  return JSON.stringify({ at: at ?? null, skip });
}

function readPageToken(token: string): { at: string | undefined; skip: number } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(token);
  } catch {
    parsed = null;
  }
  const { at, skip } = (parsed ?? {}) as { at?: unknown; skip?: unknown };
  if ((typeof at !== 'string' && at !== null) || !Number.isSafeInteger(skip) || (skip as number) < 0)
    throw new RangeError('applicant token is not this connector’s');
  return { at: at ?? undefined, skip: skip as number };
}
