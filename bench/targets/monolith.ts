// The monolith baseline as a benchmark target (bench/monolith/start.ts), in its own process, over a copy
// of the hub database (`--hub-dir DIR` for PGlite, `--hub-url URL` for PostgreSQL).
import { parseArgs } from 'node:util';
import { startMonolith } from '../monolith/start.js';
import { announce, benchLogger, failed, onStop, serveCalls } from './ipc.js';

async function main() {
  const { values } = parseArgs({ options: { 'hub-dir': { type: 'string' }, 'hub-url': { type: 'string' }, 'data-dir': { type: 'string' } } });
  const hub = values['hub-url'] ? { url: values['hub-url'] } : { dir: values['hub-dir']! };
  const monolith = await startMonolith({ hub, env: process.env, logger: benchLogger() });
  onStop(() => monolith.stop());
  const callsUrl = await serveCalls(() => monolith.adapters);
  announce({ url: monolith.url, callsUrl });
}

main().catch(failed);
