// Data preparation on a PostgreSQL server (`npm run bench -- --postgres URL`), run by
// bench/targets/prepare.ts after the demo district is generated as always (PGlite market store, housing
// JSON, health CSV files): three template databases per scale, each made once and marked complete in its
// comment (bench/lib/pg-databases.ts), which every target then copies.
//   huitong_bench_<scale>_market   the market legacy store: its tables copied from the generated PGlite store
//   huitong_bench_<scale>_hub      the hub database: migrated, catalogue loaded, identities synced
//   huitong_bench_<scale>_central  the central copy, loaded from the two above
// fixtures-pg.json holds the workloads' variables read from the hub template.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Kysely, sql } from 'kysely';
import { demoPaths, startDemoSystems } from '../../src/demo/demo-district.js';
import { MARKET_INDEXES_DDL, MARKET_TABLES_DDL } from '../../src/demo/legacy/market-ddl.js';
import { type HubDatabase, openDatabase } from '../../src/storage/index.js';
import type { CentralDatabase } from '../central/central-database.js';
import { benchLogger } from '../targets/ipc.js';
import { createDatabase, databaseUrl, readMarker, templateName, writeMarker } from './pg-databases.js';
import { buildFixtures, buildHubTemplate, centralStamp, identityCodeStamp, loadCentralFrom } from './prepare-steps.js';
import { HEALTH_STORE_ENV, registryStamp } from './bench-registry.js';
import { startSyncedHub } from './synced-hub.js';

/** The market legacy tables in creation order, each with the key its rows are read in order of. */
const MARKET_TABLES = [
  ['zt_dm', 'dm'],
  ['sqr', 'sqrid'],
  ['xksq', 'sqbh'],
] as const;
/** Rows per read and per INSERT: 11 columns × 1,000 stays far below PostgreSQL's 65,535 parameters. */
const CHUNK = 1000;

export interface PgPreparation {
  /** Seconds each step took in this call (0: reused). */
  marketS: number;
  syncS: number;
  centralS: number;
}

/**
 * Makes (or finds complete) a scale's three template databases on the server of `adminUrl`, and
 * `<dir>/fixtures-pg.json`.
 *
 * @example
 * await preparePostgres({ adminUrl: 'postgres://postgres@127.0.0.1:55499/postgres', scale: 5, dir, base, say });
 */
export async function preparePostgres(options: {
  adminUrl: string;
  scale: number;
  /** The scale's data directory; `base`: its generated demo district. */
  dir: string;
  base: string;
  say: (message: string) => void;
}): Promise<PgPreparation> {
  const { adminUrl, scale, dir, base, say } = options;
  const marketS = await ensureMarketTemplate(adminUrl, templateName(scale, 'market'), base, say);
  const hub = templateName(scale, 'hub');
  // Health's store lives in the hub template (bench-registry.ts): the sync loads it, the central copy reads it.
  const env = { HUITONG_MARKET_DB_URL: databaseUrl(adminUrl, templateName(scale, 'market')), [HEALTH_STORE_ENV]: databaseUrl(adminUrl, hub) };
  let syncS = await ensureHubTemplate({ adminUrl, hub, base, env, dir, say });
  syncS += await resyncIfIdentityChanged({ adminUrl, hub, base, env, dir, say });
  // Read from the hub template every time (a few queries): the variables always match what targets copy.
  const hubDb = await openDatabase<HubDatabase>({ url: databaseUrl(adminUrl, hub) });
  try {
    writeFileSync(join(dir, 'fixtures-pg.json'), JSON.stringify(await buildFixtures(hubDb.db), null, 2));
  } finally {
    await hubDb.close();
  }
  const centralS = await ensureCentralTemplate({ adminUrl, scale, base, env, dir, say });
  return { marketS: round(marketS), syncS: round(syncS), centralS: round(centralS) };
}

const round = (s: number) => Math.round(s * 10) / 10;
const seconds = (since: number) => (performance.now() - since) / 1000;

/** The market legacy store: the generated PGlite store's tables, row for row, with the same DDL and indexes. */
async function ensureMarketTemplate(adminUrl: string, name: string, base: string, say: (m: string) => void): Promise<number> {
  if ((await readMarker(adminUrl, name))?.complete) return 0;
  say(`copying the market legacy store into PostgreSQL (${name})…`);
  const t = performance.now();
  const url = await createDatabase(adminUrl, name);
  const source = await openDatabase<any>({ dir: demoPaths(base).marketDir });
  const target = await openDatabase<any>({ url });
  try {
    await runDdl(target.db, MARKET_TABLES_DDL);
    for (const [table, key] of MARKET_TABLES) {
      let copied = 0;
      let after: unknown;
      for (;;) {
        // Zone-less timestamps and dates come back as the text the store holds (src/storage/type-parsers.ts): copied as is.
        let query = source.db.selectFrom(table).selectAll().orderBy(key).limit(CHUNK);
        if (after !== undefined) query = query.where(key, '>', after);
        const rows = await query.execute();
        if (rows.length === 0) break;
        await target.db.insertInto(table).values(rows).execute();
        copied += rows.length;
        after = rows.at(-1)![key];
      }
      say(`market: ${table} ${copied} rows`);
    }
    await runDdl(target.db, MARKET_INDEXES_DDL);
    await runDdl(target.db, ['analyze']);
  } finally {
    await Promise.all([source.close(), target.close()]);
  }
  await writeMarker(adminUrl, name, { complete: new Date().toISOString() });
  return seconds(t);
}

async function runDdl(db: Kysely<any>, statements: readonly string[]): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

interface HubStep {
  adminUrl: string;
  hub: string;
  base: string;
  /** The market department's connection: the market template. */
  env: Record<string, string>;
  dir: string;
  say: (message: string) => void;
}

/**
 * The hub database template as `prepare.ts` builds it in PGlite: `startHub({ databaseUrl })`, catalogue,
 * identity sync; health's indexed copy of its exports loaded into the same database (schema csv_health),
 * so every target's copy of the template has it. Made again when the registry it was seeded from changed.
 */
async function ensureHubTemplate(step: HubStep): Promise<number> {
  const { adminUrl, hub: name, base, dir, say } = step;
  const marker = await readMarker(adminUrl, name);
  const registry = registryStamp(step.env);
  if (marker?.complete && marker.registry === registry) return 0;
  say(`building the hub database template in PostgreSQL (${name}: catalogue + identity sync, health's store)…`);
  const t = performance.now();
  const url = await createDatabase(adminUrl, name);
  await buildHubTemplate({ databaseUrl: url, dataDir: join(dir, 'pg-prepare') }, base, say, { env: step.env });
  await writeMarker(adminUrl, name, { complete: new Date().toISOString(), identityCode: identityCodeStamp(), registry });
  return seconds(t);
}

/** As the PGlite template: re-synced once when the identity-linking code changed since it was made. */
async function resyncIfIdentityChanged(step: HubStep): Promise<number> {
  const { adminUrl, hub: name, base, dir, say } = step;
  const marker = (await readMarker(adminUrl, name))!;
  const stamp = identityCodeStamp();
  if (marker.identityCode === stamp) return 0;
  say('identity code changed since the hub template was made: re-syncing the template…');
  const t = performance.now();
  const demo = await startDemoSystems(base, step.env);
  try {
    const { hub, ready } = await startSyncedHub({
      databaseUrl: databaseUrl(adminUrl, name),
      dataDir: join(dir, 'pg-prepare'),
      env: demo.env,
      governance: false,
      logger: { ...benchLogger(), error: (obj, msg) => say(`${msg} ${JSON.stringify(obj)}`) },
    });
    // A hub over an existing database syncs in the background at start: wait for that one.
    await ready;
    await hub.stop();
  } finally {
    await demo.stop();
  }
  await writeMarker(adminUrl, name, { ...marker, identityCode: stamp });
  return seconds(t);
}

/** The central copy, loaded from the hub and market templates; loaded again when either or the loader changed. */
async function ensureCentralTemplate(step: Omit<HubStep, 'hub'> & { scale: number }): Promise<number> {
  const { adminUrl, scale, base, dir, say } = step;
  const name = templateName(scale, 'central');
  const hubMarker = (await readMarker(adminUrl, templateName(scale, 'hub')))!;
  const marketMarker = (await readMarker(adminUrl, templateName(scale, 'market')))!;
  const stamp = centralStamp([hubMarker.complete!, hubMarker.identityCode!, marketMarker.complete!]);
  if ((await readMarker(adminUrl, name))?.source === stamp) return 0;
  say(`loading the central copy in PostgreSQL (${name})…`);
  const t = performance.now();
  const url = await createDatabase(adminUrl, name);
  const demo = await startDemoSystems(base, step.env);
  const hub = await openDatabase<HubDatabase>({ url: databaseUrl(adminUrl, templateName(scale, 'hub')) });
  const central = await openDatabase<CentralDatabase>({ url });
  try {
    const report = await loadCentralFrom({ hub: hub.db, central: central.db, env: demo.env, dataDir: join(dir, 'pg-prepare'), say });
    say(`central copy loaded: ${JSON.stringify(report)}`);
  } finally {
    await Promise.all([central.close(), hub.close()]);
    await demo.stop();
  }
  await writeMarker(adminUrl, name, { complete: new Date().toISOString(), source: stamp });
  return seconds(t);
}
