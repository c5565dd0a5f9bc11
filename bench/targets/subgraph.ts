// One department subgraph as its own HTTP service — the same calls `huitong subgraph CODE` makes
// (openRuntimeAdapter → createDepartmentSubgraph → serveSubgraph), plus the /bench/calls route.
// Connections come from HUITONG_MARKET_DB_URL / HUITONG_HOUSING_API_URL / HUITONG_HEALTH_EXPORT_DIR, the
// service-token key from HUITONG_SERVICE_KEY_FILE;
// PORT fixes the port (the soak restarts the housing subgraph at the same URL).
import { benchRegistrySeed } from '../lib/bench-registry.js';
import { adapterKinds } from '../../src/adapters/kinds.js';
import { openRuntimeAdapter } from '../../src/gateway/departments/department-opener.js';
import { createDepartmentSubgraph } from '../../src/subgraphs/department/department-subgraph.js';
import { serveSubgraph } from '../../src/subgraphs/serve-subgraph.js';
import { openServiceKeyring } from '../../src/subgraphs/service-keys.js';
import { announce, benchLogger, failed, onStop, serveCalls } from './ipc.js';

async function main() {
  const code = process.argv[2];
  const entry = benchRegistrySeed(process.env).find((e) => e.code === code && e.adapterKind !== 'catalogue');
  if (!entry) throw new Error(`no department ${code}`);
  const adapter = await openRuntimeAdapter(entry, {
    kinds: adapterKinds,
    env: process.env,
    dataDir: process.env.HUITONG_DATA_DIR ?? '.data',
    deadlineMs: Number(process.env.HUITONG_DEPARTMENT_DEADLINE_MS ?? 5000),
    logger: benchLogger(),
  });
  // As deployed: only the gateway's service tokens are answered (the harness shares the key file).
  const serviceKeys = openServiceKeyring(process.env.HUITONG_SERVICE_KEY_FILE ?? '');
  const running = await serveSubgraph(createDepartmentSubgraph(adapter), { serviceKeys, host: '127.0.0.1', port: Number(process.env.PORT ?? 0) });
  const callsUrl = await serveCalls(() => new Map([[adapter.department, adapter]]));
  onStop(async () => {
    await running.close();
    await adapter.close();
  });
  announce({ url: running.url, callsUrl });
}

main().catch(failed);
