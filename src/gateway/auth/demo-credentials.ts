import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Kysely } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';
import { createApiKey, hashKey, upsertConsumer } from './api-keys.js';
import type { Consumer } from './consumer.js';

/** The demo district's consumers and their fixed, documented keys. Never valid in production. */
export const DEMO_CREDENTIALS: ReadonlyArray<Consumer & { key: string }> = [
  { id: 'demo-steward', name: '数据管理员 (demo data steward)', kind: 'STEWARD', departmentCode: null, key: 'demo-steward-key' },
  { id: 'demo-portal', name: '政务门户 (demo public portal)', kind: 'PORTAL', departmentCode: null, key: 'demo-portal-key' },
  { id: 'demo-market', name: '区市场监督管理局 (demo)', kind: 'DEPARTMENT', departmentCode: 'market', key: 'demo-market-key' },
  { id: 'demo-housing', name: '区住房和城乡建设局 (demo)', kind: 'DEPARTMENT', departmentCode: 'housing', key: 'demo-housing-key' },
  { id: 'demo-health', name: '区卫生健康局 (demo)', kind: 'DEPARTMENT', departmentCode: 'health', key: 'demo-health-key' },
  { id: 'demo-bureau', name: '区政务服务数据管理局 (demo)', kind: 'DEPARTMENT', departmentCode: 'bureau', key: 'demo-bureau-key' },
];

/**
 * Seeds the demo consumers with their fixed keys (once) and writes them to `demo-credentials.json` in the
 * data directory, so a developer can find them.
 *
 * @example
 * await seedDemoCredentials(db, '.data');
 */
export async function seedDemoCredentials(db: Kysely<HubDatabase>, dataDir: string): Promise<string> {
  for (const { key, ...consumer } of DEMO_CREDENTIALS) {
    await upsertConsumer(db, consumer);
    const existing = await db.selectFrom('api_keys').select('id').where('key_hash', '=', hashKey(key)).executeTakeFirst();
    if (!existing) await createApiKey(db, consumer.id, key);
  }
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'demo-credentials.json');
  writeFileSync(
    file,
    `${JSON.stringify(
      DEMO_CREDENTIALS.map(({ id, kind, departmentCode, key }) => ({ consumer: id, kind, department: departmentCode, key })),
      null,
      2,
    )}\n`,
  );
  return file;
}

/** Demo keys still live in this database: production refuses to start while any exists. */
export async function liveDemoKeys(db: Kysely<HubDatabase>): Promise<string[]> {
  const hashes = DEMO_CREDENTIALS.map((c) => hashKey(c.key));
  const rows = await db.selectFrom('api_keys').select('consumer_id').where('key_hash', 'in', hashes).where('revoked_at', 'is', null).execute();
  return rows.map((r) => r.consumer_id);
}
