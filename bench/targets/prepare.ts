// Prepares a scale's data once: the demo district's legacy stores (bench/.data-<scale>/base), a hub
// database template with the catalogue loaded and identities synced (hub-template), and fixtures.json
// (real identifiers and search terms the workloads rotate through). Later runs find the markers.
import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ensureDemoData, startDemoSystems } from '../../src/demo/demo-district.js';
import { type HubDatabase, openDatabase } from '../../src/storage/index.js';
import type { CentralDatabase } from '../central/central-database.js';
import { registryStamp } from '../lib/bench-registry.js';
import { preparePostgres } from '../lib/pg-prepare.js';
import { buildFixtures, buildHubTemplate, centralStamp, identityCodeStamp, loadCentralFrom } from '../lib/prepare-steps.js';
import { startSyncedHub } from '../lib/synced-hub.js';
import { announce, benchLogger, failed } from './ipc.js';

const { values } = parseArgs({ options: { scale: { type: 'string' }, dir: { type: 'string' }, postgres: { type: 'string' } } });
const scale = Number(values.scale);
const dir = values.dir!;
const say = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);

async function main() {
  const base = join(dir, 'base');
  const started = performance.now();
  await ensureDemoData(base, { scale, onProgress: say });
  const generatedS = (performance.now() - started) / 1000;
  // On a PostgreSQL server: the market store, hub database and central copy as template databases there.
  if (values.postgres) {
    announce({ generatedS, ...(await preparePostgres({ adminUrl: values.postgres, scale, dir, base, say })) });
    return;
  }
  const template = join(dir, 'hub-template');
  let syncS = 0;
  // The registry is seeded once: a template seeded from other specs is made again.
  const registry = registryStamp(process.env);
  const registryFile = join(template, '.registry');
  if (!existsSync(join(template, '.complete')) || !existsSync(registryFile) || readFileSync(registryFile, 'utf8') !== registry) {
    rmSync(template, { recursive: true, force: true });
    const building = join(dir, 'hub-template.building');
    rmSync(building, { recursive: true, force: true });
    const t = performance.now();
    say('building the hub database template (catalogue + identity sync)…');
    await buildHubTemplate({ hubDataDir: building }, base, say, {
      withHub: async (hub) => {
        syncS = (performance.now() - t) / 1000;
        const fixtures = await buildFixtures(hub.db);
        writeFileSync(join(dir, 'fixtures.json'), JSON.stringify(fixtures, null, 2));
      },
    });
    writeFileSync(join(building, '.complete'), new Date().toISOString());
    writeFileSync(join(building, '.identity-code'), identityCodeStamp());
    writeFileSync(join(building, '.registry'), registry);
    renameSync(building, template);
  }
  syncS += await resyncIfIdentityChanged(base, template);
  const centralS = await ensureCentralTemplate(base, template);
  announce({ generatedS, syncS, centralS });
}

/**
 * The hub targets sync identities at start with the code of the day; the monolith reads the template as
 * it is. When the linking code changed since the template was made, re-sync the template once, so every
 * target answers with the same applicants (and the hubs' start-up syncs change nothing).
 */
async function resyncIfIdentityChanged(base: string, template: string): Promise<number> {
  const stampFile = join(template, '.identity-code');
  const stamp = identityCodeStamp();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return 0;
  say('identity code changed since the hub template was made: re-syncing the template…');
  const t = performance.now();
  const demo = await startDemoSystems(base, {});
  try {
    const { hub, ready } = await startSyncedHub({
      hubDir: template,
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
  rmSync(join(template, 'huitong.lock'), { force: true });
  writeFileSync(stampFile, stamp);
  return (performance.now() - t) / 1000;
}

/**
 * The central copy target's database (bench/central/), loaded once from the legacy stores and the hub
 * template's crosswalk; loaded again when the template (its identities) or the loader changed.
 */
async function ensureCentralTemplate(base: string, hubTemplate: string): Promise<number> {
  const target = join(dir, 'central-template');
  const stamp = centralStamp(['.complete', '.identity-code'].map((name) => readFileSync(join(hubTemplate, name), 'utf8')));
  const stampFile = join(target, '.source');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return 0;
  say('loading the central copy (every department into one indexed database)…');
  const t = performance.now();
  const building = join(dir, 'central-template.building');
  rmSync(building, { recursive: true, force: true });
  const demo = await startDemoSystems(base, {});
  const hub = await openDatabase<HubDatabase>({ dir: hubTemplate });
  const central = await openDatabase<CentralDatabase>({ dir: building });
  try {
    const report = await loadCentralFrom({ hub: hub.db, central: central.db, env: demo.env, dataDir: join(dir, 'central-load'), say });
    say(`central copy loaded: ${JSON.stringify(report)}`);
  } finally {
    await central.close();
    await hub.close();
    await demo.stop();
  }
  rmSync(join(building, 'huitong.lock'), { force: true });
  rmSync(join(hubTemplate, 'huitong.lock'), { force: true });
  rmSync(target, { recursive: true, force: true });
  writeFileSync(join(building, '.source'), stamp);
  renameSync(building, target);
  return (performance.now() - t) / 1000;
}

main().catch(failed);
