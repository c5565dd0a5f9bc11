import type { Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../../../test/support/databases.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../storage/index.js';
import { createApiKey, revokeApiKey, upsertConsumer } from './api-keys.js';
import { createAuthenticator } from './authenticate.js';

for (const backend of backends) {
  describe(`API-key lookups on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    let key: string;
    let keyId: string;
    const lookups: string[] = [];
    let watched: Kysely<HubDatabase>;
    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      await migrateToLatest(database.db);
      await upsertConsumer(database.db, { id: 'portal-x', name: 'Portal X', kind: 'PORTAL', departmentCode: null });
      ({ key, id: keyId } = await createApiKey(database.db, 'portal-x'));
      watched = database.db.withPlugin({
        transformQuery({ node }) {
          if (node.kind === 'SelectQueryNode') lookups.push(node.kind);
          return node;
        },
        transformResult: async ({ result }) => result,
      });
    });
    afterAll(() => database.close());

    it('lets concurrent requests with one key share a lookup, and refuses the key once revoked', async () => {
      const authenticate = createAuthenticator(watched, {});
      const consumers = await Promise.all(Array.from({ length: 20 }, () => authenticate(`Bearer ${key}`)));
      expect(consumers.map((c) => c?.id)).toEqual(Array(20).fill('portal-x'));
      // The first lookup runs alone; the nineteen that arrived while it ran share the next one.
      expect(lookups).toHaveLength(2);

      // Sharing never outlives a lookup (freshReads' own tests: nor answers a request with one begun before it).
      expect(await revokeApiKey(database.db, keyId)).toBe(true);
      await expect(authenticate(`Bearer ${key}`)).rejects.toMatchObject({ extensions: { code: 'UNAUTHENTICATED' } });
    });
  });
}
