import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { startHub, type Hub } from '../gateway/hub.js';
import { DataDirLockedError, migrateToLatest, openDatabase, type HubDatabase } from '../storage/index.js';
import { demoRegistrySeed, ensureDemoData, seedDemoCatalogue, startDemoSystems, type DemoSystems } from '../demo/demo-district.js';
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
import { openServiceKeyring, rotateServiceKeys, ServiceKeyError, type ServiceKeyring } from '../subgraphs/service-keys.js';
import { importYearCalendar, type YearCalendar } from '../subgraphs/catalogue/working-day-calendar.js';
import { readConfig, type HubConfig } from './config.js';
import { readAuditEnv, runAuditCommand } from './audit.js';
import { createAuditSigner, ensureDemoAuditKeys, openAuditAnchor } from '../storage/audit-log/index.js';
import { runIdentityResolve } from './identity-resolve.js';
import { KeysUsageError, runKeysCommand } from './keys.js';
import { runServiceKeyCommand, ServiceKeyUsageError } from './service-key.js';

const USAGE = `usage: huitong <command> [options]

commands:
  start                 start the hub (the demo district unless HUITONG_DEMO=0 or NODE_ENV=production)
  migrate               bring the hub database to the latest schema
  sync                  read every department's applicant records and relink identities
  calendar import FILE  load a year's working-day calendar: {"year", "source", "holidays": [dates], "workdays": [dates]}
  keys create ID --kind K [--name N] [--department D] | keys list | keys rotate ID | keys revoke KEY_ID
                        manage consumers' API keys (a new key is printed once)
  identity resolve FILE.jsonl|- [--strict] [--candidates-out CANDIDATES.jsonl]
                        link JSON Lines department records offline; one {source, localId, applicantId} line per input line;
                        the review queue, one {a, b, score, evidence} line per candidate pair, to CANDIDATES.jsonl
  identity review list|show|link|keep-apart|defer
                        work through the identity review queue of a running hub (see huitong identity review --help)
  audit verify|export|checkpoint|prune
                        the tamper-evident audit log (see huitong audit --help)
  departments validate|add|update|rollback|disable|enable|list|show
                        onboard and change departments from declarative specs (see huitong departments --help)
  subgraph CODE         serve one department's subgraph (or identity, catalogue) as its own HTTP service, to the gateway only
                        (prints its URL on stdout; listens on HUITONG_SUBGRAPH_HOST or --host, default 127.0.0.1)
  service-key rotate [--grace-seconds N] | service-key list
                        the gateway's service-token key (HUITONG_SERVICE_KEY_FILE); the old key is accepted for N s (600)
  seed [--scale N] [--force]
                        generate the demo district's legacy data (once) and load the catalogue
options:
  --port N, --host H    where start listens (default PORT or 4000, HOST or 127.0.0.1)
  -h, --help            this text

exit codes: 0 success, 1 failure, 2 usage`;

class UsageError extends Error {}

const progress = (message: string) => process.stderr.write(`${message}\n`);

async function main(argv: string[]): Promise<number> {
  // The audit command parses its own options (departments has its own entry: departments-main.ts).
  if (argv[0] === 'audit') {
    const config = readConfig();
    return runAuditCommand(argv.slice(1), {
      openHubDatabase: () => openHubDatabase(config),
      env: auditEnv(config),
      stdout: process.stdout,
      stderr: process.stderr,
    });
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        scale: { type: 'string' },
        force: { type: 'boolean' },
        kind: { type: 'string' },
        name: { type: 'string' },
        department: { type: 'string' },
        strict: { type: 'boolean' },
        'candidates-out': { type: 'string' },
        'grace-seconds': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const [command, ...rest] = parsed.positionals;
  if (parsed.values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return command || parsed.values.help ? 0 : 2;
  }
  const maxArgs: Record<string, number> = { subgraph: 1, calendar: 2, keys: 2, identity: 2, 'service-key': 1 };
  if (rest.length > (maxArgs[command] ?? 0)) throw new UsageError(`unexpected argument ${rest.at(-1)}`);
  if (command === 'subgraph' && rest.length !== 1) throw new UsageError('subgraph needs a department code');
  const config = readConfig();
  if (parsed.values.port !== undefined) config.port = Number(parsed.values.port);
  if (parsed.values.host !== undefined) config.host = parsed.values.host;
  if (parsed.values.scale !== undefined) config.demoScale = Number(parsed.values.scale);
  if (!Number.isInteger(config.port) || config.port < 0 || config.port > 65535) throw new UsageError('--port must be a port number');
  if (!(config.demoScale > 0)) throw new UsageError('--scale must be a positive number');

  switch (command) {
    case 'start':
      return start(config);
    case 'migrate': {
      const database = await openHubDatabase(config);
      try {
        const result = await migrateToLatest(database.db);
        progress(`migrated: ${result.results?.length ?? 0} migration(s) applied`);
      } finally {
        await database.close();
      }
      return 0;
    }
    case 'sync': {
      const { hub, demo } = await boot(config, { port: 0, quiet: true });
      try {
        const report = await hub.sync();
        progress(
          `synced ${report.records} records into ${report.applicants} applicants${report.failed.length ? `; failed: ${report.failed.map((f) => f.department).join(', ')}` : ''}`,
        );
        return report.failed.length ? 1 : 0;
      } finally {
        await hub.stop();
        await demo?.stop();
      }
    }
    case 'seed': {
      await ensureDemoData(config.dataDir, { scale: config.demoScale, onProgress: progress, force: parsed.values.force ?? false });
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
    case 'calendar': {
      if (rest[0] !== 'import' || !rest[1]) throw new UsageError('usage: huitong calendar import FILE');
      const calendar = JSON.parse(await readFile(rest[1], 'utf8')) as YearCalendar;
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
    case 'subgraph':
      return serveDepartment(config, rest[0], parsed.values.host ?? config.subgraphHost);
    case 'service-key':
      try {
        return runServiceKeyCommand(rest, { graceSeconds: parsed.values['grace-seconds'] }, config.serviceKeyFile, process.stdout);
      } catch (error) {
        if (error instanceof ServiceKeyUsageError) throw new UsageError(error.message);
        throw error;
      }
    case 'identity':
      if (rest[0] !== 'resolve') throw new UsageError('usage: huitong identity resolve FILE.jsonl|- [--strict] [--candidates-out CANDIDATES.jsonl]');
      // Offline: never opens the hub's database.
      return runIdentityResolve(
        [
          ...rest.slice(1),
          ...(parsed.values.strict ? ['--strict'] : []),
          ...(parsed.values['candidates-out'] !== undefined ? ['--candidates-out', parsed.values['candidates-out']] : []),
        ],
        {
          stdin: process.stdin,
          stdout: process.stdout,
          stderr: process.stderr,
        },
      );
    case 'keys': {
      const database = await openHubDatabase(config);
      try {
        await migrateToLatest(database.db);
        return await runKeysCommand(database.db, rest, parsed.values, process.stdout);
      } catch (error) {
        if (error instanceof KeysUsageError) throw new UsageError(error.message);
        throw error;
      } finally {
        await database.close();
      }
    }
    default:
      throw new UsageError(`unknown command ${command}`);
  }
}

/**
 * The audit key files: the configured ones, or in the demo district a pair generated once under the data
 * directory, so `npm start` signs checkpoints and `huitong audit verify` checks them with no set-up.
 */
function auditEnv(config: HubConfig): Record<string, string | undefined> {
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
  const settings = readAuditEnv(auditEnv(config));
  if (!settings.signingKeyFile)
    logger.warn({}, 'HUITONG_AUDIT_SIGNING_KEY_FILE is not set: audit checkpoints are not signed, so a truncated tail would go unnoticed');
  return {
    hash: settings.hash,
    anchor: openAuditAnchor(config.auditAnchorFile),
    ...(settings.signingKeyFile ? { signer: createAuditSigner(await readFile(settings.signingKeyFile, 'utf8')) } : {}),
  };
}

async function openHubDatabase(config: HubConfig) {
  return openDatabase<HubDatabase>(config.databaseUrl ? { url: config.databaseUrl } : { dir: config.hubDataDir });
}

async function boot(config: HubConfig, overrides: { port?: number; quiet?: boolean } = {}): Promise<{ hub: Hub; demo: DemoSystems | null }> {
  const logger = pino({ level: overrides.quiet ? 'warn' : config.logLevel, base: undefined }, pino.destination(2));
  let demo: DemoSystems | null = null;
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
  const logger = pino({ level: config.logLevel, base: { department: code } }, pino.destination(2));
  let demo: DemoSystems | null = null;
  let entries: RegistrySeed;
  if (config.demo) {
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
  if (!entry) throw new UsageError(`no department ${code} with an adapter in the registry`);
  // Department calls happen here, not in the gateway: their metrics are served here (/metrics), their
  // spans join the gateway's trace (traceparent).
  const stopTracing = await startTracing({ ...process.env, OTEL_SERVICE_NAME: process.env.OTEL_SERVICE_NAME ?? `huitong-${entry.code}` });
  const metrics = createMetrics();
  const env = demo?.env ?? process.env;
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
function openServiceKeys(config: HubConfig, options: { required: boolean }): ServiceKeyring | undefined {
  if (config.demo && !existsSync(config.serviceKeyFile)) rotateServiceKeys(config.serviceKeyFile);
  if (!options.required && !existsSync(config.serviceKeyFile)) return undefined;
  return openServiceKeyring(config.serviceKeyFile);
}

function waitForSignal(): Promise<void> {
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      process.stderr.write(`huitong: ${error.message}\n${USAGE}\n`);
      process.exitCode = 2;
    } else if (error instanceof DataDirLockedError || error instanceof ServiceKeyError) {
      process.stderr.write(`huitong: ${error.message}\n`);
      process.exitCode = 1;
    } else {
      process.stderr.write(`huitong: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
);
