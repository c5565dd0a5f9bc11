import { sql, type Kysely, type Transaction } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';

type Db = Kysely<HubDatabase> | Transaction<HubDatabase>;

/**
 * Brings the open kind reviews to the records that hold an undecided identifier now (`ambiguous`): a
 * record that does gets an OPEN row (kept, with its age, while it stays undecided); an OPEN row whose
 * record no longer does is closed by deletion. Rows a steward settled are left alone. Returns rows written.
 *
 * @example
 * await saveKindReviews(db, [{ department: 'health', localId: 'WSR000067' }]);
 */
export async function saveKindReviews(db: Db, ambiguous: ReadonlyArray<{ department: string; localId: string }>): Promise<number> {
  const key = (department: string, localId: string) => JSON.stringify([department, localId]);
  const held = new Map<string, { department: string; localId: string; open: boolean }>();
  for (const row of await db.selectFrom('identity_kind_reviews').select(['department_code', 'local_id', 'status']).execute()) {
    held.set(key(row.department_code, row.local_id), { department: row.department_code, localId: row.local_id, open: row.status === 'OPEN' });
  }
  const fresh = ambiguous.filter((r) => !held.has(key(r.department, r.localId)));
  const wanted = new Set(ambiguous.map((r) => key(r.department, r.localId)));
  const stale = [...held].filter(([k, r]) => r.open && !wanted.has(k)).map(([, r]) => r);
  if (stale.length > 0) {
    await sql`delete from identity_kind_reviews using unnest(${stale.map((r) => r.department)}::text[], ${stale.map((r) => r.localId)}::text[]) as gone(d, l)
      where identity_kind_reviews.department_code = gone.d and identity_kind_reviews.local_id = gone.l and identity_kind_reviews.status = 'OPEN'`.execute(db);
  }
  for (let i = 0; i < fresh.length; i += 500) {
    await db
      .insertInto('identity_kind_reviews')
      .values(fresh.slice(i, i + 500).map((r) => ({ department_code: r.department, local_id: r.localId })))
      .onConflict((oc) => oc.doNothing())
      .execute();
  }
  return fresh.length + stale.length;
}
