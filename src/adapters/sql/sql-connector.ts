import type { CallContext, Connector, PermitQuery, RawPage } from '../core/contract.js';
import { fixedZone } from '../core/time-zone.js';
import type { RawRecord } from '../spec/fields.js';
import { SpecError } from '../spec/spec-issue.js';
import { readCatalog } from './sql-catalog.js';
import type { SqlDatabase } from './sql-database.js';
import { planSpec, type SqlPlan } from './sql-plan.js';
import type { SqlSpec } from './sql-spec.js';
import { SqlStatements } from './sql-statements.js';

/**
 * A department's relational system, read through its spec: each call is one SQL statement whatever the
 * batch, with filters, order and keyset positions computed by the database. Rows are handed over as raw
 * records — each selected column under its unified name, values as the driver reads them — for the one
 * spec mapper.
 *
 * The catalogue is read once (at open, or on first use if the database was down then) to learn the
 * columns' types: those decide how values are compared and instants written.
 *
 * @example
 * const connector = new SqlConnector(spec, await openSqlDatabase(url, { timeZone: spec.timeZone }));
 * await connector.ready(); // reads the catalogue; throws a SpecError if the spec does not fit the tables
 */
export class SqlConnector implements Connector<RawRecord, RawRecord> {
  #statements: Promise<SqlStatements> | null = null;

  constructor(
    private readonly spec: SqlSpec,
    private readonly database: SqlDatabase,
  ) {}

  /** Reads the catalogue and checks the spec against it; a failure is not kept, so a later call retries. */
  ready(): Promise<SqlStatements> {
    this.#statements ??= this.#prepare();
    this.#statements.catch(() => (this.#statements = null));
    return this.#statements;
  }

  async listPermits(queries: readonly PermitQuery[], _ctx: CallContext): Promise<Array<RawPage<RawRecord>>> {
    if (queries.length === 0) return [];
    const statements = await this.ready();
    const result = await statements.listPermits(queries).execute(this.database.db);
    const pages: Array<RawPage<RawRecord>> = queries.map(() => ({ total: 0, rows: [] }));
    for (const row of result.rows) {
      const { _q, _total, ...record } = row;
      const page = pages[Number(_q)]!;
      if (_total !== null) page.total = Number(_total);
      else page.rows.push(record);
    }
    return pages;
  }

  async countPermits(queries: readonly PermitQuery[], _ctx: CallContext): Promise<number[]> {
    if (queries.length === 0) return [];
    const [row] = (await (await this.ready()).countPermits(queries).execute(this.database.db)).rows;
    return queries.map((_, i) => Number(row![`c${i}`]));
  }

  async getPermits(localIds: readonly string[], _ctx: CallContext): Promise<RawRecord[]> {
    if (localIds.length === 0) return [];
    const statement = (await this.ready()).getPermits(localIds);
    return statement ? (await statement.execute(this.database.db)).rows : [];
  }

  async listApplicants(after: string | null, limit: number, _ctx: CallContext): Promise<{ rows: RawRecord[]; next: string | null }> {
    const statements = await this.ready();
    const rows = (await statements.listApplicants(after, limit).execute(this.database.db)).rows;
    const last = rows.at(-1);
    return { rows, next: last && rows.length === limit ? String(last.key) : null };
  }

  async close(): Promise<void> {
    await this.database.close();
  }

  async #prepare(): Promise<SqlStatements> {
    const catalog = await readCatalog(this.database.db, this.database.dialect, [this.spec.permits, this.spec.applicants]);
    const { issues, plan } = planSpec(this.spec, catalog);
    if (issues.length > 0) throw new SpecError(this.spec.code, issues);
    return new SqlStatements(plan as SqlPlan, fixedZone(this.spec.timeZone));
  }
}
