import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';
import type { Consumer, ConsumerKind } from './consumer.js';

/** Keys are compared by SHA-256: a leaked database row does not reveal a usable key. */
export const hashKey = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex');

const newKey = () => `ht_${randomBytes(24).toString('base64url')}`;

/**
 * Registers a consumer if it does not exist yet.
 *
 * @example
 * await upsertConsumer(db, { id: 'portal-gov', name: '区政府门户', kind: 'PORTAL', departmentCode: null });
 */
export async function upsertConsumer(db: Kysely<HubDatabase>, consumer: Consumer): Promise<void> {
  await db
    .insertInto('consumers')
    .values({ id: consumer.id, name: consumer.name, kind: consumer.kind, department_code: consumer.departmentCode })
    .onConflict((oc) => oc.column('id').doUpdateSet({ name: consumer.name, kind: consumer.kind, department_code: consumer.departmentCode }))
    .execute();
}

/**
 * Issues a key for a consumer and returns it: the only time it is ever shown. `key` may be given (the
 * demo's fixed keys); otherwise a random one is made.
 *
 * @example
 * const { key } = await createApiKey(db, 'portal-gov'); // print it once, store it nowhere
 */
export async function createApiKey(db: Kysely<HubDatabase>, consumerId: string, key: string = newKey()): Promise<{ id: string; key: string }> {
  const id = `key_${randomBytes(8).toString('hex')}`;
  await db
    .insertInto('api_keys')
    .values({ id, consumer_id: consumerId, key_hash: hashKey(key), prefix: key.slice(0, 8), revoked_at: null })
    .execute();
  return { id, key };
}

/** Revokes every live key of a consumer and issues a new one. */
export async function rotateApiKey(db: Kysely<HubDatabase>, consumerId: string): Promise<{ id: string; key: string }> {
  return db.transaction().execute(async (tx) => {
    await tx.updateTable('api_keys').set({ revoked_at: new Date() }).where('consumer_id', '=', consumerId).where('revoked_at', 'is', null).execute();
    return createApiKey(tx, consumerId);
  });
}

/** Revokes one key by id; true when a live key was revoked. */
export async function revokeApiKey(db: Kysely<HubDatabase>, keyId: string): Promise<boolean> {
  const result = await db.updateTable('api_keys').set({ revoked_at: new Date() }).where('id', '=', keyId).where('revoked_at', 'is', null).executeTakeFirst();
  return Number(result.numUpdatedRows) > 0;
}

/** Keys with their consumer, never the key itself: only its first characters. */
export async function listApiKeys(db: Kysely<HubDatabase>) {
  return db
    .selectFrom('api_keys as k')
    .innerJoin('consumers as c', 'c.id', 'k.consumer_id')
    .select(['k.id', 'k.prefix', 'k.created_at', 'k.revoked_at', 'c.id as consumer_id', 'c.name', 'c.kind', 'c.department_code'])
    .orderBy('c.id')
    .orderBy('k.created_at')
    .execute();
}

/** The consumer a live key belongs to, or null. */
export async function consumerByKey(db: Kysely<HubDatabase>, key: string): Promise<Consumer | null> {
  const row = await db
    .selectFrom('api_keys as k')
    .innerJoin('consumers as c', 'c.id', 'k.consumer_id')
    .select(['c.id', 'c.name', 'c.kind', 'c.department_code'])
    .where('k.key_hash', '=', hashKey(key))
    .where('k.revoked_at', 'is', null)
    .executeTakeFirst();
  return row ? { id: row.id, name: row.name, kind: row.kind as ConsumerKind, departmentCode: row.department_code } : null;
}

/** The consumer with an id (for JWT subjects), or null. */
export async function consumerById(db: Kysely<HubDatabase>, id: string): Promise<Consumer | null> {
  const row = await db.selectFrom('consumers').select(['id', 'name', 'kind', 'department_code']).where('id', '=', id).executeTakeFirst();
  return row ? { id: row.id, name: row.name, kind: row.kind as ConsumerKind, departmentCode: row.department_code } : null;
}
