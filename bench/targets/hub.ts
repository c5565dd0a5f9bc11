// The hub as a benchmark target: `startHub` over a copy of the hub database template, with in-process
// department subgraphs (`--mode inprocess`) or every department over HTTP (`--mode http --urls
// market=URL,housing=URL,health=URL`, written into the registry's `url` column first). The database is a
// PGlite directory (`--hub-dir`) or a PostgreSQL database (`--hub-url`, with `--data-dir` for the stores
// adapters keep and the demo consumers' keys). Announces ready
// only after the start-up identity sync has finished, so it does not run under load. Governance (sharing
// classes, grants, masking, audit) is off unless `--governance on`, which also seeds the demo consumers
// (their keys in the hub directory) so the load can ask as the demo steward.
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { startSyncedHub } from '../lib/synced-hub.js';
import { openDatabase, type HubDatabase } from '../../src/storage/index.js';
import { announce, benchLogger, failed, onStop, serveCalls } from './ipc.js';

async function main() {
  const { values } = parseArgs({
    options: {
      mode: { type: 'string' },
      'hub-dir': { type: 'string' },
      'hub-url': { type: 'string' },
      'data-dir': { type: 'string' },
      urls: { type: 'string' },
      governance: { type: 'string', default: 'off' },
    },
  });
  const governance = values.governance === 'on';
  const hubUrl = values['hub-url'];
  const hubDir = values['hub-dir'];
  const dataDir = values['data-dir'] ?? dirname(hubDir!);
  if (values.mode === 'http') {
    const urls = Object.fromEntries((values.urls ?? '').split(',').map((kv) => kv.split('=') as [string, string]));
    const database = await openDatabase<HubDatabase>(hubUrl ? { url: hubUrl } : { dir: hubDir! });
    try {
      for (const [code, url] of Object.entries(urls)) await database.db.updateTable('departments').set({ url }).where('code', '=', code).execute();
    } finally {
      await database.close();
    }
  }
  const started = performance.now();
  const { hub, ready } = await startSyncedHub({
    ...(hubUrl ? { databaseUrl: hubUrl } : { hubDir: hubDir! }),
    dataDir,
    env: process.env,
    governance,
    ...(governance ? { demoCredentialsDir: dataDir } : {}),
    serviceKeyFile: process.env.HUITONG_SERVICE_KEY_FILE,
    logger: benchLogger(),
  });
  onStop(() => hub.stop());
  const listening = performance.now();
  const sync = await ready;
  const callsUrl = await serveCalls(
    () => hub.adapters,
    () => hub.phases,
  );
  announce({
    url: `${hub.url}/graphql`,
    callsUrl,
    startMs: Math.round(listening - started),
    startupSyncMs: Math.round(performance.now() - listening),
    sync,
  });
}

main().catch(failed);
