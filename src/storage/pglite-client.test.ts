import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPglite, pgliteThread, type PgliteClient, type PgliteThread } from './pglite-client.js';

describe.each<PgliteThread>(['worker', 'main'])('an embedded PGlite on the %s thread', (thread) => {
  let client: PgliteClient;
  beforeAll(async () => {
    client = await openPglite({ thread });
  });
  afterAll(() => client?.close());

  it('reads values as the PostgreSQL pool does: 64-bit integers as numbers, dates as stored text, timestamptz as Date', async () => {
    const { rows } = await client.query<{ n: number; d: string; t: Date }>("select 9007199254740::int8 as n, '2024-02-29'::date as d, now() as t", []);
    expect(rows[0]).toMatchObject({ n: 9007199254740, d: '2024-02-29' });
    expect(rows[0]!.t).toBeInstanceOf(Date);
  });

  it('plans for pages in memory: a lookup of a few keys joins by index, not by hashing a whole table', async () => {
    expect((await client.query<{ random_page_cost: string }>('show random_page_cost', [])).rows[0]!.random_page_cost).toBe('1.1');
    for (const statement of [
      'create table owners (id text primary key, name text)',
      'create table items (k text primary key, owner text)',
      "insert into owners select 'o' || i, 'n' || i from generate_series(1, 2000) i",
      "insert into items select 'k' || i, 'o' || i from generate_series(1, 2000) i",
      'analyze owners',
      'analyze items',
    ])
      await client.query(statement, []);
    const plan = await client.query<{ 'QUERY PLAN': string }>(
      "explain select o.name from items i join owners o on o.id = i.owner where i.k in ('k1', 'k2', 'k3')",
      [],
    );
    expect(plan.rows.map((r) => r['QUERY PLAN']).join('\n')).not.toMatch(/Hash Join|Seq Scan on owners/);
  });

  it('passes parameters through and reports changed rows', async () => {
    await client.query('create table kv (k text primary key, v jsonb, at timestamptz)', []);
    const at = new Date('2026-01-02T03:04:05Z');
    const inserted = await client.query('insert into kv values ($1, $2, $3), ($4, $2, $3)', ['a', JSON.stringify({ x: [1, 2] }), at, 'b']);
    expect(inserted.affectedRows).toBe(2);
    const { rows } = await client.query<{ v: unknown; at: Date }>('select v, at from kv where k = $1', ['a']);
    expect(rows).toEqual([{ v: { x: [1, 2] }, at }]);
  });

  it("keeps the database's error fields, SQLSTATE code first (callers classify errors by it)", async () => {
    const error = await client.query('select * from no_such_table', []).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).toMatchObject({ code: '42P01', message: expect.stringContaining('no_such_table') });
  });

  it('feeds COPY from text', async () => {
    await client.query('create table copied (a int, b text)', []);
    await client.query("copy copied from '/dev/blob' with (format csv)", [], { blobText: '1,一\n2,"b,c"\n' });
    const { rows } = await client.query('select a, b from copied order by a', []);
    expect(rows).toEqual([
      { a: 1, b: '一' },
      { a: 2, b: 'b,c' },
    ]);
  });

  it('closes: later statements fail with a clear error, a second close is harmless', async () => {
    const other = await openPglite({ thread });
    await other.close();
    await other.close();
    expect(other.closed).toBe(true);
    await expect(other.query('select 1', [])).rejects.toThrow(/closed/i);
    // The instance beside it is untouched.
    expect((await client.query<{ n: number }>('select 1 as n', [])).rows).toEqual([{ n: 1 }]);
  });
});

describe('PGlite in a worker thread', () => {
  it('leaves the main thread free while a long statement runs', async () => {
    const client = await openPglite({ thread: 'worker' });
    try {
      let turns = 0;
      let running = true;
      const turn = () => {
        if (!running) return;
        turns++;
        setTimeout(turn, 1);
      };
      setTimeout(turn, 1);
      await client.query('select count(*) from generate_series(1, 3000000)', []);
      running = false;
      // On the main thread this statement is one uninterrupted stretch: the timer would fire once or twice.
      expect(turns).toBeGreaterThan(10);
    } finally {
      await client.close();
    }
  });

  it('refuses a setting it does not know', () => {
    expect(() => pgliteThread({ HUITONG_PGLITE_THREAD: 'both' })).toThrow(/worker.*main/);
    expect(pgliteThread({})).toBe('worker');
  });
});
