// The monolith baseline assembled and served: its own process (targets/monolith.ts) and the interleaved
// comparison (interleave.ts) start it the same way.
import { sql } from 'kysely';
import type { Logger } from '../../src/logging/logger.js';
import type { RuntimeAdapter } from '../../src/adapters/core/runtime-adapter.js';
import { adapterKinds } from '../../src/adapters/kinds.js';
import { openRuntimeAdapter } from '../../src/gateway/departments/department-opener.js';
import { listDepartments } from '../../src/gateway/departments/registry-store.js';
import { openDatabase, type HubDatabase } from '../../src/storage/index.js';
import { startBaselineServer } from '../lib/baseline-server.js';
import { createMonolithSchema } from './schema.js';

export interface RunningMonolith {
  url: string;
  adapters: ReadonlyMap<string, RuntimeAdapter>;
  stop(): Promise<void>;
}

/**
 * The same HTTP stack as the hub (startHttpServer: Apollo Server 5 on express 5, same plugins and error
 * formatting) serving the monolith schema over a copy of the hub database (a PGlite directory or a
 * PostgreSQL database) and the adapters the hub opens.
 *
 * @example
 * const monolith = await startMonolith({ hub: { dir: hubDir }, env: process.env, logger });
 */
export async function startMonolith(options: {
  hub: { dir: string } | { url: string };
  env: Record<string, string | undefined>;
  logger: Logger;
}): Promise<RunningMonolith> {
  const { logger, env } = options;
  const database = await openDatabase<HubDatabase>(options.hub);
  // As the hub targets after their start-up sync: no dead rows left from building the template (PGlite
  // has no autovacuum); on PostgreSQL, as the hubs there, fresh statistics only.
  await ('url' in options.hub ? sql`analyze` : sql`vacuum analyze`).execute(database.db);
  const adapters = new Map<string, RuntimeAdapter>();
  const deadlineMs = Number(env.HUITONG_DEPARTMENT_DEADLINE_MS ?? 5000);
  for (const entry of await listDepartments(database.db)) {
    if (entry.adapterKind === 'catalogue' || !entry.enabled) continue;
    adapters.set(entry.code, await openRuntimeAdapter(entry, { kinds: adapterKinds, env, dataDir: env.HUITONG_DATA_DIR ?? '.data', deadlineMs, logger }));
  }
  const http = await startBaselineServer(createMonolithSchema(database.db, adapters), logger);
  return {
    url: `${http.url}/graphql`,
    adapters,
    async stop() {
      await http.stop();
      await Promise.all([...adapters.values()].map((a) => a.close()));
      await database.close();
    },
  };
}
