import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import { badUserInput } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';
import { reclassifyApplicants } from './reclassify.js';

type Db = Kysely<HubDatabase> | Transaction<HubDatabase>;
/** Bits a deferred candidate's priority drops: behind every candidate not put off, contradicted ones included. */
const DEFER_PENALTY = 2000;
export interface RecordRefInput {
  departmentCode: string;
  localId: string;
}

/**
 * A steward's decisions on applicants. Each is one transaction that changes the crosswalk now, records
 * who did it and why (`identity_actions`), and leaves a pin or a separation so that every later sync —
 * which reruns the resolver — keeps it. Applicant ids stay stable: a merge keeps the survivor's id and
 * redirects the other; a split keeps the original id for the records that stay.
 */
export class Stewardship {
  constructor(private readonly db: Kysely<HubDatabase>) {}

  /**
   * Joins two applicants, refusing what no score may override: two different valid USCCs or resident
   * IDs, or a person with an organisation.
   *
   * @example
   * await stewardship.merge('ap_a', 'ap_b', 'demo-steward', '同一企业, 营业执照核对');
   */
  async merge(survivorId: string, mergedId: string, steward: string, reason: string): Promise<string> {
    if (survivorId === mergedId) throw badUserInput('an applicant cannot be merged into itself');
    return this.db.transaction().execute(async (tx) => {
      const [survivor, merged] = await Promise.all([live(tx, survivorId), live(tx, mergedId)]);
      if (survivor.kind !== merged.kind) throw badUserInput('a person is never merged with an organisation');
      const ids = await tx
        .selectFrom('applicant_identifiers')
        .select(['applicant_id', 'type', 'value'])
        .where('applicant_id', 'in', [survivor.id, merged.id])
        .execute();
      for (const type of ['USCC', 'RESIDENT_ID']) {
        const values = new Set(ids.filter((i) => i.type === type).map((i) => i.value));
        if (values.size > 1) throw badUserInput(`two different valid ${type === 'USCC' ? 'USCCs' : 'resident IDs'} are never merged`);
      }
      const records = await recordsOf(tx, [survivor.id, merged.id]);
      const action = await recordAction(tx, 'MERGE', steward, reason, [survivor.id, merged.id], records);
      await pin(tx, records, survivor.id, action);
      await tx.updateTable('applicant_records').set({ applicant_id: survivor.id }).where('applicant_id', '=', merged.id).execute();
      await rebuildIdentifiers(tx, [survivor.id, merged.id]);
      await tx
        .updateTable('applicants')
        .set({ merged_into: survivor.id, updated_at: new Date() })
        .where((eb) => eb.or([eb('id', '=', merged.id), eb('merged_into', '=', merged.id)]))
        .execute();
      return survivor.id;
    });
  }

  /**
   * Moves some of an applicant's records to a new applicant; the rest keep the original id. Returns the
   * new applicant's id.
   *
   * @example
   * await stewardship.split('ap_a', [{ departmentCode: 'health', localId: 'WSR000804' }], 'demo-steward', '同名不同人');
   */
  async split(applicantId: string, moving: readonly RecordRefInput[], steward: string, reason: string): Promise<string> {
    if (moving.length === 0) throw badUserInput('name at least one record to split off', { argument: 'records' });
    return this.db.transaction().execute(async (tx) => {
      const applicant = await live(tx, applicantId);
      const records = await recordsOf(tx, [applicant.id]);
      const key = (r: { department: string; localId: string }) => `${r.department}:${r.localId}`;
      const moveKeys = new Set(moving.map((r) => `${r.departmentCode}:${r.localId}`));
      const moved = records.filter((r) => moveKeys.has(key(r)));
      if (moved.length !== moveKeys.size) throw badUserInput('every record to split off must belong to the applicant', { argument: 'records' });
      const staying = records.filter((r) => !moveKeys.has(key(r)));
      if (staying.length === 0) throw badUserInput('a split must leave at least one record with the applicant', { argument: 'records' });
      const newId = `ap_${createHash('sha256')
        .update(`split:${applicant.id}:${[...moveKeys].sort().join(',')}:${Date.now()}`)
        .digest('base64url')
        .slice(0, 16)}`;
      const action = await recordAction(tx, 'SPLIT', steward, reason, [applicant.id, newId], moved);
      const first = await tx
        .selectFrom('applicant_records')
        .select(['name', 'kind'])
        .where('department_code', '=', moved[0]!.department)
        .where('local_id', '=', moved[0]!.localId)
        .executeTakeFirstOrThrow();
      await tx.insertInto('applicants').values({ id: newId, kind: applicant.kind, name: first.name, merged_into: null }).execute();
      await pin(tx, moved, newId, action);
      await pin(tx, staying, applicant.id, action);
      for (const r of moved) {
        await tx
          .updateTable('applicant_records')
          .set({ applicant_id: newId })
          .where('department_code', '=', r.department)
          .where('local_id', '=', r.localId)
          .execute();
      }
      await rebuildIdentifiers(tx, [applicant.id, newId]);
      return newId;
    });
  }

  /**
   * Settles the kind of a record whose identifier could be read either way (`identityKindReviews`): as
   * an organisation its value becomes its USCC, as a person it is confirmed; every later sync keeps it.
   * The record's applicant is re-read at once (a value the crosswalk does not hold, one valid only as a
   * USCC, is read again at the next sync). Returns the applicant's id.
   *
   * @example
   * await stewardship.settleKind({ departmentCode: 'health', localId: 'WSR000067' }, 'ORGANIZATION', 'demo-steward', '核对登记证书,为事业单位');
   */
  async settleKind(record: RecordRefInput, kind: 'PERSON' | 'ORGANIZATION', steward: string, reason: string): Promise<string> {
    return this.db.transaction().execute(async (tx) => {
      const where = <Q extends { where: (...args: any[]) => Q }>(q: Q) =>
        q.where('department_code', '=', record.departmentCode).where('local_id', '=', record.localId);
      const review = await where(tx.selectFrom('identity_kind_reviews').select('status')).executeTakeFirst();
      if (!review) throw badUserInput('that record holds no identifier awaiting a kind review', { argument: 'record' });
      const applicantId = await applicantOf(tx, record.departmentCode, record.localId);
      const action = await recordAction(tx, 'CLASSIFY', steward, reason, [applicantId], [{ department: record.departmentCode, localId: record.localId }]);
      await where(tx.updateTable('identity_kind_reviews').set({ status: kind, action_id: action })).execute();
      await reclassifyApplicants(tx, [applicantId]);
      return applicantId;
    });
  }

  /** Confirms a review candidate: the two records' applicants become one. */
  async confirm(candidateId: number, steward: string, reason: string): Promise<string> {
    const candidate = await this.#openCandidate(candidateId);
    const [a, b] = await Promise.all([
      applicantOf(this.db, candidate.a_department, candidate.a_local_id),
      applicantOf(this.db, candidate.b_department, candidate.b_local_id),
    ]);
    const survivor = a < b ? a : b;
    const result = a === b ? a : await this.merge(survivor, survivor === a ? b : a, steward, reason);
    await this.db.updateTable('identity_review_candidates').set({ status: 'CONFIRMED' }).where('id', '=', candidateId).execute();
    return result;
  }

  /** Rejects a review candidate: the two records are different applicants, now and after every sync. */
  async reject(candidateId: number, steward: string, reason: string): Promise<void> {
    const candidate = await this.#openCandidate(candidateId);
    await this.db.transaction().execute(async (tx) => {
      const action = await candidateAction(tx, candidate, 'REJECT', steward, reason);
      await tx
        .insertInto('identity_separations')
        .values({
          a_department: candidate.a_department,
          a_local_id: candidate.a_local_id,
          b_department: candidate.b_department,
          b_local_id: candidate.b_local_id,
          action_id: action,
          // The clusters as the steward saw them: the pair comes back only with new evidence.
          clusters_signature: candidate.clusters_signature,
        })
        // Kept apart before and proposed again on new evidence: this decision is the one to honour.
        .onConflict((oc) =>
          oc
            .columns(['a_department', 'a_local_id', 'b_department', 'b_local_id'])
            .doUpdateSet((eb) => ({ action_id: eb.ref('excluded.action_id'), clusters_signature: eb.ref('excluded.clusters_signature') })),
        )
        .execute();
      await tx.updateTable('identity_review_candidates').set({ status: 'REJECTED' }).where('id', '=', candidateId).execute();
    });
  }

  /**
   * Puts a review candidate off: it stays open, behind every candidate not put off (its priority drops
   * by `DEFER_PENALTY`), until a sync finds new evidence and proposes it afresh.
   *
   * @example
   * await stewardship.defer(42, 'demo-steward', '待户籍核实');
   */
  async defer(candidateId: number, steward: string, reason: string): Promise<void> {
    const candidate = await this.#openCandidate(candidateId);
    await this.db.transaction().execute(async (tx) => {
      await candidateAction(tx, candidate, 'DEFER', steward, reason);
      await tx
        .updateTable('identity_review_candidates')
        .set({ priority: sql<number>`coalesce(priority, score) - ${DEFER_PENALTY}` })
        .where('id', '=', candidateId)
        .execute();
    });
  }

  async #openCandidate(id: number) {
    const candidate = await this.db.selectFrom('identity_review_candidates').selectAll().where('id', '=', id).executeTakeFirst();
    if (!candidate) throw badUserInput('no such review candidate', { argument: 'id' });
    if (candidate.status !== 'OPEN') throw badUserInput(`the candidate is already ${candidate.status.toLowerCase()}`, { argument: 'id' });
    return candidate;
  }
}

async function live(db: Db, id: string) {
  const row = await db.selectFrom('applicants').select(['id', 'kind', 'merged_into']).where('id', '=', id).executeTakeFirst();
  if (!row) throw badUserInput(`no applicant ${id}`);
  if (row.merged_into) throw badUserInput('that applicant was merged into another; use the survivor');
  return row;
}

async function applicantOf(db: Db, department: string, localId: string): Promise<string> {
  const row = await db
    .selectFrom('applicant_records')
    .select('applicant_id')
    .where('department_code', '=', department)
    .where('local_id', '=', localId)
    .executeTakeFirst();
  if (!row) throw badUserInput('the record is no longer in the crosswalk');
  return row.applicant_id;
}

async function recordsOf(db: Db, applicantIds: string[]) {
  const rows = await db.selectFrom('applicant_records').select(['department_code', 'local_id']).where('applicant_id', 'in', applicantIds).execute();
  return rows.map((r) => ({ department: r.department_code, localId: r.local_id }));
}

/** Records a steward's decision on a review candidate, naming its two records and their applicants now. */
async function candidateAction(
  db: Db,
  candidate: { a_department: string; a_local_id: string; b_department: string; b_local_id: string },
  action: string,
  steward: string,
  reason: string,
): Promise<number> {
  const records = [
    { department: candidate.a_department, localId: candidate.a_local_id },
    { department: candidate.b_department, localId: candidate.b_local_id },
  ];
  const applicants = await Promise.all(records.map((r) => applicantOf(db, r.department, r.localId)));
  return recordAction(db, action, steward, reason, [...new Set(applicants)], records);
}

async function recordAction(
  db: Db,
  action: string,
  steward: string,
  reason: string,
  applicantIds: string[],
  records: Array<{ department: string; localId: string }>,
): Promise<number> {
  if (!reason.trim()) throw badUserInput('a reason is required', { argument: 'reason' });
  const row = await db
    .insertInto('identity_actions')
    .values({ action, steward, reason: reason.trim(), applicant_ids: JSON.stringify(applicantIds), records: JSON.stringify(records) })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

async function pin(db: Db, records: Array<{ department: string; localId: string }>, applicantId: string, actionId: number) {
  if (records.length === 0) return;
  await db
    .insertInto('identity_pins')
    .values(records.map((r) => ({ department_code: r.department, local_id: r.localId, applicant_id: applicantId, action_id: actionId })))
    .onConflict((oc) =>
      oc
        .columns(['department_code', 'local_id'])
        .doUpdateSet((eb) => ({ applicant_id: eb.ref('excluded.applicant_id'), action_id: eb.ref('excluded.action_id') })),
    )
    .execute();
}

/** An applicant's identifiers are its records' identifiers: rebuilt after records move. */
async function rebuildIdentifiers(db: Db, applicantIds: string[]) {
  await db.deleteFrom('applicant_identifiers').where('applicant_id', 'in', applicantIds).execute();
  const rows = await db.selectFrom('applicant_records').select(['applicant_id', 'identifiers']).where('applicant_id', 'in', applicantIds).execute();
  const values = rows.flatMap((r) => r.identifiers.map((i) => ({ type: i.type, value: i.value, applicant_id: r.applicant_id })));
  if (values.length)
    await db
      .insertInto('applicant_identifiers')
      .values(values)
      .onConflict((oc) => oc.doNothing())
      .execute();
}
