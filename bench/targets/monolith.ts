// The monolith baseline as a benchmark target: the same HTTP stack as the hub (startHttpServer: Apollo
// Server 5 on express 5, same plugins and error formatting) serving bench/monolith/schema.ts over a copy
// of the hub database and the same RuntimeAdapters the hub opens.
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { Registry } from 'prom-client';
import type { RuntimeAdapter } from '../../src/adapters/core/runtime-adapter.js';
import { startHttpServer } from '../../src/gateway/http-server.js';
import { openDepartmentAdapter } from '../../src/gateway/open-adapter.js';
import { loadRegistry } from '../../src/gateway/registry.js';
import { openDatabase, type HubDatabase } from '../../src/storage/index.js';
import { createMonolithSchema } from '../monolith/schema.js';
import { announce, benchLogger, failed, onStop, serveCalls } from './ipc.js';

async function main() {
  const { values } = parseArgs({ options: { 'hub-dir': { type: 'string' } } });
  const logger = benchLogger();
  const database = await openDatabase<HubDatabase>({ dir: values['hub-dir']! });
  // As the hub targets after their start-up sync: no dead rows left from building the template.
  await sql`vacuum analyze`.execute(database.db);
  const adapters = new Map<string, RuntimeAdapter>();
  for (const entry of await loadRegistry(database.db, [])) {
    if (entry.adapterKind === 'catalogue') continue;
    adapters.set(entry.code, await openDepartmentAdapter(entry, process.env, { deadlineMs: Number(process.env.HUITONG_DEPARTMENT_DEADLINE_MS ?? 5000), logger }));
  }
  const http = await startHttpServer({
    schema: createMonolithSchema(database.db, adapters),
    logger,
    host: '127.0.0.1',
    port: 0,
    corsOrigins: [],
    isReady: () => true,
    // The baseline records no metrics and no traces (the hub's plugins are part of what it costs).
    metrics: new Registry(),
    departmentsHealth: async () => ({}),
  });
  onStop(async () => {
    await http.stop();
    await Promise.all([...adapters.values()].map((a) => a.close()));
    await database.close();
  });
  const callsUrl = await serveCalls(() => adapters);
  announce({ url: `${http.url}/graphql`, callsUrl });
}

main().catch(failed);
