import { randomBytes } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import type { PermitQuery } from '../core/contract.js';
import { compareCodePoints } from '../core/permit-order.js';
import type { FileIdentity } from './export-files.js';
import type { StoreDatabase } from './store-database.js';

/** `ord` of a permit without an application date: after every dated one. */
export const NULL_ORD = Number.MAX_SAFE_INTEGER;

/** List order as one ascending number: minus the application time in ms, missing dates last. */
export const ordOf = (appliedMs: number | null): number => (appliedMs === null ? NULL_ORD : -appliedMs);

/** A permit row as stored: the indexed columns, and the raw values in the spec's field order (`encodeCells`). */
export type PermitRow = [
  key: string,
  applicant: string | null,
  status: string | null,
  item: string | null,
  appliedMs: number | null,
  line: number,
  raw: string,
];
/** An applicant row as stored. */
export type ApplicantRow = [key: string, line: number, raw: string];
/** A row set aside, for the load report. */
export interface RejectedRow {
  entity: 'permit' | 'applicant';
  file: string;
  line: number;
  /** The record's key when it could be read. */
  key: string | null;
  reason: string;
}

/** What the store says about the export it serves: its files, counts and when it was loaded. */
export interface LoadSummary {
  files: { permits: FileIdentity; applicants: FileIdentity | null };
  /** Identifies the spec parts that shaped the load; another spec reloads. */
  fingerprint: string;
  loadedAt: string;
  durationMs: number;
  rowsRead: number;
  permits: number;
  applicants: number;
  rejected: number;
}

const PERMIT_COLUMNS = 'key, applicant, status, item, applied_ms, ord, line, raw';
/**
 * Width of the time buckets `permit_counts` keeps totals in (32 days, ms): a dated list's total is a sum
 * over the whole buckets inside its range and a count of the rows in its one or two edge buckets, so it
 * costs about one bucket's rows however much of the export the range covers.
 */
export const COUNT_BUCKET_MS = 32 * 86_400_000;
/** The bucket of an application time, the same arithmetic as the SQL (`floor` of a double: exact here). */
export const countBucketOf = (appliedMs: number): number => Math.floor(appliedMs / COUNT_BUCKET_MS);
/** The tables one load fills and swaps in together. */
const TABLES = ['permits', 'permit_counts', 'applicants', 'rejected_rows'] as const;

/**
 * The department's indexed copy of its exports: tables `permits` (with `permit_counts`, its totals by
 * status and item), `applicants` and `rejected_rows` in one schema, with the summary of the load in
 * `csv_state`. A load fills fresh tables beside them and
 * swaps them in by renaming, in one short transaction: a query sees the previous export or the new one,
 * never a mix, and is never held for the length of a load. Tables are UNLOGGED: they are a copy of files
 * that are still there, so a crash (which empties them) just means loading again.
 *
 * @example
 * const store = await CsvStore.open(await openStoreDatabase({ dir }), 'public');
 * const load = await store.beginLoad();
 * await load.insertPermits(rows); await load.finish(); await store.swap(load, summary);
 */
export class CsvStore {
  /** Statements sent, every one counted: the conformance suite checks one per connector call. */
  statements = 0;

  private constructor(
    readonly database: StoreDatabase,
    readonly schema: string,
  ) {}

  static async open(database: StoreDatabase, schema: string): Promise<CsvStore> {
    const store = new CsvStore(database, schema);
    for (let attempt = 0; ; attempt++) {
      try {
        await store.run(sql`create schema if not exists ${sql.id(schema)}`);
        await store.run(sql`create unlogged table if not exists ${store.table('csv_state')} (id int primary key, summary jsonb not null)`);
        return store;
      } catch (error) {
        // Two processes sharing a PostgreSQL schema, starting together, race on "if not exists": look again.
        const code = (error as { code?: unknown }).code;
        if (attempt > 0 || (code !== '23505' && code !== '42P06' && code !== '42P07')) throw error;
      }
    }
  }

  table(name: string): RawBuilder<unknown> {
    return sql`${sql.id(this.schema, name)}`;
  }

  /** Runs one statement, counted. */
  async run<R = Record<string, unknown>>(query: RawBuilder<R>): Promise<R[]> {
    this.statements++;
    return (await query.execute(this.database.db)).rows;
  }

  /** The summary of the export in place, or null when none has been loaded (or a crash emptied the store). */
  async summary(): Promise<LoadSummary | null> {
    const rows = await this.run<{ summary: LoadSummary | string }>(
      sql`select summary from ${this.table('csv_state')} where id = 1 and to_regclass(${`${this.schema}.permits`}) is not null`,
    );
    const value = rows[0]?.summary;
    return value === undefined ? null : typeof value === 'string' ? (JSON.parse(value) as LoadSummary) : value;
  }

  /** Fresh tables for a load, named with a random token until they are swapped in. */
  async beginLoad(): Promise<StoreLoad> {
    const token = randomBytes(5).toString('hex');
    const load = new StoreLoad(this, token);
    await this.run(sql`create unlogged table ${this.table(`permits_${token}`)} (
      key text collate "C" not null, applicant text collate "C", status text, item text,
      applied_ms bigint, ord bigint not null, line integer not null, raw text not null)`);
    await this.run(sql`create unlogged table ${this.table(`permit_counts_${token}`)} (status text, item text, bucket bigint, n bigint not null)`);
    await this.run(sql`create unlogged table ${this.table(`applicants_${token}`)} (key text collate "C" not null, line integer not null, raw text not null)`);
    await this.run(
      sql`create unlogged table ${this.table(`rejected_rows_${token}`)} (entity text not null, file text not null, line integer not null, key text, reason text not null)`,
    );
    return load;
  }

  /**
   * Puts a finished load in place, atomically. Under an advisory lock, so hub processes sharing a
   * PostgreSQL schema do not swap over each other; a load older than the one in place is dropped instead.
   * Returns whether it went in.
   */
  async swap(load: StoreLoad, summary: LoadSummary, isNewer: (current: LoadSummary | null) => boolean): Promise<boolean> {
    const t = load.token;
    let swapped = false;
    await this.database.db.transaction().execute(async (tx) => {
      const exec = async <R>(query: RawBuilder<R>) => {
        this.statements++;
        return (await query.execute(tx)).rows;
      };
      await exec(sql`select pg_advisory_xact_lock(hashtext(${`huitong-csv:${this.schema}`}))`);
      const rows = await exec(
        sql<{
          summary: LoadSummary | string;
        }>`select summary from ${this.table('csv_state')} where id = 1 and to_regclass(${`${this.schema}.permits`}) is not null`,
      );
      const raw = rows[0]?.summary;
      const current = raw === undefined ? null : typeof raw === 'string' ? (JSON.parse(raw) as LoadSummary) : raw;
      if (!isNewer(current)) return;
      for (const name of TABLES) {
        await exec(sql`alter table if exists ${this.table(name)} rename to ${sql.id(`${name}_old_${t}`)}`);
        await exec(sql`alter table ${this.table(`${name}_${t}`)} rename to ${sql.id(name)}`);
      }
      await exec(sql`insert into ${this.table('csv_state')} (id, summary) values (1, ${JSON.stringify(summary)}::jsonb)
        on conflict (id) do update set summary = excluded.summary`);
      swapped = true;
    });
    // In-flight queries on the old tables finished before the rename could take its lock.
    await this.run(sql`drop table if exists ${sql.join(TABLES.map((name) => this.table(`${name}_old_${t}`)))}`);
    if (!swapped) await load.drop();
    return swapped;
  }

  /**
   * Drops tables of loads that never finished (a crash mid-load). Only where this process is the
   * store's sole user (PGlite); on a shared PostgreSQL schema another process may be loading them.
   */
  async dropAbandonedLoads(): Promise<void> {
    if (this.database.backend !== 'pglite') return;
    const rows = await this.run<{ name: string }>(
      sql`select tablename as name from pg_tables where schemaname = ${this.schema} and tablename ~ ${`^(${TABLES.join('|')})_`}`,
    );
    for (const { name } of rows) await this.run(sql`drop table if exists ${this.table(name)}`);
  }

  /**
   * One page per query, all in ONE statement (a UNION ALL of each query's rows and its count), whatever
   * the batch: the backend plans each branch with the indexes its filters use.
   */
  async listPermits(queries: readonly PermitQuery[]): Promise<Array<{ total: number; rows: Array<{ key: string; applied_ms: number | null; raw: string }> }>> {
    if (queries.length === 0) return [];
    const permits = this.table('permits');
    // A DataLoader batch asks the same page for many applicants, one each: that is one LATERAL join over
    // the list of them, planned once, rather than a branch per applicant.
    const byShape = new Map<string, number[]>();
    queries.forEach((q, i) => {
      if (q.applicantLocalIds?.length !== 1 || q.after) return;
      const shape = JSON.stringify([q.rawStatusIn, q.rawStatusNotIn, q.serviceItemCodes, q.appliedFrom, q.appliedTo, q.limit]);
      byShape.set(shape, [...(byShape.get(shape) ?? []), i]);
    });
    const grouped = new Set([...byShape.values()].filter((g) => g.length > 1).flat());
    const branches = [...byShape.values()]
      .filter((g) => g.length > 1)
      .flatMap((group) => {
        const q = queries[group[0]!]!;
        const where = sql.join(filtersOf({ ...q, applicantLocalIds: undefined }), sql` and `);
        const list = sql`unnest(${group}::int[], ${group.map((i) => queries[i]!.applicantLocalIds![0]!)}::text[]) as l(i, a)`;
        return [
          sql`(select l.i as q, p.key, p.applied_ms, p.raw, null::bigint as total from ${list}
            cross join lateral (select key, applied_ms, raw from ${permits} where applicant = l.a and ${where} order by ord, key limit ${limitOf(q)}) p)`,
          sql`(select l.i, null, null, null, (select count(*) from ${permits} where applicant = l.a and ${where}) from ${list})`,
        ];
      });
    queries.forEach((q, i) => {
      if (grouped.has(i)) return;
      const where = sql.join(filtersOf(q), sql` and `);
      const after = q.after
        ? sql` and (ord, key) > (${ordOf(q.after.appliedAt === null ? null : isoMs(q.after.appliedAt))}::bigint, ${q.after.localId})`
        : sql``;
      branches.push(
        sql`(select ${i}::int as q, key, applied_ms, raw, null::bigint as total from ${permits} where ${where}${after} order by ord, key limit ${limitOf(q)})`,
        sql`(select ${i}::int, null, null, null, ${this.#total(q, where)})`,
      );
    });
    const rows = await this.run<{ q: number; key: string | null; applied_ms: number | null; raw: string | null; total: number | null }>(
      sql.join(branches, sql` union all `),
    );
    const pages = queries.map(() => ({ total: 0, rows: [] as Array<{ key: string; applied_ms: number | null; raw: string }> }));
    for (const row of rows) {
      const page = pages[row.q]!;
      if (row.total !== null) page.total = row.total;
      else page.rows.push({ key: row.key!, applied_ms: row.applied_ms, raw: row.raw! });
    }
    // UNION ALL does not promise to keep each branch's order: put each page back in list order (`collate "C"` is code-point order).
    for (const page of pages) page.rows.sort((a, b) => ordOf(a.applied_ms) - ordOf(b.applied_ms) || compareCodePoints(a.key, b.key));
    return pages;
  }

  /**
   * A query's total as a scalar expression. An applicant's list is counted (it is short); any other is
   * summed from `permit_counts` (status, item, time bucket), counting rows only in the edge buckets a
   * date range cuts through.
   */
  #total(q: PermitQuery, where: RawBuilder<unknown>): RawBuilder<unknown> {
    const permits = this.table('permits');
    const count = (extra: RawBuilder<unknown>) => sql`(select count(*) from ${permits} where ${where}${extra})`;
    const from = q.appliedFrom === undefined ? null : countBucketOf(isoMs(q.appliedFrom));
    const to = q.appliedTo === undefined ? null : countBucketOf(isoMs(q.appliedTo));
    if (q.applicantLocalIds || (from !== null && to !== null && from >= to)) return count(sql``);
    const summed = [...filtersOf({ ...q, appliedFrom: undefined, appliedTo: undefined })];
    const parts: RawBuilder<unknown>[] = [];
    if (from !== null) {
      summed.push(sql`bucket > ${from}::bigint`);
      // The rows of the first bucket at or after appliedFrom: ord above the next bucket's start.
      parts.push(count(sql` and ord > ${-(from + 1) * COUNT_BUCKET_MS}::bigint`));
    }
    if (to !== null) {
      summed.push(sql`bucket < ${to}::bigint`);
      parts.push(count(sql` and ord <= ${-to * COUNT_BUCKET_MS}::bigint`));
    }
    parts.unshift(sql`(select coalesce(sum(n), 0) from ${this.table('permit_counts')} where ${sql.join(summed, sql` and `)})`);
    return sql`(${sql.join(parts, sql` + `)})::bigint`;
  }

  async getPermits(keys: readonly string[]): Promise<Array<{ key: string; raw: string }>> {
    if (keys.length === 0) return [];
    return this.run(sql<{ key: string; raw: string }>`select key, raw from ${this.table('permits')} where key = any(${[...new Set(keys)]}::text[])`);
  }

  /** Applicants in key order (code points), `limit + 1` rows so the caller knows whether more follow. */
  async listApplicants(after: string | null, limit: number): Promise<Array<{ key: string; raw: string }>> {
    const from = after === null ? sql`true` : sql`key > ${after}`;
    return this.run(
      sql<{
        key: string;
        raw: string;
      }>`select key, raw from ${this.table('applicants')} where ${from} order by key limit ${Math.max(0, Math.floor(limit)) + 1}`,
    );
  }

  async rejectedRows(limit: number): Promise<RejectedRow[]> {
    return this.run(
      sql<RejectedRow>`select entity, file, line, key, reason from ${this.table('rejected_rows')} order by file, line, entity limit ${limit}`,
    ).catch((error: { code?: string }) => {
      if (error.code === '42P01') return []; // nothing loaded yet
      throw error;
    });
  }

  close(): Promise<void> {
    return this.database.close();
  }
}

/** One load's tables, filled in batches. */
export class StoreLoad {
  constructor(
    readonly store: CsvStore,
    readonly token: string,
  ) {}

  insertPermits(rows: readonly PermitRow[]): Promise<void> {
    return this.#insert(
      `permits_${this.token}`,
      PERMIT_COLUMNS,
      ['text', 'text', 'text', 'text', 'bigint', 'bigint', 'integer', 'text'],
      rows.map(([key, applicant, status, item, ms, line, raw]) => [key, applicant, status, item, ms, ordOf(ms), line, raw]),
    );
  }

  insertApplicants(rows: readonly ApplicantRow[]): Promise<void> {
    return this.#insert(`applicants_${this.token}`, 'key, line, raw', ['text', 'integer', 'text'], rows);
  }

  insertRejected(rows: readonly RejectedRow[]): Promise<void> {
    return this.#insert(
      `rejected_rows_${this.token}`,
      'entity, file, line, key, reason',
      ['text', 'text', 'integer', 'text', 'text'],
      rows.map((r) => [r.entity, r.file, r.line, r.key, r.reason]),
    );
  }

  /** Removes every row of these keys (a key used twice: neither row can be trusted). */
  async deleteKeys(entity: 'permits' | 'applicants', keys: readonly string[]): Promise<void> {
    if (keys.length > 0) await this.store.run(sql`delete from ${this.store.table(`${entity}_${this.token}`)} where key = any(${keys}::text[])`);
  }

  /** Indexes for the queries the connector sends, built once the rows are in (faster than row by row). */
  async finish(): Promise<void> {
    const t = this.token;
    const permits = this.store.table(`permits_${t}`);
    const index = (name: string) => sql.id(`${name}_${t}`);
    await this.store.run(sql`alter table ${permits} add constraint ${index('permits_pk')} primary key (key)`);
    await this.store.run(sql`create index ${index('permits_ord')} on ${permits} (ord, key)`);
    await this.store.run(sql`create index ${index('permits_applicant')} on ${permits} (applicant, ord, key)`);
    // A page of one status or item is an ordered walk of its own index, however rare it is.
    await this.store.run(sql`create index ${index('permits_status')} on ${permits} (status, ord, key)`);
    await this.store.run(sql`create index ${index('permits_item')} on ${permits} (item, ord, key)`);
    // Totals of the lists a hub asks (whole, by status, by item, by application time) from a few rows
    // instead of a count over the export.
    await this.store.run(
      sql`insert into ${this.store.table(`permit_counts_${t}`)}
        select status, item, floor(applied_ms / ${COUNT_BUCKET_MS}::float8)::bigint, count(*) from ${permits} group by 1, 2, 3`,
    );
    await this.store.run(sql`alter table ${this.store.table(`applicants_${t}`)} add constraint ${index('applicants_pk')} primary key (key)`);
    // Statistics for the planner, and the visibility map that lets counts read the indexes alone.
    await this.store.run(sql`vacuum (analyze) ${permits}, ${this.store.table(`applicants_${t}`)}`);
  }

  async drop(): Promise<void> {
    const t = this.token;
    await this.store.run(sql`drop table if exists ${sql.join(TABLES.map((name) => this.store.table(`${name}_${t}`)))}`);
  }

  async #insert(table: string, columns: string, types: readonly string[], rows: ReadonlyArray<readonly unknown[]>): Promise<void> {
    if (rows.length === 0) return;
    const target = sql`${this.store.table(table)} (${sql.raw(columns)})`;
    const copy = this.store.database.copyCsv;
    if (copy) {
      this.store.statements++;
      await copy(
        `copy ${sql.id(this.store.schema, table).compile(this.store.database.db).sql} (${columns}) from '/dev/blob' with (format csv)`,
        rows.map(csvLine).join('\n'),
      );
      return;
    }
    const select = sql.join(types.map((type, i) => sql.raw(`(r->>${i})::${type}`)));
    await this.store.run(sql`insert into ${target} select ${select} from json_array_elements(${JSON.stringify(rows)}::json) r`);
  }
}

/** A row as a CSV line for COPY: text quoted only when it must be (an empty string stays one), null as nothing. */
function csvLine(row: readonly unknown[]): string {
  let line = '';
  for (let i = 0; i < row.length; i++) {
    const value = row[i];
    if (i > 0) line += ',';
    if (value === null || value === undefined) continue;
    if (typeof value === 'number') line += String(value);
    else {
      const text = String(value);
      line += text === '' || NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
    }
  }
  return line;
}
// A backslash too: `\.` alone on a line ends COPY data.
const NEEDS_QUOTES = /[",\r\n\\]/;

/**
 * A record's raw cells as one text column: joined by U+001F (unit separator), which exports do not
 * hold; in the rare record that does, JSON behind a U+001E mark.
 *
 * @example
 * encodeCells(['WS1', '', '准予许可']); // 'WS1\u001f\u001f准予许可'
 */
export function encodeCells(cells: readonly string[]): string {
  for (const cell of cells) if (cell.includes(UNIT)) return `${RECORD}${JSON.stringify(cells)}`;
  return cells.join(UNIT);
}

export function decodeCells(raw: string): string[] {
  return raw.startsWith(RECORD) ? (JSON.parse(raw.slice(1)) as string[]) : raw.split(UNIT);
}
const UNIT = '\u001f';
const RECORD = '\u001e';

const limitOf = (q: PermitQuery) => Math.max(0, Math.floor(q.limit));

/** The query's filters as SQL conditions (a `true` when it has none). */
function filtersOf(q: PermitQuery): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (q.applicantLocalIds) where.push(sql`applicant = any(${[...q.applicantLocalIds]}::text[])`);
  if (q.rawStatusIn) where.push(sql`status = any(${[...q.rawStatusIn]}::text[])`);
  // A blank status is "none of these": it is what UNKNOWN asks for.
  if (q.rawStatusNotIn && q.rawStatusNotIn.length > 0) where.push(sql`(status is null or status <> all(${[...q.rawStatusNotIn]}::text[]))`);
  if (q.serviceItemCodes) where.push(sql`item = any(${[...q.serviceItemCodes]}::text[])`);
  if (q.appliedFrom !== undefined) where.push(sql`ord <= ${-isoMs(q.appliedFrom)}::bigint`);
  if (q.appliedTo !== undefined) where.push(sql`ord >= ${-isoMs(q.appliedTo)}::bigint and applied_ms is not null`);
  return where;
}

function isoMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError('not an ISO 8601 instant');
  return ms;
}
