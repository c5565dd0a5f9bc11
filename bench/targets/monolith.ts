// The monolith baseline as a benchmark target (bench/monolith/start.ts), in its own process.
import { parseArgs } from 'node:util';
import { startMonolith } from '../monolith/start.js';
import { announce, benchLogger, failed, onStop, serveCalls } from './ipc.js';

async function main() {
  const { values } = parseArgs({ options: { 'hub-dir': { type: 'string' } } });
  const monolith = await startMonolith({ hubDir: values['hub-dir']!, env: process.env, logger: benchLogger() });
  onStop(() => monolith.stop());
  const callsUrl = await serveCalls(() => monolith.adapters);
  announce({ url: monolith.url, callsUrl });
}

main().catch(failed);
