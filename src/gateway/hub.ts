import type { Kysely } from 'kysely';
import { parse } from 'graphql';
import type { RuntimeAdapter } from '../adapters/core/runtime-adapter.js';
import type { Logger } from '../adapters/core/logger.js';
import { createCatalogueSubgraph } from '../subgraphs/catalogue/catalogue-subgraph.js';
import { seedBuiltInCalendars } from '../subgraphs/catalogue/working-day-calendar.js';
import { createDepartmentSubgraph } from '../subgraphs/department/department-subgraph.js';
import { departmentSdl } from '../subgraphs/department/department-sdl.js';
import type { ServiceKeyring } from '../subgraphs/service-keys.js';
import { createServiceTokenIssuer } from '../subgraphs/service-token.js';
import { createIdentitySubgraph } from '../subgraphs/identity/identity-subgraph.js';
import { forgetSyncState, syncIdentity, type ApplicantSource, type SyncReport } from '../subgraphs/identity/sync.js';
import type { ApplicantRecord } from '../schema/model.js';
import { migrateToLatest, openDatabase, type Database, type HubDatabase } from '../storage/index.js';
import { createAuditLog, ensureAuditWriterRole, type AuditAnchor, type AuditHashAlgorithm, type AuditLog, type AuditSigner } from '../storage/audit-log/index.js';
import { createGovernanceSubgraph, createPurposeCatalogue, liveGrants, seedDemoPurposes } from '../subgraphs/governance/index.js';
import { governancePlugin, governResolvers, guardIdentifierLookups, readFieldPolicies } from './governance/index.js';
import { gatewaySdl } from './gateway-sdl.js';
import { createAuthenticator } from './auth/authenticate.js';
import { liveDemoKeys, seedDemoCredentials } from './auth/demo-credentials.js';
import type { JwtSettings } from './auth/jwt.js';
import { watchAuditAnchor } from './audit-anchor-watch.js';
import { departmentHealth } from './department-health.js';
import { createMetrics, departmentObserver } from './metrics.js';
import { openDepartmentAdapter } from './open-adapter.js';
import { startTracing, tracingPlugin } from './tracing.js';
import { composeGateway } from './compose.js';
import type { SubgraphEndpoint } from './endpoints.js';
import { httpEndpoint, inProcessEndpoint } from './endpoints.js';
import { startHttpServer, type AbuseOptions, type RunningHttpServer } from './http-server.js';
import { loadRegistry, resolveConnection, type DepartmentEntry } from './registry.js';

export interface HubOptions {
  /** The hub's own database: a PostgreSQL URL, or else an embedded PGlite directory. */
  databaseUrl?: string | undefined;
  hubDataDir?: string;
  host?: string;
  port?: number;
  corsOrigins?: readonly string[];
  /** Registry rows to seed on first start. */
  registrySeed?: readonly DepartmentEntry[];
  /** Where `{ env: NAME }` connection references are read from. */
  env?: Record<string, string | undefined>;
  /** Deadline of one department call, retries included, ms. */
  deadlineMs?: number;
  /** Per-department circuit breaker: consecutive failures that open it, and how long it stays open (ms). */
  circuit?: { failureThreshold?: number; openMs?: number };
  /** Identity sync period, ms; 0 disables the schedule (start-up and CLI syncs still run). */
  syncIntervalMs?: number;
  /** Seed the demo consumers and their fixed keys, writing demo-credentials.json into this directory. */
  demoCredentialsDir?: string | undefined;
  /** Production mode: refuses to start while any demo key is live. */
  production?: boolean;
  /**
   * Sharing classes, grants, masking and the audit trail (default on). Off only for benchmarks that
   * compare the bare gateway with the monolith baseline.
   */
  governance?: boolean;
  /** The audit trail: checkpoint signer (its key kept outside the database), hash algorithm, checkpoint period. */
  audit?: { signer?: AuditSigner | undefined; hash?: AuditHashAlgorithm; checkpointEvery?: number; checkpointIntervalMs?: number; anchor?: AuditAnchor | undefined };
  /** Single sign-on: accept JWTs from this issuer, checked against its JWKS. */
  jwt?: JwtSettings | undefined;
  /** Rate limits, trusted documents, proxy trust (see AbuseOptions); none when absent. */
  abuse?: AbuseOptions | undefined;
  /** Signs the service tokens subgraph services require; needed when the registry gives any department a URL. */
  serviceKeys?: ServiceKeyring | undefined;
  logger: Logger;
}

export interface Hub {
  url: string;
  db: Kysely<HubDatabase>;
  /** Wrapped adapters of in-process departments, by code (tests read their call counters). */
  adapters: ReadonlyMap<string, RuntimeAdapter>;
  /** The audit trail the gateway writes every cross-department release to. */
  audit: AuditLog;
  sync(): Promise<SyncReport>;
  stop(): Promise<void>;
}

const APPLICANT_PAGE = parse(`query ($after: String, $first: Int!) {
  _applicantRecords(after: $after, first: $first) { records { localId kind name identifiers { value claimedType } phone address } next }
}`);

/**
 * Starts the hub: storage migrated, registry loaded, one subgraph per department (in-process from its
 * adapter, or over HTTP when the registry gives a URL), the catalogue and identity subgraphs, the
 * stitched gateway, and the HTTP server. A department whose system cannot be reached at start does not
 * stop the hub: its fields fail with DEPARTMENT_UNAVAILABLE until it comes back.
 *
 * @example
 * const hub = await startHub({ hubDataDir: '.data/hub', registrySeed, logger });
 */
export async function startHub(options: HubOptions): Promise<Hub> {
  const logger = options.logger;
  const env = options.env ?? process.env;
  let ready = false;
  const database: Database<HubDatabase> = await openDatabase<HubDatabase>(
    options.databaseUrl ? { url: options.databaseUrl } : { dir: options.hubDataDir ?? '.data/hub' },
  );
  const db = database.db;
  const adapters = new Map<string, RuntimeAdapter>();
  const metrics = createMetrics();
  const stopTracing = await startTracing(env);
  const observer = departmentObserver(metrics);
  let http: RunningHttpServer | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checkpointTimer: NodeJS.Timeout | undefined;
  try {
    await migrateToLatest(db);
    await seedBuiltInCalendars(db);
    if (options.demoCredentialsDir) {
      await seedDemoCredentials(db, options.demoCredentialsDir);
      await seedDemoPurposes(db);
    }
    if (options.production) {
      const demo = await liveDemoKeys(db);
      if (demo.length) throw new Error(`production mode refuses to start while demo keys are live (${demo.join(', ')}); revoke them with \`huitong keys revoke\``);
    }
    const registry = await loadRegistry(db, options.registrySeed ?? []);

    const endpoints: SubgraphEndpoint[] = [];
    const tokens = options.serviceKeys ? createServiceTokenIssuer(options.serviceKeys) : undefined;
    for (const entry of registry) {
      if (entry.adapterKind === 'catalogue') continue;
      if (entry.url) {
        // A subgraph service answers the gateway only, so there is no talking to one without the key.
        if (!tokens) throw new Error(`department ${entry.code} is served over HTTP, but no service key is configured: set HUITONG_SERVICE_KEY_FILE (create it with \`huitong service-key rotate\`)`);
        const serviceToken = () => tokens.token(entry.code);
        endpoints.push(httpEndpoint({ name: entry.code, role: 'department', sdl: departmentSdl, url: entry.url, timeoutMs: (options.deadlineMs ?? 5000) + 2000, serviceToken }));
        continue;
      }
      const adapter = await openDepartmentAdapter(entry, env, { deadlineMs: options.deadlineMs ?? 5000, logger, observer, ...(options.circuit ? { circuit: options.circuit } : {}) });
      adapters.set(entry.code, adapter);
      endpoints.push(inProcessEndpoint(createDepartmentSubgraph(adapter), 'department'));
    }
    endpoints.push(inProcessEndpoint(createCatalogueSubgraph(db), 'catalogue'), inProcessEndpoint(createIdentitySubgraph(db), 'identity'));
    // Every field's sharing class comes from the @share directives in the SDL that defines it.
    const policies = readFieldPolicies([...new Set(endpoints.map((e) => e.sdl)), gatewaySdl]);
    endpoints.push(inProcessEndpoint(createGovernanceSubgraph(db, { governedFields: policies.keys() }), 'service'));
    const governed = options.governance !== false;
    const composed = composeGateway(endpoints, governed ? { transformResolvers: governResolvers(policies) } : {}).schema;
    const schema = governed ? guardIdentifierLookups(composed) : composed;
    const audit = await openAuditLog(db, options, logger);
    const anchorWatch = options.audit?.anchor ? watchAuditAnchor(db, options.audit.anchor, { registry: metrics.registry, logger }) : undefined;
    await anchorWatch?.check();
    const signer = options.audit?.signer;
    if (signer && options.audit?.checkpointIntervalMs !== 0) {
      const checkpoint = () =>
        void audit
          .checkpoint()
          .catch((error) => logger.error({ err: { message: (error as Error).message } }, 'audit checkpoint failed'))
          .then(() => anchorWatch?.check());
      checkpointTimer = setInterval(checkpoint, options.audit?.checkpointIntervalMs ?? 60_000);
      checkpointTimer.unref();
    }
    const purposes = createPurposeCatalogue(db);

    const sources: ApplicantSource[] = endpoints
      .filter((e) => e.role === 'department')
      .map((e) => ({
        department: e.name,
        async *pages() {
          let after: string | null = null;
          do {
            const result = (await e.executor({ document: APPLICANT_PAGE, variables: { after, first: 500 }, context: {} })) as {
              data?: { _applicantRecords?: { records: ApplicantRecord[]; next: string | null } };
              errors?: Array<{ message: string }>;
            };
            const page = result.data?._applicantRecords;
            if (!page) throw new Error(result.errors?.[0]?.message ?? 'no applicant records');
            yield page.records;
            after = page.next;
          } while (after);
        },
      }));
    const sync = async () => {
      const report = await syncIdentity(db, sources, { vacuum: !options.databaseUrl });
      const { records, applicants, resolution, written, timings } = report;
      logger.info({ records, applicants, resolution, written, timings, failed: report.failed.map((f) => f.department) }, 'identity sync done');
      return report;
    };

    const firstStart = (await db.selectFrom('applicant_records').select('local_id').limit(1).execute()).length === 0;
    if (firstStart) await sync();
    else void sync().catch((error) => logger.error({ err: { message: (error as Error).message } }, 'identity sync failed'));
    if (options.syncIntervalMs) {
      timer = setInterval(() => void sync().catch((error) => logger.error({ err: { message: (error as Error).message } }, 'identity sync failed')), options.syncIntervalMs);
      timer.unref();
    }

    http = await startHttpServer({
      schema,
      logger,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 4000,
      corsOrigins: options.corsOrigins ?? [],
      isReady: () => ready,
      ...(anchorWatch ? { readinessDetail: async () => ({ audit: await anchorWatch.check() }) } : {}),
      production: options.production ?? false,
      authenticate: createAuthenticator(db, { jwt: options.jwt }),
      ...options.abuse,
      metrics: metrics.registry,
      plugins: [
        metrics.plugin,
        tracingPlugin,
        ...(governed ? [governancePlugin({ audit, grants: (consumerId, at) => liveGrants(db, consumerId, at), purposeExists: (code) => purposes.has(code), logger })] : []),
      ],
      departmentsHealth: async () => {
        const departments = endpoints.filter((e) => e.role === 'department');
        const health = await Promise.all(departments.map((e) => departmentHealth(e)));
        return Object.fromEntries(departments.map((e, i) => [e.name, health[i]]));
      },
    });
    ready = true;
    const running = http;
    return {
      url: running.url,
      db,
      adapters,
      audit,
      sync,
      async stop() {
        ready = false;
        clearInterval(timer);
        clearInterval(checkpointTimer);
        await running.stop();
        // The tail written since the last checkpoint gets its signature before the hub goes away.
        if (signer) await audit.checkpoint().catch((error) => logger.error({ err: { message: (error as Error).message } }, 'audit checkpoint failed'));
        await Promise.all([...adapters.values()].map((a) => a.close().catch(() => {})));
        forgetSyncState(db);
        await database.close();
        await stopTracing();
      },
    };
  } catch (error) {
    clearInterval(timer);
    clearInterval(checkpointTimer);
    await http?.stop().catch(() => {});
    await Promise.all([...adapters.values()].map((a) => a.close().catch(() => {})));
    await database.close();
    await stopTracing();
    throw error;
  }
}

/**
 * The audit log the gateway appends to. On PostgreSQL the appends run under a role that may only INSERT
 * and SELECT the audit tables; a database user without CREATEROLE keeps its own role, with a warning.
 */
async function openAuditLog(db: Kysely<HubDatabase>, options: HubOptions, logger: Logger): Promise<AuditLog> {
  let writerRole: string | undefined;
  if (options.databaseUrl) {
    try {
      writerRole = (await ensureAuditWriterRole(db, 'huitong_audit_writer')).role ?? undefined;
    } catch (error) {
      logger.warn({ err: { message: (error as Error).message } }, 'audit writer role unavailable; audit appends run as the hub user');
    }
  }
  const { signer, hash, checkpointEvery, anchor } = options.audit ?? {};
  return createAuditLog(db, {
    ...(anchor ? { anchor } : {}),
    ...(writerRole ? { writerRole } : {}),
    ...(signer ? { signer } : {}),
    ...(hash ? { hash } : {}),
    ...(checkpointEvery ? { checkpointEvery } : {}),
    onCheckpointError: (error) => logger.error({ err: { message: (error as Error).message } }, 'audit checkpoint failed'),
  });
}
