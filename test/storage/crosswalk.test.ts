import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc, mulberry32, orgCodeOfUscc, formatOrgCodeLegacy, toResidentId15 } from '../../src/schema/identifiers/index.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { saveClusters } from '../../src/subgraphs/identity/crosswalk-store.js';
import type { SourcedRecord } from '../../src/subgraphs/identity/applicant-cluster.js';
import { asDepartmentRecords, sourcesOf } from '../../src/subgraphs/identity/evaluation-sources.js';
import { generateEvaluationSet } from '../../src/identity-resolution/index.js';
import { resolveRecords, syncIdentity } from '../../src/subgraphs/identity/sync.js';
import { backends } from '../support/databases.js';

const rng = mulberry32(7);
const uscc = generateUscc(rng);
const otherUscc = generateUscc(rng);
let personId = generateResidentId(rng, { birthYearRange: [1960, 1990] });
while (!toResidentId15(personId)) personId = generateResidentId(rng, { birthYearRange: [1960, 1990] });

/** The evaluation generator's records (generated numbers only) as departments would send them. */
const departmentRecords = (seed: number, entities: number) => asDepartmentRecords(generateEvaluationSet({ seed, entities }).records);

const record = (department: string, localId: string, value: string | null, kind: SourcedRecord['kind'] = null): SourcedRecord => ({
  department,
  localId,
  name: `name ${localId}`,
  kind,
  identifiers: value ? [{ value, claimedType: null }] : [],
  phone: null,
  address: null,
});

for (const backend of backends) {
  describe(`identity crosswalk on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      await migrateToLatest(database.db);
    });
    afterAll(() => database.close());
    const link = async (records: SourcedRecord[]) => (await resolveRecords(database.db, records)).clusters;

    it('links every legacy form of one identifier and keeps ids stable across re-syncs', async () => {
      const records = [
        record('market', '1', uscc, 'ORGANIZATION'),
        record('housing', 'U1', formatOrgCodeLegacy(orgCodeOfUscc(uscc))),
        record('health', 'H1', ` ${uscc.toLowerCase().slice(0, 6)}-${uscc.toLowerCase().slice(6)} `),
        record('market', '2', personId, 'PERSON'),
        record('health', 'H2', toResidentId15(personId)!),
        record('housing', 'U2', otherUscc),
        record('health', 'H3', null),
      ];
      await saveClusters(database.db, await link(records));
      const first = await database.db.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute();
      const idOf = (d: string, l: string) => first.find((r) => r.department_code === d && r.local_id === l)!.applicant_id;
      expect(idOf('housing', 'U1')).toBe(idOf('market', '1'));
      expect(idOf('health', 'H1')).toBe(idOf('market', '1'));
      expect(idOf('health', 'H2')).toBe(idOf('market', '2'));
      expect(idOf('housing', 'U2')).not.toBe(idOf('market', '1'));
      expect(idOf('health', 'H3')).not.toBe(idOf('market', '1'));

      await saveClusters(database.db, await link([...records].reverse()));
      const second = await database.db.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute();
      for (const row of second) expect(row.applicant_id).toBe(idOf(row.department_code, row.local_id));
    });

    it('redirects an applicant merged into another when a later sync links them', async () => {
      const lone = [record('market', '10', null), record('housing', 'U10', null)];
      await saveClusters(database.db, await link(lone));
      const before = await database.db.selectFrom('applicant_records').select(['local_id', 'applicant_id']).where('local_id', 'in', ['10', 'U10']).execute();
      expect(new Set(before.map((r) => r.applicant_id)).size).toBe(2);

      // The next export of both systems carries the same valid USCC.
      const shared = generateUscc(rng);
      await saveClusters(database.db, await link([record('market', '10', shared), record('housing', 'U10', shared)]));
      const after = await database.db.selectFrom('applicant_records').select(['local_id', 'applicant_id']).where('local_id', 'in', ['10', 'U10']).execute();
      expect(new Set(after.map((r) => r.applicant_id)).size).toBe(1);
      const survivor = after[0]!.applicant_id;
      const merged = before.map((r) => r.applicant_id).find((id) => id !== survivor)!;
      const row = await database.db.selectFrom('applicants').select(['merged_into']).where('id', '=', merged).executeTakeFirstOrThrow();
      expect(row.merged_into).toBe(survivor);
    });

    it('never links two different valid USCCs, nor a person with an organisation', async () => {
      const a = generateUscc(rng);
      const b = generateUscc(rng);
      const clusters = await link([
        record('market', 'a', a),
        record('housing', 'b', b),
        record('health', 'p', personId, 'PERSON'),
        record('market', 'o', a, 'ORGANIZATION'),
      ]);
      const withA = clusters.find((c) => c.records.some((r) => r.localId === 'a'))!;
      expect(withA.records.map((r) => r.localId).sort()).toEqual(['a', 'o']);
      expect(clusters.find((c) => c.records.some((r) => r.localId === 'p'))!.kind).toBe('PERSON');
    });

    it('resolves a later sync incrementally, giving the clusters and review queue a full run gives, with stable ids', async () => {
      const all = departmentRecords(42, 800);
      const cut = Math.floor(all.length * 0.7);
      const first = all.slice(0, cut);
      // The next exports: the rest added, some records changed, some dropped by their department.
      const dropped = new Set(first.slice(0, 25).map((r) => `${r.department}:${r.localId}`));
      const second = [
        ...first
          .filter((r) => !dropped.has(`${r.department}:${r.localId}`))
          .map((r, i) => (i % 97 === 0 ? { ...r, phone: null } : i % 89 === 0 ? { ...r, address: `${r.address ?? ''}2号` } : r)),
        ...all.slice(cut),
      ];
      const firstByKey = new Map(first.map((r) => [`${r.department}:${r.localId}`, r]));
      const changed = second.filter((r) => {
        const f = firstByKey.get(`${r.department}:${r.localId}`);
        return f !== undefined && (f.phone !== r.phone || f.address !== r.address);
      }).length;
      expect(changed).toBeGreaterThan(10);

      const incremental = await backend.open<HubDatabase>();
      const full = await backend.open<HubDatabase>();
      try {
        await migrateToLatest(incremental.db);
        await migrateToLatest(full.db);
        const one = await syncIdentity(incremental.db, sourcesOf(first));
        expect(one.resolution.mode).toBe('full');
        const before = await incremental.db.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute();
        const two = await syncIdentity(incremental.db, sourcesOf(second));
        expect(two.resolution).toEqual({ mode: 'incremental', changed: changed + (all.length - cut), removed: dropped.size });
        const reference = await syncIdentity(full.db, sourcesOf(second));
        expect(reference.resolution.mode).toBe('full');

        const partition = async (db: typeof full.db) => {
          const rows = await db.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute();
          const groups = new Map<string, string[]>();
          for (const r of rows) groups.set(r.applicant_id, [...(groups.get(r.applicant_id) ?? []), `${r.department_code}:${r.local_id}`]);
          return [...groups.values()].map((g) => g.sort().join('|')).sort();
        };
        const queue = async (db: typeof full.db) =>
          (
            await db
              .selectFrom('identity_review_candidates')
              .select(['a_department', 'a_local_id', 'b_department', 'b_local_id'])
              .where('status', '=', 'OPEN')
              .execute()
          )
            .map((c) => `${c.a_department}:${c.a_local_id}~${c.b_department}:${c.b_local_id}`)
            .sort();
        const got = await partition(incremental.db);
        expect(got.length).toBeGreaterThan(600);
        expect(got).toEqual(await partition(full.db));
        expect(await queue(incremental.db)).toEqual(await queue(full.db));
        // The identifier index follows the records: each value is held by the applicant of the same records.
        const identifierOwners = async (db: typeof full.db) => {
          const records = new Map<string, string[]>();
          for (const r of await db.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute()) {
            records.set(r.applicant_id, [...(records.get(r.applicant_id) ?? []), `${r.department_code}:${r.local_id}`]);
          }
          const rows = await db.selectFrom('applicant_identifiers').select(['type', 'value', 'applicant_id']).execute();
          return rows.map((i) => `${i.type}:${i.value}→${(records.get(i.applicant_id) ?? []).sort().join('|')}`).sort();
        };
        const owners = await identifierOwners(incremental.db);
        expect(owners.length).toBeGreaterThan(600);
        expect(owners).toEqual(await identifierOwners(full.db));
        // Only what changed was written; a sync of the same exports again writes nothing.
        expect(two.written.records).toBeLessThan(one.written.records / 2);
        const three = await syncIdentity(incremental.db, sourcesOf(second));
        expect(three.resolution).toEqual({ mode: 'incremental', changed: 0, removed: 0 });
        expect(three.written).toEqual({ applicants: 0, records: 0, identifiers: 0 });
        expect(await partition(incremental.db)).toEqual(got);

        // Ids stay stable: most records keep their id; an earlier id is never lost (it is still held,
        // or redirects to the applicant that took its records).
        const now = new Map(
          (await incremental.db.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute()).map((r) => [
            `${r.department_code}:${r.local_id}`,
            r.applicant_id,
          ]),
        );
        const held = new Set(now.values());
        const redirect = new Map((await incremental.db.selectFrom('applicants').select(['id', 'merged_into']).execute()).map((a) => [a.id, a.merged_into]));
        let kept = 0;
        for (const r of before) {
          const id = now.get(`${r.department_code}:${r.local_id}`);
          if (id === undefined) continue; // dropped by its department
          if (id === r.applicant_id) kept++;
          expect(held.has(r.applicant_id) || held.has(redirect.get(r.applicant_id) ?? '')).toBe(true);
        }
        expect(kept).toBeGreaterThan(before.length * 0.95);

        // Phone and address are kept raw, as the department sent them.
        const sent = second.find((r) => r.phone !== null && r.address !== null)!;
        const stored = await incremental.db
          .selectFrom('applicant_records')
          .select(['phone', 'address'])
          .where('department_code', '=', sent.department)
          .where('local_id', '=', sent.localId)
          .executeTakeFirstOrThrow();
        expect(stored).toEqual({ phone: sent.phone, address: sent.address });
      } finally {
        await incremental.close();
        await full.close();
      }
    });

    it('keeps the records of a department that cannot be read, unchanged, in a later incremental sync', async () => {
      const records = departmentRecords(43, 300);
      const db = await backend.open<HubDatabase>();
      try {
        await migrateToLatest(db.db);
        const crosswalk = async () =>
          (await db.db.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute())
            .map((r) => `${r.department_code}:${r.local_id}→${r.applicant_id}`)
            .sort();
        await syncIdentity(db.db, sourcesOf(records));
        const before = await crosswalk();
        const sources = sourcesOf(records);
        const down = sources[1]!.department;
        sources[1] = {
          department: down,
          async *pages() {
            throw new Error('connection refused');
          },
        };
        const report = await syncIdentity(db.db, sources);
        expect(report.failed.map((f) => f.department)).toEqual([down]);
        expect(report.resolution).toEqual({ mode: 'incremental', changed: 0, removed: 0 });
        expect(report.written).toEqual({ applicants: 0, records: 0, identifiers: 0 });
        expect(await crosswalk()).toEqual(before);
        // Back again, unchanged: still nothing to resolve.
        expect((await syncIdentity(db.db, sourcesOf(records))).resolution).toEqual({ mode: 'incremental', changed: 0, removed: 0 });
      } finally {
        await db.close();
      }
    });
  });
}
