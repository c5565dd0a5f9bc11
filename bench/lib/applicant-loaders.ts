// An applicant's identifiers and records, read the same way by both hand-written baselines (the monolith
// over the hub database, the central copy over its own): the same columns, ordered as the hub orders them.
import DataLoader from 'dataloader';
import type { Kysely } from 'kysely';

/** Per-request loaders of applicants' identifiers and records: one statement per list per batch. */
export function applicantListLoaders(db: Kysely<any>) {
  return {
    identifiers: new DataLoader(async (ids: readonly string[]) => {
      const rows: Array<{ applicant_id: string; type: string; value: string }> = await db
        .selectFrom('applicant_identifiers')
        .select(['applicant_id', 'type', 'value'])
        .where('applicant_id', 'in', ids)
        .orderBy('type', 'desc')
        .orderBy('value')
        .execute();
      return ids.map((id) => rows.filter((r) => r.applicant_id === id).map((r) => ({ type: r.type, value: r.value })));
    }),
    records: new DataLoader(async (ids: readonly string[]) => {
      const rows: Array<{ applicant_id: string; department_code: string; local_id: string; name: string }> = await db
        .selectFrom('applicant_records')
        .select(['applicant_id', 'department_code', 'local_id', 'name'])
        .where('applicant_id', 'in', ids)
        .orderBy('department_code')
        .orderBy('local_id')
        .execute();
      const grouped = new Map<string, Array<{ department: string; localId: string; name: string }>>(ids.map((id) => [id, []]));
      for (const r of rows) grouped.get(r.applicant_id)!.push({ department: r.department_code, localId: r.local_id, name: r.name });
      return ids.map((id) => grouped.get(id)!);
    }),
  };
}
