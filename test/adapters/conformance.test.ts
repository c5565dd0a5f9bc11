import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { defineAdapterConformanceSuite } from '../../src/adapters/core/conformance-suite.js';
import { createHealthAdapter } from '../../src/adapters/health/index.js';
import { createHousingAdapter } from '../../src/adapters/housing/index.js';
import { MarketConnector, marketMapper } from '../../src/adapters/market/index.js';
import { generateDemoDistrict, writeHealthExport, writeHousing, writeMarket } from '../../src/demo/generate/index.js';
import { startHousingServer } from '../../src/demo/legacy/housing-server.js';
import { PGliteDialect } from '../../src/storage/index.js';
import { typeParsers } from '../../src/storage/type-parsers.js';
import { backends } from '../support/databases.js';

const district = generateDemoDistrict({ seed: 11, scale: 0.2 });

for (const backend of backends) {
  defineAdapterConformanceSuite(`market-sql on ${backend.name}`, async () => {
    let statements = 0;
    const log = () => void statements++;
    let db: Kysely<any>;
    let cleanup: () => Promise<void>;
    if (backend.name === 'pglite') {
      const pglite = await PGlite.create({ parsers: typeParsers });
      db = new Kysely({ dialect: new PGliteDialect(pglite), log });
      cleanup = () => db.destroy();
    } else {
      const fresh = await backend.freshUrl();
      const pool = new pg.Pool({ connectionString: fresh.url, types: { getTypeParser: ((oid: number, format?: string) => typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser } });
      db = new Kysely({ dialect: new PostgresDialect({ pool }), log });
      cleanup = async () => {
        await db.destroy();
        await fresh.drop();
      };
    }
    await writeMarket(db, district);
    return { adapter: { connector: new MarketConnector(db), mapper: marketMapper }, backendCalls: () => statements, close: cleanup };
  });
}

defineAdapterConformanceSuite('housing-rest against the fake housing API', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'huitong-housing-'));
  const { file } = await writeHousing(dir, district);
  const server = await startHousingServer({ file });
  const adapter = await createHousingAdapter({ department: 'housing', connection: { url: server.url } });
  return {
    adapter,
    backendCalls: () => server.requestCount(),
    close: async () => {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});

defineAdapterConformanceSuite('health-csv over a GB18030 export', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'huitong-health-'));
  await writeHealthExport(dir, district);
  const adapter = await createHealthAdapter({ department: 'health', connection: { dir } });
  return {
    adapter,
    close: async () => {
      await adapter.connector.close?.();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
