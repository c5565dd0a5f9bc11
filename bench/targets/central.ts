// The central copy as a benchmark target (bench/central/start.ts), in its own process, over a PGlite
// directory (`--dir`) or a PostgreSQL database (`--url`). It reads no
// department system while serving: its call counters are empty.
import { parseArgs } from 'node:util';
import { startCentral } from '../central/start.js';
import { announce, benchLogger, failed, onStop, serveCalls } from './ipc.js';

async function main() {
  const { values } = parseArgs({ options: { dir: { type: 'string' }, url: { type: 'string' } } });
  const central = await startCentral({ database: values.url ? { url: values.url } : { dir: values.dir! }, logger: benchLogger() });
  onStop(() => central.stop());
  const callsUrl = await serveCalls(() => new Map());
  announce({ url: central.url, callsUrl });
}

main().catch(failed);
