import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import type { HubDatabase } from '../../storage/index.js';

// One key for the identity sync, beside the audit chain's (storage/audit-log/chain-head.ts).
const SYNC_LOCK_KEY = 4_857_330_372;

/** What each process last saw of the registry's sync times, by database: a change means another process synced. */
const seen = new WeakMap<Kysely<HubDatabase>, string>();

/**
 * Runs `work` holding the identity sync's advisory lock on the hub's PostgreSQL, so that one process
 * syncs at a time however many replicas share the database; the others wait their turn. The lock is a
 * session lock on a connection of its own (the sync's statements use the pool, and a sync outlives any
 * one transaction); it goes with that connection, so a process that dies releases it. `work` is told
 * whether another process synced since this one last did: what this one kept of its last sync is then
 * stale, and the sync must resolve in full.
 *
 * @example
 * await withSyncLock(db, process.env.DATABASE_URL, (othersSynced) => syncOnce(db, sources, { full: othersSynced }));
 */
export async function withSyncLock<T>(db: Kysely<HubDatabase>, databaseUrl: string, work: (othersSynced: boolean) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('select pg_advisory_lock($1::bigint)', [SYNC_LOCK_KEY]);
    const before = await lastSyncs(db);
    const mine = seen.get(db);
    const result = await work(mine !== undefined && mine !== before);
    seen.set(db, await lastSyncs(db));
    return result;
  } finally {
    await client.end();
  }
}

/** Every department's last sync time, as one string to compare. */
async function lastSyncs(db: Kysely<HubDatabase>): Promise<string> {
  const { rows } = await sql<{
    syncs: string | null;
  }>`select string_agg(code || '=' || coalesce(last_synced_at::text, ''), ',' order by code) as syncs from departments`.execute(db);
  return rows[0]?.syncs ?? '';
}
