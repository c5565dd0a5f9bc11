// The hub as a benchmark target: `startHub` over a copy of the hub database template, with in-process
// department subgraphs (`--mode inprocess`) or every department over HTTP (`--mode http --urls
// market=URL,housing=URL,health=URL`, written into the registry's `url` column first). Announces ready
// only after the start-up identity sync has finished, so it does not run under load. Governance (sharing
// classes, grants, masking, audit) is off unless `--governance on`, which also seeds the demo consumers
// (their keys in the hub directory) so the load can ask as the demo steward.
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import { demoRegistrySeed } from '../../src/demo/demo-district.js';
import { startHub } from '../../src/gateway/hub.js';
import { openDatabase, type HubDatabase } from '../../src/storage/index.js';
import { announce, benchLogger, failed, onStop, serveCalls } from './ipc.js';

async function main() {
  const { values } = parseArgs({ options: { mode: { type: 'string' }, 'hub-dir': { type: 'string' }, urls: { type: 'string' }, governance: { type: 'string', default: 'off' } } });
  const governance = values.governance === 'on';
  const hubDir = values['hub-dir']!;
  if (values.mode === 'http') {
    const urls = Object.fromEntries((values.urls ?? '').split(',').map((kv) => kv.split('=') as [string, string]));
    const database = await openDatabase<HubDatabase>({ dir: hubDir });
    try {
      for (const [code, url] of Object.entries(urls)) await database.db.updateTable('departments').set({ url }).where('code', '=', code).execute();
    } finally {
      await database.close();
    }
  }
  let syncDone!: (outcome: string) => void;
  const synced = new Promise<string>((resolve) => (syncDone = resolve));
  const logger = benchLogger((msg, obj) => {
    if (msg === 'identity sync done') syncDone(JSON.stringify(obj));
  });
  const errorLog = logger.error;
  logger.error = (obj, msg) => {
    if (msg === 'identity sync failed') syncDone(`failed ${JSON.stringify(obj)}`);
    errorLog(obj, msg);
  };
  const started = performance.now();
  const hub = await startHub({
    hubDataDir: hubDir,
    port: 0,
    registrySeed: demoRegistrySeed,
    env: process.env,
    deadlineMs: Number(process.env.HUITONG_DEPARTMENT_DEADLINE_MS ?? 5000),
    syncIntervalMs: 0,
    governance,
    ...(governance ? { demoCredentialsDir: dirname(hubDir) } : {}),
    logger,
  });
  onStop(() => hub.stop());
  const listening = performance.now();
  const sync = await synced;
  // The start-up sync rewrote the crosswalk tables, and embedded PGlite has no autovacuum: clean up
  // their dead rows as the monolith's copy is cleaned (bench/targets/monolith.ts), so both read alike.
  await sql`vacuum analyze`.execute(hub.db);
  const callsUrl = await serveCalls(() => hub.adapters);
  announce({
    url: `${hub.url}/graphql`,
    callsUrl,
    startMs: Math.round(listening - started),
    startupSyncMs: Math.round(performance.now() - listening),
    sync,
  });
}

main().catch(failed);
