import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { startHub, type Hub } from '../gateway/hub.js';
import { stderrLogger } from '../logging/stderr-logger.js';
import { lockHolder, migrateToLatest, openDatabase, type HubDatabase } from '../storage/index.js';
import { pgliteDir } from '../adapters/sql/sql-url.js';
import { demoDataInfo, demoRegistrySeed, ensureDemoData, seedDemoCatalogue, startDemoSystems, type DemoSystems } from '../demo/demo-district.js';
import { DEMO_CREDENTIALS } from '../gateway/auth/demo-credentials.js';
import { adapterKinds } from '../adapters/kinds.js';
import { openRuntimeAdapter } from '../gateway/departments/department-opener.js';
import { createMetrics, departmentObserver } from '../gateway/observability/metrics.js';
import { startTracing } from '../gateway/observability/tracing.js';
import { listDepartments, type RegistrySeed } from '../gateway/departments/registry-store.js';
import { createDepartmentSubgraph } from '../subgraphs/department/department-subgraph.js';
import { createCatalogueSubgraph } from '../subgraphs/catalogue/catalogue-subgraph.js';
import { createIdentitySubgraph } from '../subgraphs/identity/identity-subgraph.js';
import { federate } from '../subgraphs/federation/index.js';
import { serveSubgraph } from '../subgraphs/serve-subgraph.js';
import { openServiceKeyring, rotateServiceKeys, type ServiceKeyring } from '../subgraphs/service-keys.js';
import { importYearCalendar, type YearCalendar } from '../subgraphs/catalogue/working-day-calendar.js';
import type { HubConfig } from './config.js';
import { readAuditEnv, runAuditCommand } from './audit.js';
import { UsageError } from './cli-errors.js';
import { createProgress } from './progress.js';
import { useStartTemplates } from '../demo/start-templates.js';
import { createAuditSigner, ensureDemoAuditKeys, openAuditAnchor } from '../storage/audit-log/index.js';
import { runKeysCommand } from './keys.js';

const progress = (message: string) => process.stderr.write(`${message}\n`);

/**
 * The audit key files: the configured ones, or in the demo district a pair generated once under the data
 * directory, so `npm start` signs checkpoints and `huitong audit verify` checks them with no set-up.
 */
export function auditCommandEnv(config: HubConfig): Record<string, string | undefined> {
  const env = { ...process.env, HUITONG_AUDIT_ANCHOR_FILE: config.auditAnchorFile };
  if (!config.demo || process.env.HUITONG_AUDIT_SIGNING_KEY_FILE) return env;
  const keys = ensureDemoAuditKeys(config.dataDir);
  return {
    ...env,
    HUITONG_AUDIT_SIGNING_KEY_FILE: keys.signingKeyFile,
    HUITONG_AUDIT_PUBLIC_KEY_FILE: process.env.HUITONG_AUDIT_PUBLIC_KEY_FILE ?? keys.publicKeyFile,
  };
}

async function auditSettings(config: HubConfig, logger: { warn(obj: object, msg?: string): void }) {
  const settings = readAuditEnv(auditCommandEnv(config));
  if (!settings.signingKeyFile)
    logger.warn({}, 'HUITONG_AUDIT_SIGNING_KEY_FILE is not set: audit checkpoints are not signed, so a truncated tail would go unnoticed');
  return {
    hash: settings.hash,
    anchor: openAuditAnchor(config.auditAnchorFile),
    ...(settings.signingKeyFile ? { signer: createAuditSigner(await readFile(settings.signingKeyFile, 'utf8')) } : {}),
  };
}

/**
 * A first run starts from what `npm install` built ahead (an initialised empty PGlite directory for
 * each new one, the demo district's legacy stores) instead of making it now; later runs find their own.
 */
export function fromStartTemplates(config: HubConfig, options: { demo: boolean }): void {
  const copied = useStartTemplates(config.dataDir, { demoScale: options.demo ? config.demoScale : null });
  if (copied.length) progress(`first start: the demo district's ${copied.join(' and ')} copied from the templates built at install`);
}

async function openHubDatabase(config: HubConfig) {
  fromStartTemplates(config, { demo: false });
  return openDatabase<HubDatabase>(config.databaseUrl ? { url: config.databaseUrl } : { dir: config.hubDataDir });
}

async function boot(config: HubConfig, overrides: { port?: number; quiet?: boolean } = {}): Promise<{ hub: Hub; demo: DemoSystems | null }> {
  const logger = stderrLogger({ level: overrides.quiet ? 'warn' : config.logLevel });
  let demo: DemoSystems | null = null;
  fromStartTemplates(config, { demo: config.demo });
  if (config.demo) {
    await ensureDemoData(config.dataDir, { scale: config.demoScale, onProgress: progress });
    demo = await startDemoSystems(config.dataDir);
  }
  try {
    const hub = await startHub({
      databaseUrl: config.databaseUrl,
      hubDataDir: config.hubDataDir,
      host: config.host,
      port: overrides.port ?? config.port,
      corsOrigins: config.corsOrigins,
      registrySeed: config.demo ? demoRegistrySeed : [],
      dataDir: config.dataDir,
      env: demo?.env ?? process.env,
      deadlineMs: config.deadlineMs,
      circuit: config.circuit,
      syncIntervalMs: config.syncIntervalMs,
      demoCredentialsDir: config.demo ? config.dataDir : undefined,
      production: config.production,
      jwt: config.jwt,
      audit: await auditSettings(config, logger),
      abuse: config.abuse,
      serviceKeys: openServiceKeys(config, { required: false }),
      logger,
    });
    if (config.demo) {
      const items = await hub.db.selectFrom('service_items').select('code').limit(1).execute();
      if (items.length === 0) await seedDemoCatalogue(hub.db, config.dataDir);
    }
    return { hub, demo };
  } catch (error) {
    await demo?.stop();
    throw error;
  }
}

/**
 * One department's subgraph in its own process. Its registry row comes from the hub database, or from
 * the demo registry in demo mode; the process then owns that department's connection.
 */
async function serveDepartment(config: HubConfig, code: string | undefined, host: string): Promise<number> {
  // Before anything starts: without the key the service could only refuse every request.
  const serviceKeys = openServiceKeys(config, { required: true })!;
  if (code === 'identity' || code === 'catalogue') return serveHubSubgraph(config, code, host, serviceKeys);
  const logger = stderrLogger({ level: config.logLevel, base: { department: code } });
  let demo: DemoSystems | null = null;
  let entries: RegistrySeed;
  if (config.demo) {
    fromStartTemplates(config, { demo: true });
    await ensureDemoData(config.dataDir, { scale: config.demoScale, onProgress: progress });
    demo = await startDemoSystems(config.dataDir);
    entries = demoRegistrySeed;
  } else {
    const database = await openHubDatabase(config);
    try {
      entries = (await listDepartments(database.db)).filter((e) => e.enabled);
    } finally {
      await database.close();
    }
  }
  const entry = entries.find((e) => e.code === code && e.adapterKind !== 'catalogue');
  if (!entry) {
    await demo?.stop();
    throw new UsageError(`no department ${code} with an adapter in the registry (there are: ${entries.map((e) => e.code).join(', ') || 'none'})`);
  }
  const env = demo?.env ?? process.env;
  const held = embeddedStoreHolder(entry.spec, env);
  if (held) {
    await demo?.stop();
    throw new Error(
      `${code}'s embedded database ${held.dir} is in use by process ${held.pid} — the running hub, which serves ${code} itself. ` +
        `An embedded (PGlite) directory serves one process at a time: stop the hub first, or put ${code}'s system on a database server ` +
        `(e.g. ${held.setting}=postgres://…) so the hub and this service can both reach it.`,
    );
  }
  // Department calls happen here, not in the gateway: their metrics are served here (/metrics), their
  // spans join the gateway's trace (traceparent).
  const stopTracing = await startTracing({ ...process.env, OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? `huitong-${entry.code}` });
  const metrics = createMetrics();
  const adapter = await openRuntimeAdapter(entry, {
    kinds: adapterKinds,
    env,
    secretsDir: env.HUITONG_SECRETS_DIR,
    dataDir: config.dataDir,
    deadlineMs: config.deadlineMs,
    circuit: config.circuit,
    logger,
    observer: departmentObserver(metrics),
  });
  const running = await serveSubgraph(createDepartmentSubgraph(adapter), { serviceKeys, host, port: config.port, metrics: metrics.registry });
  process.stdout.write(`${running.url}\n`);
  await waitForSignal();
  await running.close();
  await adapter.close();
  await stopTracing();
  await demo?.stop();
  return 0;
}

/**
 * The identity or catalogue subgraph in its own process, over the hub database (migrated by the hub).
 * Beside a running hub that database must be PostgreSQL: a PGlite directory has one owner.
 */
async function serveHubSubgraph(config: HubConfig, code: 'identity' | 'catalogue', host: string, serviceKeys: ServiceKeyring): Promise<number> {
  const database = await openHubDatabase(config);
  const subgraph = code === 'identity' ? createIdentitySubgraph(database.db) : createCatalogueSubgraph(database.db);
  // Its Federation view has a permit type per registered department (read once: restart after adding one).
  const departments = (await listDepartments(database.db)).filter((e) => e.adapterKind !== 'catalogue').map((e) => e.code);
  const running = await serveSubgraph(subgraph, { serviceKeys, host, port: config.port, federation: federate(subgraph, departments) });
  process.stdout.write(`${running.url}\n`);
  await waitForSignal();
  await running.close();
  await database.close();
  return 0;
}

/**
 * The service-token keys. The demo district creates its key file on first use (as it does its audit
 * keys); otherwise the file must have been made with `huitong service-key rotate` — required by a
 * subgraph service, optional for a hub whose departments all run in its own process.
 */
export function openServiceKeys(config: HubConfig, options: { required: boolean }): ServiceKeyring | undefined {
  if (config.demo && !existsSync(config.serviceKeyFile)) rotateServiceKeys(config.serviceKeyFile);
  if (!options.required && !existsSync(config.serviceKeyFile)) return undefined;
  return openServiceKeyring(config.serviceKeyFile);
}

/** Resolves on the first SIGTERM or SIGINT. */
export function waitForSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGTERM', () => resolve());
    process.once('SIGINT', () => resolve());
  });
}

async function start(config: HubConfig): Promise<number> {
  const started = performance.now();
  const { hub, demo } = await boot(config);
  if (config.demo) {
    progress(`demo credentials (also in ${join(config.dataDir, 'demo-credentials.json')}):`);
    for (const c of DEMO_CREDENTIALS) progress(`  ${c.key.padEnd(18)} ${c.kind.toLowerCase()}${c.departmentCode ? ` ${c.departmentCode}` : ''}`);
  }
  progress(`huitong ready at ${hub.url}/graphql in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  await waitForSignal();
  progress('draining…');
  await hub.stop();
  await demo?.stop();
  return 0;
}

/** `huitong start`: the hub (and the demo district's systems) until SIGTERM or SIGINT. */
export async function startCommand(config: HubConfig): Promise<number> {
  return start(config);
}

/** `huitong migrate`: the hub database at the latest schema. */
export async function migrateCommand(config: HubConfig): Promise<number> {
  const database = await openHubDatabase(config);
  try {
    const result = await migrateToLatest(database.db);
    progress(`migrated: ${result.results?.length ?? 0} migration(s) applied`);
  } finally {
    await database.close();
  }
  return 0;
}

/** `huitong sync`: every department's applicant records read and relinked once; 1 when one could not be read. */
export async function syncCommand(config: HubConfig): Promise<number> {
  const { hub, demo } = await boot(config, { port: 0, quiet: true });
  try {
    const bar = createProgress('identity sync: records read');
    const report = await hub.sync({ onProgress: (records) => bar.update(records) });
    bar.done(
      `synced ${report.records} records into ${report.applicants} applicants${report.failed.length ? `; failed: ${report.failed.map((f) => `${f.department} (${f.error})`).join(', ')}` : ''}`,
    );
    return report.failed.length ? 1 : 0;
  } finally {
    await hub.stop();
    await demo?.stop();
  }
}

/**
 * `huitong seed [--scale N] [--force]`: the demo district's legacy data, generated once, and the
 * catalogue. A scale asked for without `--force` over data already generated is refused with why:
 * generating again replaces what is there.
 */
export async function seedCommand(config: HubConfig, options: { scale?: number; force?: boolean }): Promise<number> {
  const existing = demoDataInfo(config.dataDir);
  if (existing && options.scale !== undefined && !options.force) {
    throw new UsageError(
      `the demo district in ${config.dataDir} was generated already${existing.generatedAt ? ` (${existing.generatedAt})` : ''}; ` +
        `--scale ${options.scale} regenerates it only with --force (which replaces the legacy systems' data; the hub relinks on its next sync)`,
    );
  }
  fromStartTemplates({ ...config, ...(options.scale !== undefined ? { demoScale: options.scale } : {}) }, { demo: !options.force });
  const bar = createProgress('demo district: rows written');
  const result = await ensureDemoData(config.dataDir, {
    scale: options.scale ?? config.demoScale,
    force: options.force ?? false,
    onProgress: (message) => (process.stderr.isTTY ? undefined : progress(message)),
    onRows: (written, total) => bar.update(written, total),
  });
  bar.done(result.generated ? 'demo district generated' : `demo district already generated in ${config.dataDir} (--force to regenerate)`);
  const database = await openHubDatabase(config);
  try {
    await migrateToLatest(database.db);
    const counts = await seedDemoCatalogue(database.db, config.dataDir);
    progress(`catalogue: ${counts.serviceItems} service items, ${counts.disclosureItems} disclosure items`);
  } finally {
    await database.close();
  }
  return 0;
}

/** `huitong calendar import FILE`: a year's working-day calendar into the hub database. */
export async function calendarImportCommand(config: HubConfig, file: string): Promise<number> {
  let calendar: YearCalendar;
  try {
    calendar = JSON.parse(await readFile(file, 'utf8')) as YearCalendar;
  } catch (error) {
    throw new UsageError(`cannot read the calendar ${file}: ${(error as Error).message}`);
  }
  const database = await openHubDatabase(config);
  try {
    await migrateToLatest(database.db);
    await importYearCalendar(database.db, calendar);
    progress(`calendar ${calendar.year}: ${calendar.holidays.length} holidays, ${calendar.workdays.length} make-up working days`);
  } finally {
    await database.close();
  }
  return 0;
}

/** `huitong keys …` over the hub database (see keys.ts). */
export async function keysCommand(
  config: HubConfig,
  args: string[],
  flags: { kind?: string | undefined; name?: string | undefined; department?: string | undefined },
): Promise<number> {
  const database = await openHubDatabase(config);
  try {
    await migrateToLatest(database.db);
    return await runKeysCommand(database.db, args, flags, process.stdout, process.stderr);
  } finally {
    await database.close();
  }
}

/** `huitong audit …` (audit.ts parses its own options). */
export async function auditCommand(config: HubConfig, args: string[]): Promise<number> {
  return runAuditCommand(args, {
    openHubDatabase: () => openHubDatabase(config),
    env: auditCommandEnv(config),
    stdout: process.stdout,
    stderr: process.stderr,
  });
}

/** `huitong subgraph CODE`: one department's subgraph as its own service. */
export async function subgraphCommand(config: HubConfig, code: string, host: string): Promise<number> {
  return serveDepartment(config, code, host);
}

/**
 * The live process holding a department's embedded store, when its spec's connection URL (read from the
 * environment) is a `file:` PGlite directory another process has open; null otherwise.
 */
function embeddedStoreHolder(spec: unknown, env: Record<string, string | undefined>): { dir: string; pid: number; setting: string } | null {
  const url = (spec as { connection?: { url?: unknown } } | null)?.connection?.url;
  const setting = url && typeof url === 'object' && 'env' in url ? String((url as { env: unknown }).env) : undefined;
  const value = setting ? env[setting] : typeof url === 'string' ? url : undefined;
  if (!value?.startsWith('file:')) return null;
  const holder = lockHolder(pgliteDir(value));
  return holder && holder !== 'stale' && holder.pid !== process.pid
    ? { dir: pgliteDir(value), pid: holder.pid, setting: setting ?? 'its connection url' }
    : null;
}
