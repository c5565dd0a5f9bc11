// `huitong cluster`: the hub as separate processes on one PostgreSQL database — every subgraph as its own
// service, gateway replicas, and the round-robin proxy in front of them on the public port.
import { fileURLToPath } from 'node:url';
import { startChildService, type ChildService } from '../cluster/child-service.js';
import { startProxy, type RunningProxy } from '../cluster/proxy.js';
import { demoRegistrySeed, ensureDemoData, seedDemoCatalogue } from '../demo/demo-district.js';
import { seedDemoCredentials } from '../gateway/auth/demo-credentials.js';
import { loadRegistry, setDepartmentUrl } from '../gateway/departments/registry-store.js';
import { seedDemoPurposes } from '../subgraphs/governance/index.js';
import { seedBuiltInCalendars } from '../subgraphs/catalogue/working-day-calendar.js';
import { reclassifyStoredApplicants } from '../subgraphs/identity/reclassify.js';
import { migrateToLatest, openDatabase, type HubDatabase } from '../storage/index.js';
import type { HubConfig } from './config.js';
import { SERVER_NODE_FLAGS } from './server-node-flags.js';
import { auditCommandEnv, fromStartTemplates, openServiceKeys, waitForSignal } from './hub-commands.js';
import { ConfigError } from './settings.js';

const BIN = fileURLToPath(new URL('../../bin/huitong.js', import.meta.url));
const progress = (message: string) => process.stderr.write(`${message}\n`);

/**
 * `huitong cluster`: migrates and seeds the hub database once, starts each department's subgraph, the
 * identity and catalogue subgraphs, and `gateways` gateway replicas each as its own process (all on
 * loopback, sharing the service-token keys and the audit keys), points the registry at the department
 * services, and serves the proxy on the configured host and port until SIGINT or SIGTERM, which stop
 * every process. Needs DATABASE_URL: the replicas share one PostgreSQL database (identity sync and audit
 * appends are serialised there by advisory locks).
 *
 * @example
 * await clusterCommand(readConfig({ DATABASE_URL: 'postgres://hub@127.0.0.1/huitong' }), { gateways: 2 });
 */
export async function clusterCommand(config: HubConfig, options: { gateways: number }): Promise<number> {
  const databaseUrl = config.databaseUrl;
  if (!databaseUrl) {
    throw new ConfigError([
      {
        setting: 'DATABASE_URL',
        accepted: 'a PostgreSQL URL for huitong cluster (its replicas share one PostgreSQL database; PGlite has one owner)',
        given: '',
      },
    ]);
  }
  const started = performance.now();
  const children: ChildService[] = [];
  let proxy: RunningProxy | undefined;
  let stopping = false;
  const stopAll = async () => {
    stopping = true;
    await proxy?.stop();
    // Gateways first, so none is left asking a subgraph that is already gone.
    await Promise.all(children.filter((c) => c.name.startsWith('gateway')).map((c) => c.stop()));
    await Promise.all(children.map((c) => c.stop()));
  };
  const launch = async (name: string, args: string[], env: Record<string, string>, readyOn: 'stdout' | 'stderr') => {
    const service = await startChildService({
      name,
      command: process.execPath,
      args: [...SERVER_NODE_FLAGS, BIN, ...args],
      env: { ...process.env, ...env },
      ready: readyOn === 'stdout' ? /^(https?:\/\/\S+)$/m : /huitong ready at (http:\/\/\S+)\/graphql/,
      stream: readyOn,
      log: (line) => process.stderr.write(line),
    });
    children.push(service);
    void service.exited.then(() => {
      if (!stopping)
        progress(`[cluster] ${name} (pid ${service.child.pid}) exited (${service.child.exitCode ?? service.child.signalCode}); the proxy passes over it`);
    });
    return service;
  };

  try {
    const departments = await prepareDatabase(config, databaseUrl);
    // Every child reads the same data directory, keys and database; each listens on a free loopback port.
    const shared = {
      ...definedOnly(auditCommandEnv(config)),
      DATABASE_URL: databaseUrl,
      HUITONG_DATA_DIR: config.dataDir,
      HUITONG_SERVICE_KEY_FILE: config.serviceKeyFile,
      PORT: '0',
    };
    const services = await Promise.all(departments.map((code) => launch(code, ['subgraph', code, '--host', '127.0.0.1'], shared, 'stdout')));
    const database = await openDatabase<HubDatabase>({ url: databaseUrl });
    try {
      for (const service of services) await setDepartmentUrl(database.db, service.name, service.url);
    } finally {
      await database.close();
    }
    const gatewayEnv = { ...shared, HOST: '127.0.0.1', HUITONG_TRUST_PROXY: process.env.HUITONG_TRUST_PROXY || 'loopback' };
    // Started together: each runs its start-up identity sync, one after the other under the sync lock.
    const [gateways] = await Promise.all([
      Promise.all(Array.from({ length: options.gateways }, (_, i) => launch(`gateway-${i + 1}`, ['start'], gatewayEnv, 'stderr'))),
      ...(['identity', 'catalogue'] as const).map((code) => launch(code, ['subgraph', code, '--host', '127.0.0.1'], shared, 'stdout')),
    ]);
    proxy = await startProxy({ upstreams: gateways.map((g) => new URL(g.url).origin), host: config.host, port: config.port, logger: proxyLogger });
    for (const c of children) progress(`  ${c.name.padEnd(10)} pid ${c.child.pid} ${c.url}`);
    progress(
      `huitong cluster ready at ${proxy.url}/graphql in ${((performance.now() - started) / 1000).toFixed(1)} s: ${gateways.length} gateway replicas behind the proxy`,
    );
  } catch (error) {
    await stopAll();
    throw error;
  }
  await waitForSignal();
  progress('[cluster] stopping…');
  await stopAll();
  return 0;
}

/**
 * Everything the gateways would otherwise each do at start, done once here so that replicas starting
 * together do not race to create it: migrations, calendars, the demo district and its credentials,
 * the registry. Returns the codes of the departments to serve.
 */
async function prepareDatabase(config: HubConfig, databaseUrl: string): Promise<string[]> {
  fromStartTemplates(config, { demo: config.demo });
  if (config.demo) await ensureDemoData(config.dataDir, { scale: config.demoScale, onProgress: progress });
  openServiceKeys(config, { required: true });
  const database = await openDatabase<HubDatabase>({ url: databaseUrl });
  try {
    const db = database.db;
    await migrateToLatest(db);
    await seedBuiltInCalendars(db);
    if (config.demo) {
      await seedDemoCredentials(db, config.dataDir);
      await seedDemoPurposes(db);
    }
    await reclassifyStoredApplicants(db);
    const registry = await loadRegistry(db, config.demo ? demoRegistrySeed : []);
    if (config.demo && (await db.selectFrom('service_items').select('code').limit(1).execute()).length === 0) await seedDemoCatalogue(db, config.dataDir);
    return registry.filter((e) => e.enabled && e.adapterKind !== 'catalogue').map((e) => e.code);
  } finally {
    await database.close();
  }
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[1] !== undefined));
}

const proxyLogger = {
  info() {},
  debug() {},
  warn: (obj: object, msg?: string) => progress(`[proxy] ${msg ?? ''} ${JSON.stringify(obj)}`),
  error: (obj: object, msg?: string) => progress(`[proxy] ${msg ?? ''} ${JSON.stringify(obj)}`),
};
