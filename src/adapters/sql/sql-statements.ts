import { sql, type RawBuilder } from 'kysely';
import type { PermitPosition, PermitQuery } from '../core/contract.js';
import type { FixedZone } from '../core/time-zone.js';
import type { ColumnInfo } from './sql-catalog.js';
import { storeInstants, type StoreInstants } from './sql-instants.js';
import type { EntityPlan, SqlPlan } from './sql-plan.js';

type Sql = RawBuilder<unknown>;
/** A row of the page statement: a page's count (`_total` set) or one of its records. */
export type PageRow = Record<string, unknown> & { _q: number | string; _total: number | string | null };

const TRUE = sql`1 = 1`;
const FALSE = sql`1 = 0`;
const and = (parts: Sql[]) => (parts.length === 0 ? TRUE : sql.join(parts, sql` and `));

/**
 * The `sql` kind's statements for one spec, in its database's dialect. Names are quoted by kysely
 * (`sql.id`), values are parameters typed by the column they are compared with, and every connector
 * call is one statement: a batch of page requests is a UNION ALL of parenthesised per-query SELECTs
 * (each with its ORDER BY and LIMIT) and a COUNT branch per query — which MariaDB, lacking LATERAL,
 * runs as well as PostgreSQL.
 *
 * @example
 * const statements = new SqlStatements(plan, fixedZone('Asia/Shanghai'));
 * const rows = (await statements.listPermits(queries).execute(db)).rows;
 */
export class SqlStatements {
  readonly #plan: SqlPlan;
  readonly #at: StoreInstants | null;
  readonly #postgres: boolean;

  constructor(plan: SqlPlan, zone: FixedZone) {
    this.#plan = plan;
    this.#at = plan.permits.appliedAt ? storeInstants(plan.permits.appliedAt, zone) : null;
    this.#postgres = plan.flavour === 'postgres';
  }

  /** One statement answering every query: its rows carry `_q` (the query's index) and `_total` (count rows). */
  listPermits(queries: readonly PermitQuery[]): RawBuilder<PageRow> {
    const p = this.#plan.permits;
    const table = tableOf(p);
    const nulls = p.select.map((s) => sql`null as ${sql.id(s.alias)}`);
    const branches = queries.flatMap((q, i) => {
      const where = this.#filters(q);
      const page = q.after ? [...where, this.#after(q.after)] : where;
      const index = sql.lit(i);
      return [
        ...(q.total === false
          ? []
          : [sql`(select ${index} as ${sql.id('_q')}, count(*) as ${sql.id('_total')}, ${sql.join(nulls)} from ${table} where ${and(where)})`]),
        sql`(select ${index} as ${sql.id('_q')}, null as ${sql.id('_total')}, ${this.#columns(p)} from ${table} where ${and(page)}
          order by ${this.#order((c) => sql.id('p', c.name))} limit ${sql.lit(limitOf(q.limit))})`,
      ];
    });
    // UNION ALL keeps no order between or within branches: the outer ORDER BY restores each page's.
    const byAlias = new Map(p.select.map((s) => [s.column, s.alias]));
    return sql<PageRow>`select * from (${sql.join(branches, sql` union all `)}) u
      order by ${sql.id('u', '_q')}, ${this.#order((c) => sql.id('u', byAlias.get(c)!))}`;
  }

  /**
   * The totals of several queries in one statement and one pass over the table: a conditional count per
   * query (`count(case when … then 1 end)`, as `where` treats NULL), over the rows any of them keeps.
   */
  countPermits(queries: readonly PermitQuery[]): RawBuilder<Record<string, number | string>> {
    const filters = queries.map((q) => and(this.#filters(q)));
    const counts = filters.map((f, i) => sql`count(case when ${f} then 1 end) as ${sql.id(`c${i}`)}`);
    return sql`select ${sql.join(counts)} from ${tableOf(this.#plan.permits)} where ${sql.join(
      filters.map((f) => sql`(${f})`),
      sql` or `,
    )}`;
  }

  /** Permits by local id, or null when no id can be a value of the key column (then nothing matches). */
  getPermits(localIds: readonly string[]): RawBuilder<Record<string, unknown>> | null {
    const p = this.#plan.permits;
    const match = this.#in(sql.id('p', p.key.name), p.key, localIds);
    if (match === FALSE) return null;
    return sql`select ${this.#columns(p)} from ${tableOf(p)} where ${match}`;
  }

  /**
   * A page of applicants in key order, after the connector's own token (the last key read). Integer keys,
   * and on PostgreSQL any key (its deterministic collations order distinct values totally), are ordered
   * natively so an index serves the identity sync; a MySQL text key is ordered natively only when it is
   * unique alone, else by its code points (case-insensitive collations tie on `a` and `A`).
   */
  listApplicants(after: string | null, limit: number): RawBuilder<Record<string, unknown>> {
    const a = this.#plan.applicants;
    const key = sql.id('p', a.key.name);
    const native = a.key.kind === 'integer' || a.key.kind === 'decimal' || this.#postgres || a.key.unique;
    const ordered = native ? key : this.#codePoints(key, a.key);
    let where: Sql = TRUE;
    if (after !== null) where = sql`${ordered} > ${this.#token(after, a.key)}`;
    return sql`select ${this.#columns(a)} from ${tableOf(a)} where ${where} order by ${ordered} limit ${sql.lit(limitOf(limit))}`;
  }

  #columns(entity: EntityPlan): Sql {
    return sql.join(entity.select.map((s) => sql`${sql.id('p', s.column.name)} as ${sql.id(s.alias)}`));
  }

  /** The contract's order: appliedAt descending with missing values last, then the key by code point. */
  #order(ref: (column: ColumnInfo) => Sql): Sql {
    const p = this.#plan.permits;
    const key = this.#codePoints(ref(p.key), p.key);
    const applied = p.appliedAt;
    if (!applied) return key;
    const at = ref(applied.column);
    if (applied.store !== 'native') return sql`${this.#blank(at, applied.column)}, ${at} desc, ${key}`;
    // MySQL sorts NULL lowest, so last when descending; PostgreSQL must be told (and a NOT NULL column
    // is left plain so an index on it serves the order).
    return this.#postgres && applied.column.nullable ? sql`${at} desc nulls last, ${key}` : sql`${at} desc, ${key}`;
  }

  #filters(q: PermitQuery): Sql[] {
    const p = this.#plan.permits;
    const where: Sql[] = [];
    if (q.applicantLocalIds) where.push(p.applicant ? this.#in(sql.id('p', p.applicant.name), p.applicant, q.applicantLocalIds) : FALSE);
    if (q.rawStatusIn) where.push(this.#in(sql.id('p', p.status.name), p.status, q.rawStatusIn));
    if (q.rawStatusNotIn?.length) {
      // A blank status maps to UNKNOWN too, and NOT IN alone would drop it.
      const status = sql.id('p', p.status.name);
      where.push(sql`(${this.#blank(status, p.status)} or not (${this.#in(status, p.status, q.rawStatusNotIn)}))`);
    }
    if (q.serviceItemCodes) where.push(p.serviceItem ? this.#in(sql.id('p', p.serviceItem.name), p.serviceItem, q.serviceItemCodes) : FALSE);
    if (q.appliedFrom !== undefined || q.appliedTo !== undefined) {
      const applied = p.appliedAt;
      if (!applied || !this.#at) return [...where, FALSE]; // no date: no record is within any bound
      const at = sql.id('p', applied.column.name);
      if (q.appliedFrom !== undefined) where.push(sql`${at} >= ${this.#at.ceil(q.appliedFrom)}`);
      if (q.appliedTo !== undefined) {
        where.push(sql`${at} < ${this.#at.nextAfterFloor(q.appliedTo)}`);
        if (applied.store === 'text') where.push(sql`not ${this.#blank(at, applied.column)}`);
      }
    }
    return where;
  }

  /** Strictly after a position in the contract's order. */
  #after(after: PermitPosition): Sql {
    const p = this.#plan.permits;
    const key = this.#codePoints(sql.id('p', p.key.name), p.key);
    const keyAfter = sql`${key} > ${after.localId}`;
    const applied = p.appliedAt;
    if (!applied || !this.#at) return after.appliedAt === null ? keyAfter : TRUE;
    const at = sql.id('p', applied.column.name);
    if (after.appliedAt === null) return sql`(${this.#blank(at, applied.column)} and ${keyAfter})`;
    const exact = this.#at.exact(after.appliedAt);
    // Written as "before the position's end, and (earlier, or the same time with a later key)" so the
    // first part bounds an index range scan. Blank text sorts below every date (a layout starts with
    // the year), so `<` takes it in too; only NULLs need naming.
    const before = exact ? sql`(${at} < ${exact.until} and (${at} < ${exact.from} or ${keyAfter}))` : sql`${at} < ${this.#at.ceil(after.appliedAt)}`;
    return applied.column.nullable ? sql`(${before} or ${at} is null)` : before;
  }

  /** Text compared by code point: PostgreSQL's "C" collation; MySQL's utf8mb4 binary no-pad collation. */
  #codePoints(expr: Sql, column: ColumnInfo): Sql {
    if (this.#postgres) return column.kind === 'text' ? sql`${expr} collate "C"` : sql`cast(${expr} as text) collate "C"`;
    const collation = this.#plan.flavour === 'mariadb' ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin';
    return sql`convert(${expr} using utf8mb4) collate ${sql.raw(collation)}`;
  }

  #blank(expr: Sql, column: ColumnInfo): Sql {
    return column.kind === 'text' ? sql`(${expr} is null or trim(${expr}) = '')` : sql`${expr} is null`;
  }

  /**
   * `expr in (values)` with each value typed as the column: an integer column is compared with integers
   * (a value that is not one matches nothing, rather than failing the statement), a text column with
   * text, anything else by its text form.
   */
  #in(expr: Sql, column: ColumnInfo, values: readonly string[]): Sql {
    let typed: unknown[];
    let left = expr;
    if (column.kind === 'integer') typed = values.filter((v) => INTEGER.test(v)).map((v) => (Number.isSafeInteger(Number(v)) ? Number(v) : v));
    else if (column.kind === 'decimal') typed = values.filter((v) => DECIMAL.test(v));
    else if (column.kind === 'text') typed = [...values];
    else {
      typed = [...values];
      left = this.#postgres ? sql`cast(${expr} as text)` : sql`cast(${expr} as char)`;
    }
    if (typed.length === 0) return FALSE;
    return sql`${left} in (${sql.join(typed)})`;
  }

  #token(after: string, column: ColumnInfo): unknown {
    if (column.kind === 'integer' || column.kind === 'decimal') {
      if (!(column.kind === 'integer' ? INTEGER : DECIMAL).test(after)) throw new RangeError('not an applicant position of this department');
      return column.kind === 'integer' && Number.isSafeInteger(Number(after)) ? Number(after) : after;
    }
    return after;
  }
}

const INTEGER = /^-?(0|[1-9]\d{0,18})$/;
const DECIMAL = /^-?\d{1,30}(\.\d{1,30})?$/;

const tableOf = (entity: EntityPlan) => sql`${sql.id(entity.schema, entity.table)} p`;
const limitOf = (limit: number) => (Number.isSafeInteger(limit) && limit > 0 ? limit : 0);
