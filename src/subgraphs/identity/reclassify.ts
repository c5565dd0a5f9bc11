import type { Kysely, Transaction } from 'kysely';
import type { IdentifierType } from '../../schema/identifiers/index.js';
import type { ApplicantKind } from '../../schema/model.js';
import type { HubDatabase } from '../../storage/index.js';
import { makeCluster, toLinkedRecord, type LinkedRecord } from './applicant-cluster.js';
import { saveKindReviews } from './kind-reviews.js';
import { settledKinds } from './steward-decisions.js';

/**
 * The version of the rules that classify identifiers (`classifyIdentifier`) and so decide whether an
 * applicant is a person. Bump it whenever those rules change: the hub then re-classifies what it stored
 * under the old ones at its next start, before it answers a request.
 */
export const CLASSIFICATION_VERSION = '2026-12-03';
const MARKER = 'identity.classification';

export interface ReclassifyReport {
  /** The version the stored data was classified with before (null: before markers existed). */
  from: string | null;
  /** Records whose identifiers changed, and applicants whose kind changed. */
  records: number;
  applicants: number;
  /** Records now flagged for a steward's review. */
  flagged: number;
}

/**
 * Re-reads every stored record's identifiers under the current classification and fixes the crosswalk
 * (record identifiers, applicant kinds, the applicants' identifier index), when `hub_markers` says the
 * stored data was classified under older rules. Runs at hub start, before serving: a background sync
 * would leave an applicant published under the old rules until it finished, and a department that is
 * down keeps its stored records anyway. A migration cannot do it (migrations never import the
 * classifier). One transaction; the marker is written with it. Returns null when already current.
 *
 * @example
 * const report = await reclassifyStoredApplicants(db); // { from: null, records: 4, applicants: 4, flagged: 0 }
 */
export async function reclassifyStoredApplicants(db: Kysely<HubDatabase>): Promise<ReclassifyReport | null> {
  const marker = await db.selectFrom('hub_markers').select('value').where('name', '=', MARKER).executeTakeFirst();
  if (marker?.value === CLASSIFICATION_VERSION) return null;
  return db.transaction().execute(async (tx) => {
    const report = await reclassifyApplicants(tx, null);
    await tx
      .insertInto('hub_markers')
      .values({ name: MARKER, value: CLASSIFICATION_VERSION })
      .onConflict((oc) => oc.column('name').doUpdateSet({ value: CLASSIFICATION_VERSION, updated_at: new Date() }))
      .execute();
    return { from: marker?.value ?? null, ...report };
  });
}

/**
 * Reads the stored records of some applicants (all when `applicantIds` is null) again under the current
 * classification and the kinds stewards settled, and writes what differs: record identifiers, applicant
 * kinds, the identifier index, the open kind reviews (of those applicants' records).
 */
export async function reclassifyApplicants(tx: Transaction<HubDatabase>, applicantIds: readonly string[] | null): Promise<Omit<ReclassifyReport, 'from'>> {
  let query = tx.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id', 'kind', 'name', 'identifiers', 'phone', 'address']);
  if (applicantIds) query = query.where('applicant_id', 'in', applicantIds.length ? [...applicantIds] : ['']);
  const rows = await query.execute();
  const settled = await settledKinds(tx);
  const byApplicant = new Map<string, LinkedRecord[]>();
  const changed: Array<{ department: string; localId: string; identifiers: string }> = [];
  const touched = new Set<string>();
  for (const r of rows) {
    // The stored type is what the old rules concluded from the record's claims: a claim again, no more.
    const stored = r.identifiers.filter((i) => i.type !== 'ORG_CODE' || !r.identifiers.some((j) => j.type === 'USCC'));
    const source = {
      department: r.department_code,
      localId: r.local_id,
      name: r.name,
      kind: r.kind as ApplicantKind | null,
      identifiers: stored.map((i) => ({ value: i.value, claimedType: i.type as IdentifierType })),
      phone: r.phone,
      address: r.address,
    };
    const linked = toLinkedRecord(source, settled.get(`${r.department_code}:${r.local_id}`));
    const list = byApplicant.get(r.applicant_id);
    if (list) list.push(linked);
    else byApplicant.set(r.applicant_id, [linked]);
    const now = JSON.stringify(linked.identifiers.map((i) => [i.type, i.value]).sort());
    if (now !== JSON.stringify(r.identifiers.map((i) => [i.type, i.value]).sort())) {
      changed.push({ department: r.department_code, localId: r.local_id, identifiers: JSON.stringify(linked.identifiers) });
      touched.add(r.applicant_id);
    }
  }
  for (const c of changed) {
    await tx
      .updateTable('applicant_records')
      .set({ identifiers: c.identifiers })
      .where('department_code', '=', c.department)
      .where('local_id', '=', c.localId)
      .execute();
  }
  let applicants = 0;
  for (const a of await tx.selectFrom('applicants').select(['id', 'kind']).where('merged_into', 'is', null).execute()) {
    const records = byApplicant.get(a.id);
    if (!records) continue;
    const kind = makeCluster(records).kind;
    if (kind === a.kind) continue;
    await tx.updateTable('applicants').set({ kind, updated_at: new Date() }).where('id', '=', a.id).execute();
    applicants++;
  }
  // An applicant's identifier index is its records' identifiers: rebuilt where they changed.
  const ids = [...touched];
  for (let i = 0; i < ids.length; i += 500) {
    const batch = ids.slice(i, i + 500);
    await tx.deleteFrom('applicant_identifiers').where('applicant_id', 'in', batch).execute();
    const values = batch.flatMap((id) =>
      (byApplicant.get(id) ?? []).flatMap((r) => r.identifiers.map((x) => ({ type: x.type, value: x.value, applicant_id: id }))),
    );
    if (values.length)
      await tx
        .insertInto('applicant_identifiers')
        .values(values)
        .onConflict((oc) => oc.doNothing())
        .execute();
  }
  const ambiguous = [...byApplicant.values()].flat().filter((r) => r.ambiguous);
  // Only the whole crosswalk may close reviews of records it did not read.
  if (applicantIds === null) await saveKindReviews(tx, ambiguous);
  return { records: changed.length, applicants, flagged: ambiguous.length };
}
