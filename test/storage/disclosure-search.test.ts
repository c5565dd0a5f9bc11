import { execute, parse, type ExecutionResult } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { importCatalogue } from '../../src/subgraphs/catalogue/catalogue-import.js';
import { wordCountsOfItems } from '../../src/subgraphs/catalogue/full-text.js';
import { createCatalogueSubgraph } from '../../src/subgraphs/catalogue/catalogue-subgraph.js';
import { backends } from '../support/databases.js';

// Items made for these tests: which one a search must find is stated by its words, not by chance.
const ITEMS = [
  { id: 'd1', title: '关于城乡规划许可事项的公告', body: '依据城乡规划法，现将建设工程规划许可结果公示如下。', at: '2026-01-10T09:00:00+08:00' },
  { id: 'd2', title: '年度工作总结', body: '本年度完成了道路养护、城市规划修编等工作。', at: '2026-03-01T09:00:00+08:00' },
  { id: 'd3', title: '食品经营许可办理指南', body: '申请人可在政务服务中心窗口办理食品经营许可。', at: '2026-02-01T09:00:00+08:00' },
  { id: 'd4', title: '规划', body: '规划', at: '2025-12-01T09:00:00+08:00' },
  { id: 'd5', title: 'Guangzhou Open Data 公告', body: 'ＡＢＣ full-width letters and 2026 numbers', at: '2026-04-01T09:00:00+08:00' },
];

const LIST = `query ($search: String, $orderBy: DisclosureOrder, $first: Int, $after: String) {
  disclosureItems(filter: { search: $search }, orderBy: $orderBy, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor }
    nodes { id highlight { title { text matched } snippet { text matched } } }
  }
}`;

for (const backend of backends) {
  describe(`disclosure full-text search on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    let run: (variables: Record<string, unknown>) => Promise<ExecutionResult<any>>;

    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      const db = database.db;
      await migrateToLatest(db);
      await db.insertInto('departments').values({ code: 'plan', name: '规划局', adapter_kind: 'test', connection: '{}', url: null }).execute();
      await importCatalogue(db, {
        serviceItems: [],
        disclosureItems: ITEMS.slice(0, 4).map((i) => ({
          id: i.id,
          title: i.title,
          body: i.body,
          category: '公告',
          publisherCode: 'plan',
          publishedAt: i.at,
          mode: 'PROACTIVE' as const,
        })),
      });
      // An item stored without its words, as rows from before the index existed are: indexed before the first search.
      const d5 = ITEMS[4]!;
      await db
        .insertInto('disclosure_items')
        .values({
          id: d5.id,
          title: d5.title,
          body: d5.body,
          category: '公告',
          publisher_code: 'plan',
          published_at: d5.at,
          mode: 'PROACTIVE',
          title_tokens: null,
          body_tokens: null,
        })
        .execute();
      const { schema } = createCatalogueSubgraph(db);
      run = async (variables) => (await execute({ schema, document: parse(LIST), variableValues: variables, contextValue: {} })) as ExecutionResult<any>;
    });
    afterAll(async () => database?.close());

    const ids = (r: ExecutionResult<any>) => r.data?.disclosureItems.nodes.map((n: { id: string }) => Buffer.from(n.id, 'base64url').toString().split(':')[1]);

    it('finds a two-character word inside longer words, newest first, with an exact total', async () => {
      const r = await run({ search: '规划' });
      expect(r.errors).toBeUndefined();
      expect(ids(r)).toEqual(['d2', 'd1', 'd4']);
      expect(r.data.disclosureItems.totalCount).toBe(3);
    });

    it('requires every word of the term, and finds one character inside words', async () => {
      expect(ids(await run({ search: '规划 许可' }))).toEqual(['d1']);
      expect(ids(await run({ search: '食品经营许可' }))).toEqual(['d3']);
      expect(ids(await run({ search: '养' }))).toEqual(['d2']);
      expect(ids(await run({ search: '医疗' }))).toEqual([]);
    });

    it('folds case and full-width forms, and indexes rows stored before the index', async () => {
      expect(ids(await run({ search: 'guangzhou' }))).toEqual(['d5']);
      expect(ids(await run({ search: 'abc' }))).toEqual(['d5']);
    });

    it('treats query syntax and punctuation as text: no error, and nothing searchable finds nothing', async () => {
      for (const search of ["规划 & !'", ':*', '(((', "' or 1=1 --"]) {
        const r = await run({ search });
        expect(r.errors, search).toBeUndefined();
      }
      const none = await run({ search: '！？…' });
      expect(none.data.disclosureItems).toMatchObject({ totalCount: 0, nodes: [] });
    });

    it('orders by relevance on request (title words weigh most) and pages through that order with its own cursors', async () => {
      const all = ids(await run({ search: '规划', orderBy: 'RELEVANCE' }));
      expect(all.slice().sort()).toEqual(['d1', 'd2', 'd4']);
      expect(all.at(-1)).toBe('d2'); // the only one without 规划 in its title
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const r: ExecutionResult<any> = await run({ search: '规划', orderBy: 'RELEVANCE', first: 1, after });
        expect(r.errors).toBeUndefined();
        seen.push(...ids(r));
        after = r.data.disclosureItems.pageInfo.hasNextPage ? r.data.disclosureItems.pageInfo.endCursor : null;
      } while (after);
      expect(seen).toEqual(all);
    });

    it('refuses a cursor of the other order or a forged one as BAD_USER_INPUT', async () => {
      const newest = await run({ search: '规划', first: 1 });
      const cursor = newest.data.disclosureItems.pageInfo.endCursor;
      const crossed = await run({ search: '规划', orderBy: 'RELEVANCE', first: 1, after: cursor });
      expect(crossed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      const forged = Buffer.from(JSON.stringify({ k: 'disclosureItemsByRelevance', p: { s: 'x', t: '2026-01-01T00:00:00Z', id: 'd1' } })).toString('base64url');
      expect((await run({ search: '规划', orderBy: 'RELEVANCE', after: forged })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('marks the searched words in the title and a body snippet, and gives no highlight when not searching', async () => {
      const r = await run({ search: '规划许可' });
      const d1 = r.data.disclosureItems.nodes[0];
      expect(d1.highlight.title.filter((s: { matched: boolean }) => s.matched).map((s: { text: string }) => s.text)).toEqual(['规划许可']);
      expect(d1.highlight.title.map((s: { text: string }) => s.text).join('')).toBe(ITEMS[0]!.title);
      expect(d1.highlight.snippet.some((s: { matched: boolean }) => s.matched)).toBe(true);
      const plain = await run({ first: 1 });
      expect(plain.data.disclosureItems.nodes[0].highlight).toBeNull();
    });

    // Last: it changes the items.
    it('keeps one-word totals exact through re-imports, concurrent imports, deletes and a truncate', async () => {
      const db = database.db;
      const item = (id: string, title: string, body: string) => ({
        id,
        title,
        body,
        category: '公告',
        publisherCode: 'plan',
        publishedAt: '2026-05-01T09:00:00+08:00',
        mode: 'PROACTIVE' as const,
      });
      /** The kept counts, and what a count over the items says. */
      const kept = async () => {
        const rows = await db.selectFrom('disclosure_word_counts').select(['word', 'n']).where('n', '>', 0).orderBy('word').execute();
        return Object.fromEntries(rows.map((r) => [r.word, Number(r.n)]));
      };
      const counted = async () => {
        const rows = await sql<{ word: string; n: string }>`${wordCountsOfItems} order by w`.execute(db);
        return Object.fromEntries(rows.rows.map((r) => [r.word, Number(r.n)]));
      };
      const total = async (search: string) => (await run({ search })).data.disclosureItems.totalCount;
      expect(await kept()).toEqual(await counted());
      expect(await total('规划')).toBe(3);

      // d1 imported again without 规划 (an update), and two imports at once sharing words.
      await importCatalogue(db, { serviceItems: [], disclosureItems: [item('d1', '关于食品经营许可事项的公告', '现将许可结果公示如下。')] });
      await Promise.all([
        importCatalogue(db, { serviceItems: [], disclosureItems: [item('d6', '规划公告', '城乡规划')] }),
        importCatalogue(db, { serviceItems: [], disclosureItems: [item('d7', '规划通知', '规划许可')] }),
      ]);
      expect(await kept()).toEqual(await counted());
      expect(await total('规划')).toBe(4); // d2, d4, d6, d7
      expect(await total('许可')).toBe(3); // d1, d3, d7

      await db.deleteFrom('disclosure_items').where('id', 'in', ['d2', 'd6']).execute();
      expect(await kept()).toEqual(await counted());
      expect(await total('规划')).toBe(2);
      // Several words, or another filter: counted over the matches, and the same answer.
      expect(await total('规划 许可')).toBe(1);

      await sql`truncate disclosure_items`.execute(db);
      expect(await kept()).toEqual({});
      expect(await total('规划')).toBe(0);
    });
  });
}
