import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { generateEvaluationSet } from '../../src/identity-resolution/index.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { makeCluster, toLinkedRecord, type SourcedRecord } from '../../src/subgraphs/identity/applicant-cluster.js';
import { saveClusters } from '../../src/subgraphs/identity/crosswalk-store.js';
import { asDepartmentRecords, sourcesOf } from '../../src/subgraphs/identity/evaluation-sources.js';
import { forgetSyncState, syncIdentity } from '../../src/subgraphs/identity/sync.js';
import { backends } from '../support/databases.js';

const record = (department: string, localId: string): SourcedRecord => ({
  department,
  localId,
  name: `name ${localId}`,
  kind: null,
  identifiers: [],
  phone: null,
  address: null,
});
const cluster = (...records: SourcedRecord[]) => makeCluster(records.map((r) => toLinkedRecord(r)));

// "ON CONFLICT DO UPDATE command cannot affect row a second time": PostgreSQL refuses one INSERT … ON
// CONFLICT that names the same key twice, so every batch a save writes must hold each key once.
for (const backend of backends) {
  describe(`an identity sync that repeats itself on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    beforeEach(async () => {
      database = await backend.open<HubDatabase>();
      await migrateToLatest(database.db);
    });
    afterEach(async () => {
      forgetSyncState(database.db);
      await database.close();
    });
    const idsOf = async () =>
      new Map(
        (await database.db.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id']).execute()).map((r) => [
          `${r.department_code}:${r.local_id}`,
          r.applicant_id,
        ]),
      );

    it('splits an applicant whose later part comes first without giving two clusters one id', async () => {
      const a = record('market', 'A');
      const b = record('market', 'B');
      await saveClusters(database.db, [cluster(a, b)]);
      const before = (await idsOf()).get('market:A')!;
      // B keeps the old id (it held it and comes first); A, whose record named that id, needs another.
      await saveClusters(database.db, [cluster(b), cluster(a)]);
      const after = await idsOf();
      expect(after.get('market:B')).toBe(before);
      expect(after.get('market:A')).not.toBe(before);
      const applicants = await database.db.selectFrom('applicants').select('id').where('merged_into', 'is', null).execute();
      expect(applicants.map((r) => r.id).sort()).toEqual([after.get('market:A'), after.get('market:B')].sort());
    });

    it('saves a batch that holds the same record twice once', async () => {
      const a = record('market', 'A');
      await saveClusters(database.db, [cluster(a, { ...a, name: 'renamed' }), cluster(record('housing', 'H'))]);
      const rows = await database.db.selectFrom('applicant_records').select(['local_id', 'name']).where('local_id', '=', 'A').execute();
      expect(rows).toEqual([{ local_id: 'A', name: 'renamed' }]);
    });

    it('syncs a department re-seeded with other people under the same local ids', async () => {
      const first = asDepartmentRecords(generateEvaluationSet({ seed: 1, entities: 150 }).records);
      const reseeded = asDepartmentRecords(generateEvaluationSet({ seed: 2, entities: 300 }).records);
      expect(reseeded.filter((r) => first.some((f) => f.department === r.department && f.localId === r.localId)).length).toBeGreaterThan(50);
      await syncIdentity(database.db, sourcesOf(first));
      const report = await syncIdentity(database.db, sourcesOf(reseeded));
      expect(report.failed).toEqual([]);
      // The same export again changes nothing and writes nothing.
      const again = await syncIdentity(database.db, sourcesOf(reseeded));
      expect(again.written).toEqual({ applicants: 0, records: 0, identifiers: 0 });
      expect((await idsOf()).size).toBe(new Set(reseeded.map((r) => `${r.department}:${r.localId}`)).size);
    });
  });
}
