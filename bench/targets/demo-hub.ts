// The demo district as `npm start` runs it, as a benchmark target (bench/overload.ts): one process with
// the hub, the market department's embedded PGlite, the fake housing API and the health exports, over
// `--data-dir` (generated there at `--scale` unless already there), with every setting read from the
// environment as the CLI reads it (`readConfig`: rate limits, admission control, audit keys) and a pino
// logger on stderr at the configured level. Differences from `huitong start`: no listening port of its
// own choosing (port 0 on 127.0.0.1), and the IPC hooks every bench target has (ready message, a full
// collection on `{ collect: true }`, CPU profiles).
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { readConfig } from '../../src/cli/config.js';
import { readAuditEnv } from '../../src/cli/audit.js';
import { demoRegistrySeed, ensureDemoData, seedDemoCatalogue, startDemoSystems } from '../../src/demo/demo-district.js';
import { startHub } from '../../src/gateway/hub.js';
import { stderrLogger } from '../../src/logging/stderr-logger.js';
import { createAuditSigner, ensureDemoAuditKeys } from '../../src/storage/audit-log/index.js';
import { announce, failed, onStop } from './ipc.js';

async function main() {
  const { values } = parseArgs({ options: { 'data-dir': { type: 'string' }, scale: { type: 'string', default: '1' } } });
  const config = readConfig({ ...process.env, HUITONG_DATA_DIR: values['data-dir']!, HUITONG_DEMO: '1' });
  const logger = stderrLogger({ level: config.logLevel });
  const scale = Number(values.scale);
  await ensureDemoData(config.dataDir, { scale });
  const demo = await startDemoSystems(config.dataDir);
  const keys = ensureDemoAuditKeys(config.dataDir);
  const audit = readAuditEnv({ ...process.env, HUITONG_AUDIT_SIGNING_KEY_FILE: keys.signingKeyFile, HUITONG_AUDIT_PUBLIC_KEY_FILE: keys.publicKeyFile });
  const hub = await startHub({
    hubDataDir: config.hubDataDir,
    host: '127.0.0.1',
    port: 0,
    corsOrigins: config.corsOrigins,
    registrySeed: demoRegistrySeed,
    env: demo.env,
    deadlineMs: config.deadlineMs,
    circuit: config.circuit,
    syncIntervalMs: config.syncIntervalMs,
    demoCredentialsDir: config.dataDir,
    production: false,
    jwt: config.jwt,
    audit: { hash: audit.hash, signer: createAuditSigner(await readFile(audit.signingKeyFile!, 'utf8')) },
    abuse: config.abuse,
    logger,
  });
  const items = await hub.db.selectFrom('service_items').select('code').limit(1).execute();
  if (items.length === 0) await seedDemoCatalogue(hub.db, config.dataDir);
  onStop(async () => {
    await hub.stop();
    await demo.stop();
  });
  announce({ url: `${hub.url}/graphql`, healthUrl: `${hub.url}/healthz` });
}

main().catch(failed);
