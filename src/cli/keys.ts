import type { Kysely } from 'kysely';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey, upsertConsumer } from '../gateway/auth/api-keys.js';
import { CONSUMER_KINDS, type ConsumerKind } from '../gateway/auth/consumer.js';
import type { HubDatabase } from '../storage/index.js';

export class KeysUsageError extends Error {}

/**
 * `huitong keys create|list|rotate|revoke`: manages consumers' API keys. A new key is printed once on
 * stdout and never again; the database keeps only its hash. What was done, or why not, goes to `err`
 * in words (an unknown key or department is named, never a driver's constraint error).
 *
 * @example
 * await runKeysCommand(db, ['create', 'portal-gov'], { kind: 'PORTAL', name: '区政府门户' }, process.stdout);
 */
export async function runKeysCommand(
  db: Kysely<HubDatabase>,
  args: readonly string[],
  flags: { kind?: string | undefined; name?: string | undefined; department?: string | undefined },
  out: NodeJS.WritableStream,
  err: NodeJS.WritableStream = process.stderr,
): Promise<number> {
  const [action, target] = args;
  switch (action) {
    case 'create': {
      if (!target) throw new KeysUsageError('usage: huitong keys create CONSUMER_ID --kind DEPARTMENT|PORTAL|STEWARD [--name NAME] [--department CODE]');
      const kind = (flags.kind ?? '').toUpperCase() as ConsumerKind;
      if (!CONSUMER_KINDS.includes(kind)) throw new KeysUsageError('--kind must be DEPARTMENT, PORTAL or STEWARD');
      if (kind === 'DEPARTMENT' && !flags.department) throw new KeysUsageError('a DEPARTMENT consumer needs --department CODE');
      if (flags.department !== undefined) {
        const known = (await db.selectFrom('departments').select('code').orderBy('code').execute()).map((d) => d.code);
        if (!known.includes(flags.department)) {
          throw new KeysUsageError(`no department ${flags.department} in the registry (there are: ${known.join(', ') || 'none'})`);
        }
      }
      await upsertConsumer(db, { id: target, name: flags.name ?? target, kind, departmentCode: flags.department ?? null });
      const { id, key } = await createApiKey(db, target);
      out.write(`${JSON.stringify({ consumer: target, keyId: id, key })}\n`);
      return 0;
    }
    case 'list':
      for (const k of await listApiKeys(db)) {
        out.write(
          `${JSON.stringify({ keyId: k.id, prefix: k.prefix, consumer: k.consumer_id, kind: k.kind, department: k.department_code, createdAt: k.created_at, revokedAt: k.revoked_at })}\n`,
        );
      }
      return 0;
    case 'rotate': {
      if (!target) throw new KeysUsageError('usage: huitong keys rotate CONSUMER_ID|KEY_ID');
      // A consumer's id, or one of its keys' ids: the consumer's every live key is replaced.
      const consumer =
        (await db.selectFrom('consumers').select('id').where('id', '=', target).executeTakeFirst())?.id ??
        (await db.selectFrom('api_keys').select('consumer_id').where('id', '=', target).executeTakeFirst())?.consumer_id;
      if (!consumer) {
        err.write(`huitong: no key named ${target}: give a consumer id or a key id (huitong keys list shows both)\n`);
        return 1;
      }
      const { id, key } = await rotateApiKey(db, consumer);
      out.write(`${JSON.stringify({ consumer, keyId: id, key })}\n`);
      err.write(`rotated: ${consumer}'s earlier keys are revoked; the new key above is shown only this once\n`);
      return 0;
    }
    case 'revoke': {
      if (!target) throw new KeysUsageError('usage: huitong keys revoke KEY_ID');
      const row = await db.selectFrom('api_keys').select(['consumer_id', 'revoked_at']).where('id', '=', target).executeTakeFirst();
      if (!row) {
        err.write(`huitong: no key named ${target} (huitong keys list shows the key ids)\n`);
        return 1;
      }
      if (!(await revokeApiKey(db, target))) {
        err.write(`key ${target} of ${row.consumer_id} was already revoked${row.revoked_at ? ` (${new Date(row.revoked_at).toISOString()})` : ''}\n`);
        return 0;
      }
      err.write(`revoked key ${target} of ${row.consumer_id}: requests with it are refused from now on\n`);
      return 0;
    }
    default:
      throw new KeysUsageError(`unknown keys command ${action ?? ''}: create, list, rotate or revoke`);
  }
}
