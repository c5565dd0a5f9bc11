import { sql, type Kysely, type RawBuilder } from 'kysely';
import type { CallContext, Connector, PermitQuery, RawPage } from '../core/contract.js';
import { isoToShanghaiLocal } from '../core/local-time.js';
import type { MarketLegacyDatabase, SqrRow, XksqRow } from './legacy-types.js';

const PERMIT_COLUMNS = sql`p.sqbh, p.sqrid, p.sxbm, p.xkmc, p.ztdm, p.slrq, p.jdrq, p.yxqz, p.fdsx, p.cnsx, p.sjys`;

/**
 * Reads the market-supervision database with kysely. Every batch is one SQL statement: page requests
 * become one UNION ALL of lateral page queries, each carrying its own total.
 */
export class MarketConnector implements Connector<XksqRow, SqrRow> {
  constructor(
    private readonly db: Kysely<MarketLegacyDatabase>,
    private readonly onClose: () => Promise<void> = async () => {},
  ) {}

  async listPermits(queries: readonly PermitQuery[], _ctx: CallContext): Promise<Array<RawPage<XksqRow>>> {
    if (queries.length === 0) return [];
    const parts = queries.map((q, i) => {
      const where = filters(q);
      const page = [...where, ...(q.after ? [keysetAfter(q.after.appliedAt, q.after.localId)] : [])];
      return sql`(select ${sql.lit(i)}::int as q, t.total, x.* from
          (select count(*) as total from xksq p where ${and(where)}) t
          left join lateral (select ${PERMIT_COLUMNS} from xksq p where ${and(page)}
            order by p.slrq desc nulls last, p.sqbh collate "C" limit ${sql.lit(q.limit)}) x on true)`;
    });
    const result = await sql<XksqRow & { q: number; total: number }>`${sql.join(parts, sql` union all `)}`.execute(this.db);
    const pages: Array<RawPage<XksqRow>> = queries.map(() => ({ total: 0, rows: [] }));
    for (const row of result.rows) {
      const page = pages[row.q]!;
      page.total = Number(row.total);
      if (row.sqbh !== null) {
        const { q: _q, total: _t, ...permit } = row;
        page.rows.push(permit);
      }
    }
    // UNION ALL keeps each branch's rows together but not necessarily in order: restore it.
    for (const page of pages) page.rows.sort(comparePermits);
    return pages;
  }

  async getPermits(localIds: readonly string[]): Promise<XksqRow[]> {
    if (localIds.length === 0) return [];
    const result = await sql<XksqRow>`select ${PERMIT_COLUMNS} from xksq p where p.sqbh in (${sql.join(localIds)})`.execute(this.db);
    return result.rows;
  }

  async listApplicants(after: string | null, limit: number): Promise<{ rows: SqrRow[]; next: string | null }> {
    let query = this.db.selectFrom('sqr').selectAll().orderBy('sqrid').limit(limit);
    if (after !== null) query = query.where('sqrid', '>', Number(after));
    const rows = await query.execute();
    return { rows, next: rows.length === limit ? String(rows.at(-1)!.sqrid) : null };
  }

  async close(): Promise<void> {
    await this.onClose();
  }
}

function filters(q: PermitQuery): RawBuilder<unknown>[] {
  const where: RawBuilder<unknown>[] = [sql`true`];
  if (q.applicantLocalIds) {
    const ids = q.applicantLocalIds.map(Number).filter(Number.isSafeInteger);
    where.push(ids.length ? sql`p.sqrid in (${sql.join(ids)})` : sql`false`);
  }
  if (q.rawStatusIn) where.push(q.rawStatusIn.length ? sql`p.ztdm in (${sql.join(q.rawStatusIn)})` : sql`false`);
  // A blank status maps to UNKNOWN too, and NOT IN alone would drop it.
  if (q.rawStatusNotIn?.length) where.push(sql`(p.ztdm is null or p.ztdm not in (${sql.join(q.rawStatusNotIn)}))`);
  if (q.serviceItemCodes) where.push(q.serviceItemCodes.length ? sql`p.sxbm in (${sql.join(q.serviceItemCodes)})` : sql`false`);
  if (q.appliedFrom) where.push(sql`p.slrq >= ${isoToShanghaiLocal(q.appliedFrom)}::timestamp`);
  if (q.appliedTo) where.push(sql`p.slrq <= ${isoToShanghaiLocal(q.appliedTo)}::timestamp`);
  return where;
}

/** Strictly after (appliedAt, sqbh) in "slrq desc nulls last, sqbh asc" order. */
function keysetAfter(appliedAt: string | null, localId: string): RawBuilder<unknown> {
  if (appliedAt === null) return sql`(p.slrq is null and p.sqbh collate "C" > ${localId})`;
  const local = isoToShanghaiLocal(appliedAt);
  return sql`(p.slrq < ${local}::timestamp or (p.slrq = ${local}::timestamp and p.sqbh collate "C" > ${localId}) or p.slrq is null)`;
}

const and = (parts: RawBuilder<unknown>[]) => sql.join(parts, sql` and `);

function comparePermits(a: XksqRow, b: XksqRow): number {
  if (a.slrq !== b.slrq) {
    if (a.slrq === null) return 1;
    if (b.slrq === null) return -1;
    return a.slrq < b.slrq ? 1 : -1;
  }
  return a.sqbh < b.sqbh ? -1 : a.sqbh > b.sqbh ? 1 : 0;
}
