import { execute, parse } from 'graphql';
import type { Kysely, KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CentralDatabase, createCentralIndexes, createCentralTables } from '../../bench/central/central-database.js';
import { createCentralSchema } from '../../bench/central/schema.js';
import { encodeGlobalId } from '../../src/schema/index.js';
import { type Database, openDatabase } from '../../src/storage/index.js';

// The central copy's schema (bench/central/) over a handful of rows: the list order every target shares
// (applied-at descending with missing dates last, then department, then local id by code point), keyset
// pages that neither skip nor repeat, exact totals, and one query per level for Applicant.permits.

const permit = (department_code: string, local_id: string, applied: string | null, applicant_id: string | null, status = 'APPROVED') => ({
  department_code,
  local_id,
  applicant_id,
  applicant_local_id: applicant_id,
  service_item_code: null,
  title: `${department_code} ${local_id}`,
  status,
  raw_status: null,
  applied_at: applied === null ? null : new Date(applied),
  decided_at: null,
  valid_until: null,
  statutory_days: null,
  committed_days: null,
  actual_days: null,
});

// Expected order: the tie at 2023-01-02 10:00 by department then local id (M10 < M2 by code point), missing dates last.
const ROWS = [
  permit('market', 'M2', '2023-01-02T10:00:00+08:00', 'a2', 'REJECTED'),
  permit('market', 'M3', null, null),
  permit('housing', 'H1', '2023-01-02T10:00:00+08:00', 'a1'),
  permit('market', 'M10', '2023-01-02T10:00:00+08:00', 'a1'),
  permit('housing', 'H2', null, 'a1'),
  permit('market', 'M1', '2023-01-01T09:00:00+08:00', 'a2'),
];
const ORDER = ['housing:H1', 'market:M10', 'market:M2', 'market:M1', 'housing:H2', 'market:M3'];

describe('central copy schema', () => {
  let database: Database<CentralDatabase>;
  let counted: Kysely<CentralDatabase>;
  const statements: string[] = [];
  const run = async (query: string, variables: Record<string, unknown> = {}) => {
    const result = await execute({
      schema: createCentralSchema(counted, ['housing', 'market']),
      document: parse(query),
      variableValues: variables,
      contextValue: {},
    });
    expect(result.errors).toBeUndefined();
    return result.data as any;
  };

  beforeAll(async () => {
    database = await openDatabase<CentralDatabase>({ memory: true });
    const db = database.db;
    await createCentralTables(db);
    await db
      .insertInto('departments')
      .values([
        { code: 'housing', name: 'Housing', last_synced_at: null, serves_permits: true },
        { code: 'market', name: 'Market', last_synced_at: null, serves_permits: true },
      ])
      .execute();
    await db
      .insertInto('applicants')
      .values([
        { id: 'a1', kind: 'ORGANIZATION', name: 'One', merged_into: null },
        { id: 'a2', kind: 'ORGANIZATION', name: 'Two', merged_into: null },
      ])
      .execute();
    await db.insertInto('permits').values(ROWS).execute();
    await createCentralIndexes(db);
    const counter: KyselyPlugin = {
      transformQuery(args) {
        statements.push(JSON.stringify(args.node));
        return args.node;
      },
      transformResult: async (args) => args.result,
    };
    counted = db.withPlugin(counter);
  });
  afterAll(async () => {
    await database?.close();
  });

  it('pages through every permit in the shared order, each once, with the exact total', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const data: any = await run(
        'query ($after: String) { permits(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id } } }',
        {
          after,
        },
      );
      expect(data.permits.totalCount).toBe(6);
      seen.push(...data.permits.nodes.map((n: { id: string }) => n.id));
      if (!data.permits.pageInfo.hasNextPage) break;
      after = data.permits.pageInfo.endCursor;
    }
    expect(seen).toEqual(ORDER.map((key) => encodeGlobalId('Permit', key)));
  });

  it('filters by status and application time (a permit without a date is outside any bound), counting what matches', async () => {
    const data = await run(`{ permits(first: 10, filter: { statuses: [APPROVED], appliedTo: "2023-01-02T00:00:00+08:00" }) { totalCount nodes { id } } }`);
    expect(data.permits).toEqual({ totalCount: 1, nodes: [{ id: encodeGlobalId('Permit', 'market:M1') }] });
  });

  it("answers every listed applicant's permits with one query for the level", async () => {
    statements.length = 0;
    const data = await run('{ permits(first: 10) { nodes { id applicant { name permits(first: 1) { totalCount nodes { id } } } } } }');
    const nested = data.permits.nodes.map((n: any) => n.applicant && [n.applicant.name, n.applicant.permits.totalCount, n.applicant.permits.nodes[0].id]);
    const first = (key: string) => encodeGlobalId('Permit', key);
    expect(nested).toEqual([
      ['One', 3, first('housing:H1')],
      ['One', 3, first('housing:H1')],
      ['Two', 2, first('market:M2')],
      ['Two', 2, first('market:M2')],
      ['One', 3, first('housing:H1')],
      null,
    ]);
    expect(statements.filter((s) => s.includes('row_number'))).toHaveLength(1);
  });
});
