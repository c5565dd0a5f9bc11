import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from './database.js';

describe('the PGlite dialect under a backlog of queries', () => {
  let database: Database<unknown>;
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    await sql`select 1`.execute(database.db);
  });
  afterAll(() => database?.close());

  it('lets the event loop take a turn between queries, so I/O, timers and new connections are not starved', async () => {
    // A macrotask that re-arms itself: it runs once per turn of the event loop while the queries are under way.
    let turns = 0;
    let running = true;
    const turn = () => {
      if (!running) return;
      turns++;
      setImmediate(turn);
    };
    setImmediate(turn);
    const queries = 20;
    await Promise.all(Array.from({ length: queries }, (_, i) => sql`select ${i}::int as n`.execute(database.db)));
    running = false;
    // PGlite answers each query synchronously inside a promise chain: without a yield between queries the
    // whole backlog runs as one uninterrupted stretch of microtasks and the loop gets no turn at all.
    expect(turns).toBeGreaterThanOrEqual(queries - 1);
  });

  it('still runs a transaction alone, its statements in order', async () => {
    await sql`create table if not exists t (n int)`.execute(database.db);
    const inserts = Array.from({ length: 5 }, (_, i) =>
      database.db.transaction().execute(async (tx) => {
        await sql`insert into t values (${i})`.execute(tx);
        await sql`insert into t values (${i + 100})`.execute(tx);
      }),
    );
    await Promise.all(inserts);
    const rows = await sql<{ n: number }>`select n from t order by n`.execute(database.db);
    expect(rows.rows.map((r) => r.n)).toEqual([0, 1, 2, 3, 4, 100, 101, 102, 103, 104]);
  });
});
