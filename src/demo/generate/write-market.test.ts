import { PGlite } from '@electric-sql/pglite';
import {
  CompiledQuery,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  sql,
  type DatabaseConnection,
  type Dialect,
  type Driver,
  type QueryResult,
} from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDistrict } from './generate-demo-district.js';
import { writeMarket, type MarketWriteProgress } from './write-market.js';

// A minimal PGlite dialect for this test only (the real one lives in src/storage/): one connection,
// PGlite serialises queries itself.
function pgliteDialect(pg: PGlite): Dialect {
  const connection: DatabaseConnection = {
    async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
      const res = await pg.query<R>(compiled.sql, [...compiled.parameters]);
      return res.affectedRows === undefined ? { rows: res.rows } : { rows: res.rows, numAffectedRows: BigInt(res.affectedRows) };
    },
    async *streamQuery() {
      throw new Error('streaming not supported by the test dialect');
    },
  };
  const driver: Driver = {
    async init() {},
    async acquireConnection() {
      return connection;
    },
    async beginTransaction(c) {
      await c.executeQuery(CompiledQuery.raw('begin'));
    },
    async commitTransaction(c) {
      await c.executeQuery(CompiledQuery.raw('commit'));
    },
    async rollbackTransaction(c) {
      await c.executeQuery(CompiledQuery.raw('rollback'));
    },
    async releaseConnection() {},
    async destroy() {},
  };
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => driver,
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}

const district = generateDemoDistrict({ seed: 3, scale: 0.5 });
let pg: PGlite;
let db: Kysely<any>;
const progress: MarketWriteProgress[] = [];

beforeAll(async () => {
  pg = new PGlite();
  await pg.waitReady;
  db = new Kysely<any>({ dialect: pgliteDialect(pg) });
  await writeMarket(db, district, (p) => progress.push(p));
});

afterAll(async () => {
  await db.destroy();
  await pg.close();
});

describe('writeMarket', () => {
  it('creates the three tables and loads every row', async () => {
    const count = async (table: string): Promise<number> =>
      Number((await sql<{ n: string }>`select count(*)::int as n from ${sql.table(table)}`.execute(db)).rows[0]!.n);
    expect(await count('zt_dm')).toBe(9);
    expect(await count('sqr')).toBe(district.market.applicants.length);
    expect(await count('xksq')).toBe(district.market.permits.length);
  });

  it('reports progress per batch of at most 1,000 rows', () => {
    const xksq = progress.filter((p) => p.table === 'xksq');
    expect(xksq.at(-1)).toEqual({ table: 'xksq', written: district.market.permits.length, total: district.market.permits.length });
    expect(xksq).toHaveLength(Math.ceil(district.market.permits.length / 1000));
  });

  it('stores timestamps as local times without a zone, and the other columns unchanged', async () => {
    const rows = (
      await sql<Record<string, unknown>>`
        select sqbh, sqrid, sxbm, xkmc, ztdm,
               to_char(slrq, 'YYYY-MM-DD HH24:MI:SS') as slrq,
               to_char(jdrq, 'YYYY-MM-DD HH24:MI:SS') as jdrq,
               to_char(yxqz, 'YYYY-MM-DD') as yxqz, fdsx, cnsx, sjys
        from xksq order by sqbh`.execute(db)
    ).rows;
    const expected = [...district.market.permits].sort((a, b) => (a.sqbh < b.sqbh ? -1 : 1));
    expect(rows).toEqual(expected);
    const types = await sql<{ column_name: string; data_type: string }>`
      select column_name, data_type from information_schema.columns where table_name = 'xksq'`.execute(db);
    const typeOf = new Map(types.rows.map((r) => [r.column_name, r.data_type]));
    expect(typeOf.get('slrq')).toBe('timestamp without time zone');
    expect(typeOf.get('yxqz')).toBe('date');
  });

  it('keeps applicant rows byte for byte, rare characters and odd spellings included', async () => {
    const rows = (await db.selectFrom('sqr').selectAll().orderBy('sqrid').execute()) as unknown[];
    expect(rows).toEqual([...district.market.applicants].sort((a, b) => a.sqrid - b.sqrid));
  });

  it('creates the indexes the adapter relies on', async () => {
    const res = await sql<{ indexdef: string }>`select indexdef from pg_indexes where tablename = 'xksq'`.execute(db);
    const defs = res.rows.map((r) => r.indexdef).join('\n');
    expect(defs).toMatch(/\(slrq DESC, sqbh\)/);
    expect(defs).toMatch(/\(sqrid\)/);
    expect(defs).toMatch(/\(sxbm\)/);
  });
});
