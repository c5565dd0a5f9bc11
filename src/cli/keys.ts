import type { Kysely } from 'kysely';
import { createApiKey, listApiKeys, revokeApiKey, rotateApiKey, upsertConsumer } from '../gateway/auth/api-keys.js';
import { CONSUMER_KINDS, type ConsumerKind } from '../gateway/auth/consumer.js';
import type { HubDatabase } from '../storage/index.js';

export class KeysUsageError extends Error {}

/**
 * `huitong keys create|list|rotate|revoke`: manages consumers' API keys. A new key is printed once on
 * stdout and never again; the database keeps only its hash.
 *
 * @example
 * await runKeysCommand(db, ['create', 'portal-gov'], { kind: 'PORTAL', name: '区政府门户' }, process.stdout);
 */
export async function runKeysCommand(
  db: Kysely<HubDatabase>,
  args: readonly string[],
  flags: { kind?: string | undefined; name?: string | undefined; department?: string | undefined },
  out: NodeJS.WritableStream,
): Promise<number> {
  const [action, target] = args;
  switch (action) {
    case 'create': {
      if (!target) throw new KeysUsageError('usage: huitong keys create CONSUMER_ID --kind DEPARTMENT|PORTAL|STEWARD [--name NAME] [--department CODE]');
      const kind = (flags.kind ?? '').toUpperCase() as ConsumerKind;
      if (!CONSUMER_KINDS.includes(kind)) throw new KeysUsageError('--kind must be DEPARTMENT, PORTAL or STEWARD');
      if (kind === 'DEPARTMENT' && !flags.department) throw new KeysUsageError('a DEPARTMENT consumer needs --department CODE');
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
      if (!target) throw new KeysUsageError('usage: huitong keys rotate CONSUMER_ID');
      const { id, key } = await rotateApiKey(db, target);
      out.write(`${JSON.stringify({ consumer: target, keyId: id, key })}\n`);
      return 0;
    }
    case 'revoke':
      if (!target) throw new KeysUsageError('usage: huitong keys revoke KEY_ID');
      return (await revokeApiKey(db, target)) ? 0 : 1;
    default:
      throw new KeysUsageError('usage: huitong keys create|list|rotate|revoke');
  }
}
