import { createHash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';
import type { IdentifierType } from '../../schema/identifiers/index.js';
import type { ApplicantKind } from '../../schema/model.js';
import type { Cluster, SourcedRecord } from './applicant-cluster.js';

const BATCH = 500;

/** The records the crosswalk holds now, in the linker's input shape, for departments a sync could not reach. */
export async function storedRecords(db: Kysely<HubDatabase>, departments: readonly string[]): Promise<SourcedRecord[]> {
  if (departments.length === 0) return [];
  const rows = await db.selectFrom('applicant_records').selectAll().where('department_code', 'in', departments).execute();
  return rows.map((r) => ({
    department: r.department_code,
    localId: r.local_id,
    name: r.name,
    kind: r.kind as ApplicantKind | null,
    identifiers: r.identifiers.filter((i) => i.type !== 'ORG_CODE' || !r.identifiers.some((j) => j.type === 'USCC')).map((i) => ({ value: i.value, claimedType: i.type as IdentifierType })),
    phone: r.phone,
    address: r.address,
  }));
}

/**
 * Writes a linking result, keeping applicant ids stable: a cluster keeps the id its records already had;
 * when a sync joins clusters that had different ids, the smallest id survives and the others are marked
 * `merged_into` it, so old ids keep resolving; a brand-new cluster gets an id derived from its first
 * record, so a rebuild from the same data gives the same ids.
 *
 * @example
 * await saveClusters(db, (await resolveRecords(db, records)).clusters);
 */
export async function saveClusters(db: Kysely<HubDatabase>, clusters: readonly Cluster[]): Promise<{ applicants: number; merged: number }> {
  let merged = 0;
  await db.transaction().execute(async (tx) => {
    const existing = new Map<string, string>();
    for (const row of await tx.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute()) {
      existing.set(`${row.department_code}:${row.local_id}`, row.applicant_id);
    }
    const applicants: Array<{ id: string; kind: string; name: string; merged_into: null }> = [];
    const records: Array<{ department_code: string; local_id: string; applicant_id: string; kind: string | null; name: string; identifiers: string; phone: string | null; address: string | null }> = [];
    const identifiers: HubDatabase['applicant_identifiers'][] = [];
    const redirects: Array<{ from: string; to: string }> = [];
    const used = new Set<string>();

    for (const cluster of clusters) {
      const previous = [...new Set(cluster.records.map((r) => existing.get(`${r.department}:${r.localId}`)).filter((id): id is string => !!id && !used.has(id)))].sort();
      // A steward's pin decides the id; otherwise the records' previous id, the smallest when they had several.
      const id = cluster.pinnedId ?? previous[0] ?? newApplicantId(cluster);
      used.add(id);
      for (const other of previous) {
        if (other === id) continue;
        redirects.push({ from: other, to: id });
        used.add(other);
      }
      applicants.push({ id, kind: cluster.kind, name: cluster.name, merged_into: null });
      for (const r of cluster.records) {
        records.push({
          department_code: r.department,
          local_id: r.localId,
          applicant_id: id,
          kind: r.kind,
          name: r.name,
          identifiers: JSON.stringify(r.identifiers),
          phone: r.phone,
          address: r.address,
        });
      }
      for (const i of cluster.identifiers) identifiers.push({ type: i.type, value: i.value, applicant_id: id });
    }

    await tx.deleteFrom('applicant_records').execute();
    await tx.deleteFrom('applicant_identifiers').execute();
    for (let i = 0; i < applicants.length; i += BATCH) {
      await tx
        .insertInto('applicants')
        .values(applicants.slice(i, i + BATCH))
        .onConflict((oc) => oc.column('id').doUpdateSet((eb) => ({ kind: eb.ref('excluded.kind'), name: eb.ref('excluded.name'), merged_into: null, updated_at: new Date() })))
        .execute();
    }
    for (let i = 0; i < records.length; i += BATCH) await tx.insertInto('applicant_records').values(records.slice(i, i + BATCH)).execute();
    for (let i = 0; i < identifiers.length; i += BATCH) {
      await tx.insertInto('applicant_identifiers').values(identifiers.slice(i, i + BATCH)).onConflict((oc) => oc.doNothing()).execute();
    }
    for (const { from, to } of redirects) {
      await tx.updateTable('applicants').set({ merged_into: to, updated_at: new Date() }).where('id', '=', from).execute();
      // Earlier redirects to the merged-away id follow it, so a lookup never takes more than one hop.
      await tx.updateTable('applicants').set({ merged_into: to }).where('merged_into', '=', from).execute();
      merged++;
    }
  });
  return { applicants: clusters.length, merged };
}

function newApplicantId(cluster: Cluster): string {
  const first = cluster.records.map((r) => `${r.department}:${r.localId}`).sort()[0]!;
  return `ap_${createHash('sha256').update(first).digest('base64url').slice(0, 16)}`;
}
