import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../test/support/databases.js';
import { type Database, type HubDatabase, migrateToLatest, openDatabase } from '../../storage/index.js';
import { withSyncLock } from './sync-lock.js';

// The lock lives in PostgreSQL: registered only where DATABASE_URL gives one (CI sets it).
const postgres = backends.find((b) => b.name === 'postgres');
if (postgres) {
  describe('the identity sync lock on PostgreSQL', () => {
    let fresh: { url: string | undefined; drop(): Promise<void> };
    let a: Database<HubDatabase>;
    let b: Database<HubDatabase>;
    beforeAll(async () => {
      fresh = await postgres.freshUrl();
      // Two processes' views of one database: two pools.
      a = await openDatabase<HubDatabase>({ url: fresh.url! });
      b = await openDatabase<HubDatabase>({ url: fresh.url! });
      await migrateToLatest(a.db);
      await a.db
        .insertInto('departments')
        .values({ code: 'market', name: 'market bureau', adapter_kind: 'demo', connection: '{}', url: null, last_synced_at: null })
        .execute();
    });
    afterAll(async () => {
      await a?.close();
      await b?.close();
      await fresh?.drop();
    });

    const sync = (db: Database<HubDatabase>, events: string[], name: string) =>
      withSyncLock(db.db, fresh.url!, async (othersSynced) => {
        events.push(`${name} start${othersSynced ? ' (others synced)' : ''}`);
        // Hand the event loop to the other replica's attempt while holding the lock.
        await new Promise((resolve) => setTimeout(resolve, 50));
        await db.db.updateTable('departments').set({ last_synced_at: new Date() }).where('code', '=', 'market').execute();
        events.push(`${name} end`);
      });

    it('lets one replica sync at a time, and tells a replica when another synced since its own last sync', async () => {
      const events: string[] = [];
      await Promise.all([sync(a, events, 'a'), sync(b, events, 'b')]);
      // Never interleaved, whichever went first.
      expect([events[0]!.split(' ')[0], events[1]]).toEqual([events[0]!.split(' ')[0], `${events[0]!.split(' ')[0]} end`]);
      expect(events).toHaveLength(4);
      const more: string[] = [];
      await sync(a, more, 'a');
      await sync(a, more, 'a');
      await sync(b, more, 'b');
      await sync(a, more, 'a');
      // a's first sync here follows b's; its second follows its own; b's follows a's; a's last follows b's.
      expect(more.filter((e) => e.includes('start'))).toEqual(
        events[0]!.startsWith('a')
          ? ['a start (others synced)', 'a start', 'b start (others synced)', 'a start (others synced)']
          : ['a start', 'a start', 'b start (others synced)', 'a start (others synced)'],
      );
    });
  });
} else {
  if (process.env.CI) throw new Error('CI runs the identity sync lock on PostgreSQL: DATABASE_URL must be set (see .ci/run)');
  describe('the identity sync lock on PostgreSQL', () => {
    it.todo('not run: set DATABASE_URL to run the sync lock tests on PostgreSQL');
  });
}
