import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc, mulberry32, orgCodeOfUscc, formatOrgCodeLegacy, toResidentId15 } from '../../src/schema/identifiers/index.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { saveClusters } from '../../src/subgraphs/identity/crosswalk-store.js';
import type { SourcedRecord } from '../../src/subgraphs/identity/applicant-cluster.js';
import { resolveRecords } from '../../src/subgraphs/identity/sync.js';
import { backends } from '../support/databases.js';

const rng = mulberry32(7);
const uscc = generateUscc(rng);
const otherUscc = generateUscc(rng);
let personId = generateResidentId(rng, { birthYearRange: [1960, 1990] });
while (!toResidentId15(personId)) personId = generateResidentId(rng, { birthYearRange: [1960, 1990] });

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
      const clusters = await link([record('market', 'a', a), record('housing', 'b', b), record('health', 'p', personId, 'PERSON'), record('market', 'o', a, 'ORGANIZATION')]);
      const withA = clusters.find((c) => c.records.some((r) => r.localId === 'a'))!;
      expect(withA.records.map((r) => r.localId).sort()).toEqual(['a', 'o']);
      expect(clusters.find((c) => c.records.some((r) => r.localId === 'p'))!.kind).toBe('PERSON');
    });
  });
}
