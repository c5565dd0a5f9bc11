import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';

/**
 * Deletes what the identity crosswalk holds from one department — its applicant records (names,
 * validated identifiers) and their links — so a disabled department leaves no personal data in the hub.
 * Applicants left with no record are removed by the next identity sync. Deliberate: only
 * `disable --purge` (or `disableDepartment(purge: true)`) calls it.
 *
 * @example
 * await purgeDepartmentRecords(db, 'urban');
 */
export async function purgeDepartmentRecords(db: Kysely<HubDatabase>, code: string): Promise<{ records: number }> {
  const result = await db.deleteFrom('applicant_records').where('department_code', '=', code).executeTakeFirst();
  return { records: Number(result.numDeletedRows) };
}
