import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';
import type { IdentifierType } from '../../schema/identifiers/index.js';
import type { ApplicantKind } from '../../schema/model.js';
import type { Cluster, SourcedRecord } from './applicant-cluster.js';

const BATCH = 500;
const READ_PAGE = 20_000;

/** The records the crosswalk holds now, in the linker's input shape, for departments a sync could not reach. */
export async function storedRecords(db: Kysely<HubDatabase>, departments: readonly string[]): Promise<SourcedRecord[]> {
  if (departments.length === 0) return [];
  const rows = await db.selectFrom('applicant_records').selectAll().where('department_code', 'in', departments).execute();
  return rows.map((r) => ({
    department: r.department_code,
    localId: r.local_id,
    name: r.name,
    kind: r.kind as ApplicantKind | null,
    identifiers: r.identifiers
      .filter((i) => i.type !== 'ORG_CODE' || !r.identifiers.some((j) => j.type === 'USCC'))
      .map((i) => ({ value: i.value, claimedType: i.type as IdentifierType })),
    phone: r.phone,
    address: r.address,
  }));
}

/** Rows a save wrote (inserted, updated or deleted) per crosswalk table: a sync that changed little writes little. */
export interface CrosswalkWrites {
  applicants: number;
  records: number;
  identifiers: number;
}

/**
 * Writes a linking result, keeping applicant ids stable: a cluster keeps the id its records already had;
 * when a sync joins clusters that had different ids, the smallest id survives and the others are marked
 * `merged_into` it, so old ids keep resolving; a brand-new cluster gets an id derived from its first
 * record, so a rebuild from the same data gives the same ids. Only rows that differ from what the
 * crosswalk holds are written, so a nightly sync that changed 1 % of records rewrites about 1 % of rows
 * (and, on one embedded connection, blocks readers for that long, not for a rewrite of every row).
 *
 * `contentChanged`, when the caller knows it (a sync that remembers what it saved last time), says which
 * records' own columns (name, identifiers, phone …) may differ from the crosswalk's; the others are then
 * compared on their applicant id alone, which spares reading every record's columns back.
 *
 * @example
 * await saveClusters(db, (await resolveRecords(db, records)).clusters);
 */
export async function saveClusters(
  db: Kysely<HubDatabase>,
  clusters: readonly Cluster[],
  contentChanged?: (department: string, localId: string) => boolean,
): Promise<{ applicants: number; merged: number; written: CrosswalkWrites }> {
  let merged = 0;
  const written: CrosswalkWrites = { applicants: 0, records: 0, identifiers: 0 };
  await db.transaction().execute(async (tx) => {
    // What the crosswalk holds now, each row as a signature of every column a save writes.
    const heldRecords = new Map<string, { ref: [string, string]; applicantId: string; signature: string | null }>();
    if (contentChanged) {
      for (const row of await tx.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute()) {
        heldRecords.set(recordKey(row.department_code, row.local_id), {
          ref: [row.department_code, row.local_id],
          applicantId: row.applicant_id,
          signature: null,
        });
      }
    } else {
      // In pages: one result of every row with all its columns would sit whole in the embedded database's memory too.
      for (let after: [string, string] | null = null, page = READ_PAGE; page === READ_PAGE; ) {
        let query = tx
          .selectFrom('applicant_records')
          .select(['department_code', 'local_id', 'applicant_id', 'kind', 'name', 'identifiers', 'phone', 'address']);
        if (after) query = query.where((eb) => eb(eb.refTuple('department_code', 'local_id'), '>', eb.tuple(after![0], after![1])));
        const rows = await query.orderBy('department_code').orderBy('local_id').limit(READ_PAGE).execute();
        for (const row of rows)
          heldRecords.set(recordKey(row.department_code, row.local_id), {
            ref: [row.department_code, row.local_id],
            applicantId: row.applicant_id,
            signature: recordSignature(row),
          });
        page = rows.length;
        const last = rows.at(-1);
        if (last) after = [last.department_code, last.local_id];
      }
    }
    const heldIdentifiers = new Map<string, { ref: [string, string]; applicantId: string }>();
    for (const row of await tx.selectFrom('applicant_identifiers').select(['type', 'value', 'applicant_id']).execute()) {
      heldIdentifiers.set(identifierKey(row.type, row.value), { ref: [row.type, row.value], applicantId: row.applicant_id });
    }
    const heldApplicants = new Map<string, string>();
    for (const row of await tx.selectFrom('applicants').select(['id', 'kind', 'name', 'merged_into']).execute())
      heldApplicants.set(row.id, applicantSignature(row));

    const applicants = new Map<string, { id: string; kind: string; name: string; merged_into: null }>();
    // Keyed, so a record two clusters (or one cluster twice) hold is written once: one INSERT … ON
    // CONFLICT may not name a key twice ("cannot affect row a second time").
    const records = new Map<string, RecordRow>();
    const identifiers = new Map<string, HubDatabase['applicant_identifiers']>();
    const redirects: Array<{ from: string; to: string }> = [];
    const used = new Set<string>();
    const kept = new Set<string>();

    // Pinned clusters first: a steward's id is theirs, never taken before by another cluster's records.
    for (const cluster of [...clusters.filter((c) => c.pinnedId), ...clusters.filter((c) => !c.pinnedId)]) {
      const previous = [
        ...new Set(
          cluster.records.map((r) => heldRecords.get(recordKey(r.department, r.localId))?.applicantId).filter((id): id is string => !!id && !used.has(id)),
        ),
      ].sort();
      // A steward's pin decides the id; otherwise the records' previous id, the smallest when they had
      // several; otherwise one no other cluster of this save took (a split applicant's part whose id the
      // other part kept would otherwise derive that same id again).
      const id = cluster.pinnedId ?? previous[0] ?? newApplicantId(cluster, used);
      used.add(id);
      for (const other of previous) {
        if (other === id) continue;
        redirects.push({ from: other, to: id });
        used.add(other);
      }
      const applicant = { id, kind: cluster.kind, name: cluster.name, merged_into: null };
      if (heldApplicants.get(id) !== applicantSignature(applicant)) applicants.set(id, applicant);
      for (const r of cluster.records) {
        const key = recordKey(r.department, r.localId);
        kept.add(key);
        const row: RecordRow = {
          department_code: r.department,
          local_id: r.localId,
          applicant_id: id,
          kind: r.kind,
          name: r.name,
          identifiers: r.identifiers,
          phone: r.phone,
          address: r.address,
        };
        const held = heldRecords.get(key);
        const same =
          held && (held.signature === null ? held.applicantId === id && !contentChanged!(r.department, r.localId) : held.signature === recordSignature(row));
        if (same) records.delete(key);
        else records.set(key, row);
      }
      // The first cluster to hold a value keeps it, as the primary key allows one holder.
      for (const i of cluster.identifiers) {
        const key = identifierKey(i.type, i.value);
        if (!identifiers.has(key)) identifiers.set(key, { type: i.type, value: i.value, applicant_id: id });
      }
    }

    const goneRecords = [...heldRecords].filter(([key]) => !kept.has(key)).map(([, held]) => held.ref);
    const goneIdentifiers = [...heldIdentifiers].filter(([key]) => !identifiers.has(key)).map(([, held]) => held.ref);
    const changedIdentifiers = [...identifiers].filter(([key, row]) => heldIdentifiers.get(key)?.applicantId !== row.applicant_id).map(([, row]) => row);

    await deleteByKeys(tx, 'applicant_records', ['department_code', 'local_id'], goneRecords);
    await deleteByKeys(tx, 'applicant_identifiers', ['type', 'value'], goneIdentifiers);
    for (const batch of chunks([...applicants.values()])) {
      await tx
        .insertInto('applicants')
        .values(batch)
        .onConflict((oc) =>
          oc.column('id').doUpdateSet((eb) => ({ kind: eb.ref('excluded.kind'), name: eb.ref('excluded.name'), merged_into: null, updated_at: new Date() })),
        )
        .execute();
    }
    for (const batch of chunks([...records.values()])) {
      await tx
        .insertInto('applicant_records')
        .values(batch.map((r) => ({ ...r, identifiers: JSON.stringify(r.identifiers) })))
        .onConflict((oc) =>
          oc.columns(['department_code', 'local_id']).doUpdateSet((eb) => ({
            applicant_id: eb.ref('excluded.applicant_id'),
            kind: eb.ref('excluded.kind'),
            name: eb.ref('excluded.name'),
            identifiers: eb.ref('excluded.identifiers'),
            phone: eb.ref('excluded.phone'),
            address: eb.ref('excluded.address'),
            synced_at: new Date(),
          })),
        )
        .execute();
    }
    for (const batch of chunks(changedIdentifiers)) {
      await tx
        .insertInto('applicant_identifiers')
        .values(batch)
        .onConflict((oc) => oc.columns(['type', 'value']).doUpdateSet((eb) => ({ applicant_id: eb.ref('excluded.applicant_id') })))
        .execute();
    }
    for (const { from, to } of redirects) {
      await tx.updateTable('applicants').set({ merged_into: to, updated_at: new Date() }).where('id', '=', from).execute();
      // Earlier redirects to the merged-away id follow it, so a lookup never takes more than one hop.
      await tx.updateTable('applicants').set({ merged_into: to }).where('merged_into', '=', from).execute();
      merged++;
    }
    written.applicants = applicants.size + redirects.length;
    written.records = records.size + goneRecords.length;
    written.identifiers = changedIdentifiers.length + goneIdentifiers.length;
  });
  return { applicants: clusters.length, merged, written };
}

interface RecordRow {
  department_code: string;
  local_id: string;
  applicant_id: string;
  kind: string | null;
  name: string;
  identifiers: ReadonlyArray<{ type: string; value: string }>;
  phone: string | null;
  address: string | null;
}

// JSON, not a separator: a local id may hold any character.
const recordKey = (department: string, localId: string) => JSON.stringify([department, localId]);
const identifierKey = (type: string, value: string) => `${type}:${value}`;

/** Every column a save writes, as one comparable string (JSON keeps nulls apart from empty strings). */
const recordSignature = (r: RecordRow) => JSON.stringify([r.applicant_id, r.kind, r.name, r.identifiers.map((i) => [i.type, i.value]), r.phone, r.address]);
const applicantSignature = (a: { kind: string; name: string; merged_into: string | null }) => JSON.stringify([a.kind, a.name, a.merged_into]);

/**
 * Deletes the rows with these two-column keys in one statement: a join with unnested key arrays, not
 * `(a, b) IN ((…), …)` — embedded PGlite fails on a long list of row tuples against a large table (its
 * next transaction cannot begin).
 */
async function deleteByKeys(
  tx: Transaction<HubDatabase>,
  table: 'applicant_records' | 'applicant_identifiers',
  [a, b]: [string, string],
  keys: ReadonlyArray<[string, string]>,
) {
  if (keys.length === 0) return;
  await sql`delete from ${sql.table(table)} using unnest(${keys.map((k) => k[0])}::text[], ${keys.map((k) => k[1])}::text[]) as gone(a, b)
    where ${sql.ref(`${table}.${a}`)} = gone.a and ${sql.ref(`${table}.${b}`)} = gone.b`.execute(tx);
}

function* chunks<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += BATCH) yield rows.slice(i, i + BATCH);
}

/** An id derived from the cluster's first record (its next ones, then a counter, if that one is taken). */
function newApplicantId(cluster: Cluster, used: ReadonlySet<string>): string {
  const keys = cluster.records.map((r) => `${r.department}:${r.localId}`).sort();
  const derive = (text: string) => `ap_${createHash('sha256').update(text).digest('base64url').slice(0, 16)}`;
  for (const key of keys) if (!used.has(derive(key))) return derive(key);
  for (let n = 1; ; n++) if (!used.has(derive(`${keys[0]}#${n}`))) return derive(`${keys[0]}#${n}`);
}
