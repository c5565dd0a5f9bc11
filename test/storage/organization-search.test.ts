import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { OrganizationSearch } from '../../src/subgraphs/identity/organization-search.js';
import { backends } from '../support/databases.js';

/** The search index follows the crosswalk: a re-sync, re-classification or merge shows in the next search. */
for (const backend of backends) {
  describe(`organisation search index on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    let search: OrganizationSearch;
    const names = (found: Array<{ name: string }>) => found.map((o) => o.name);

    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      await migrateToLatest(database.db);
      await database.db
        .insertInto('applicants')
        .values([
          { id: 'ap_org_1', kind: 'ORGANIZATION', name: '广州市海珠区长江贸易有限公司' },
          { id: 'ap_org_2', kind: 'ORGANIZATION', name: '广州黄河物流有限公司' },
          { id: 'ap_person', kind: 'PERSON', name: '长江' },
        ])
        .execute();
      search = new OrganizationSearch(database.db);
    });
    afterAll(() => database?.close());

    it('finds by name part, traditional characters, pinyin and initials, best match first, never a person', async () => {
      expect(names(await search.find('长江', 10))).toEqual(['广州市海珠区长江贸易有限公司']);
      expect(names(await search.find('長江貿易', 10))).toEqual(['广州市海珠区长江贸易有限公司']);
      expect(names(await search.find('huanghe', 10))).toEqual(['广州黄河物流有限公司']);
      expect(names(await search.find('HHWL', 10))).toEqual(['广州黄河物流有限公司']);
      expect(names(await search.find('有限公司', 10))).toEqual(['广州黄河物流有限公司', '广州市海珠区长江贸易有限公司']);
      expect(await search.find('有限公司', 0)).toEqual([]);
    });

    it('sees a renamed, re-classified or merged applicant in the next search', async () => {
      const later = new Date(Date.now() + 60_000);
      await database.db.updateTable('applicants').set({ name: '广州黄河国际物流有限公司', updated_at: later }).where('id', '=', 'ap_org_2').execute();
      expect(names(await search.find('国际', 10))).toEqual(['广州黄河国际物流有限公司']);
      await database.db
        .updateTable('applicants')
        .set({ kind: 'PERSON', updated_at: new Date(later.getTime() + 1000) })
        .where('id', '=', 'ap_org_2')
        .execute();
      expect(await search.find('国际', 10)).toEqual([]);
      await database.db
        .updateTable('applicants')
        .set({ merged_into: 'ap_org_2', updated_at: new Date(later.getTime() + 2000) })
        .where('id', '=', 'ap_org_1')
        .execute();
      expect(await search.find('长江', 10)).toEqual([]);
    });
  });
}
