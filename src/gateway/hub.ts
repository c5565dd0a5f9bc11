import { dirname } from 'node:path';
import type { Kysely } from 'kysely';
import type { RuntimeAdapter } from '../adapters/core/runtime-adapter.js';
import type { Logger } from '../logging/logger.js';
import { loadAdapterKinds } from '../adapters/load-kinds.js';
import type { KindRegistry } from '../adapters/spec/parse-spec.js';
import { createCatalogueSubgraph } from '../subgraphs/catalogue/catalogue-subgraph.js';
import { seedBuiltInCalendars } from '../subgraphs/catalogue/working-day-calendar.js';
import { createIdentitySubgraph } from '../subgraphs/identity/identity-subgraph.js';
import { forgetSyncState, syncIdentity, type SyncReport } from '../subgraphs/identity/sync.js';
import { reclassifyStoredApplicants } from '../subgraphs/identity/reclassify.js';
import { migrateToLatest, openDatabase, type Database, type HubDatabase } from '../storage/index.js';
import {
  createAuditLog,
  ensureAuditWriterRole,
  type AuditAnchor,
  type AuditHashAlgorithm,
  type AuditLog,
  type AuditSigner,
} from '../storage/audit-log/index.js';
import type { ServiceKeyring } from '../subgraphs/service-keys.js';
import { createServiceTokenIssuer } from '../subgraphs/service-token.js';
import { watchAuditAnchor } from './observability/audit-anchor-watch.js';
import { identitySyncHealth } from './observability/identity-sync-health.js';
import { createPurposeCatalogue, liveGrants, seedDemoPurposes } from '../subgraphs/governance/index.js';
import { governancePlugin } from './governance/index.js';
import { createAuthenticator } from './auth/authenticate.js';
import { liveDemoKeys, seedDemoCredentials } from './auth/demo-credentials.js';
import type { JwtSettings } from './auth/jwt.js';
import { createMetrics, departmentObserver } from './observability/metrics.js';
import { departmentOpener } from './departments/department-opener.js';
import type { DepartmentSlot } from './departments/department-slot.js';
import { composeHub, type HubComposition } from './departments/hub-composition.js';
import { LiveGateway } from './departments/live-gateway.js';
import { startTracing, tracingPlugin } from './observability/tracing.js';
import { PhaseCollector, phaseTimingsPlugin } from './observability/phase-timings.js';
import { setPhaseTimings } from '../subgraphs/phase-context.js';
import { inProcessEndpoint } from './delegation/endpoints.js';
import { startHttpServer, type AbuseOptions, type RunningHttpServer } from './http/http-server.js';
import { findPortalBuild, portalTrustedDocuments } from './http/portal-site.js';
import { reservedAliasesRule } from './http/reserved-aliases.js';
import { mergeTrustedDocuments } from './http/trusted-documents.js';
import { DepartmentManager } from './departments/department-manager.js';
import { createRegistrySubgraph } from './departments/registry-subgraph.js';
import { listDepartments, loadRegistry, registryGeneration, type RegistrySeed } from './departments/registry-store.js';
import { watchRegistry, type RegistryWatch } from './departments/registry-watch.js';
import { kindContext } from '../adapters/open-spec-adapter.js';

export interface HubOptions {
  /** The hub's own database: a PostgreSQL URL, or else an embedded PGlite directory. */
  databaseUrl?: string | undefined;
  hubDataDir?: string;
  /** Where departments' adapters may keep stores they own (`<dataDir>/departments/<code>`); default: hubDataDir's parent. */
  dataDir?: string;
  /** The adapter kinds department specs may name (default: the kinds the hub ships and HUITONG_ADAPTER_PACKAGES adds). */
  kinds?: KindRegistry;
  host?: string;
  port?: number;
  corsOrigins?: readonly string[];
  /** Registry rows to seed on first start. */
  registrySeed?: RegistrySeed;
  /** Where `{ env: NAME }` connection references are read from. */
  env?: Record<string, string | undefined>;
  /** Deadline of one department call, retries included, ms. */
  deadlineMs?: number;
  /** Per-department circuit breaker: consecutive failures that open it, and how long it stays open (ms). */
  circuit?: { failureThreshold?: number; openMs?: number };
  /** How often each process checks the registry for changes made elsewhere, ms (PostgreSQL only; NOTIFY is faster). */
  registryPollMs?: number;
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
  audit?: {
    signer?: AuditSigner | undefined;
    hash?: AuditHashAlgorithm;
    checkpointEvery?: number;
    checkpointIntervalMs?: number;
    anchor?: AuditAnchor | undefined;
  };
  /** Signs the service tokens subgraph services require; needed when the registry gives any department a URL. */
  serviceKeys?: ServiceKeyring | undefined;
  /** Single sign-on: accept JWTs from this issuer, checked against its JWKS. */
  jwt?: JwtSettings | undefined;
  /** Rate limits, trusted documents, proxy trust (see AbuseOptions); none when absent. */
  abuse?: AbuseOptions | undefined;
  /** The web portal's build folder, served at /portal; default portal/dist of this checkout, null for none. */
  portalDir?: string | null;
  /** Times every request by phase (`hub.phases`); default `HUITONG_PHASE_TIMINGS=1`. For profiling: off, nothing is timed. */
  phaseTimings?: boolean;
  logger: Logger;
}

export interface Hub {
  url: string;
  db: Kysely<HubDatabase>;
  /** Wrapped adapters of in-process departments, by code (tests read their call counters). */
  adapters: ReadonlyMap<string, RuntimeAdapter>;
  /** The audit trail the gateway writes every cross-department release to. */
  audit: AuditLog;
  /** Department onboarding and changes without a restart (what the registry mutations and CLI use). */
  departments: DepartmentManager;
  /** Relinks identities now; `onProgress` hears the count of records read so far. */
  sync(options?: { onProgress?: (records: number) => void }): Promise<SyncReport>;
  /** Every request's phase timings when `phaseTimings` is on; null otherwise. */
  phases: PhaseCollector | null;
  stop(): Promise<void>;
}

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
  const phases = (options.phaseTimings ?? env.HUITONG_PHASE_TIMINGS === '1') ? new PhaseCollector() : null;
  // Before anything is composed: timed subgraph calls and governed fields are chosen when a schema is built.
  if (phases) setPhaseTimings(true);
  let ready = false;
  const database: Database<HubDatabase> = await openDatabase<HubDatabase>(
    options.databaseUrl ? { url: options.databaseUrl } : { dir: options.hubDataDir ?? '.data/hub' },
  );
  const db = database.db;
  const slots: DepartmentSlot[] = [];
  let live: LiveGateway<HubComposition> | undefined;
  let watch: RegistryWatch | undefined;
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
      if (demo.length)
        throw new Error(`production mode refuses to start while demo keys are live (${demo.join(', ')}); revoke them with \`huitong keys revoke\``);
    }
    // Before anything is served: applicants stored under older identifier classification rules are read again.
    const reclassified = await reclassifyStoredApplicants(db);
    if (reclassified) logger.info(reclassified, 'stored applicants re-classified');
    const registry = await loadRegistry(db, options.registrySeed ?? []);
    const kinds = options.kinds ?? (await loadAdapterKinds(env));
    const opening = {
      kinds,
      env,
      secretsDir: env.HUITONG_SECRETS_DIR,
      dataDir: options.dataDir ?? dirname(options.hubDataDir ?? '.data/hub'),
      logger,
    };
    const tokens = options.serviceKeys ? createServiceTokenIssuer(options.serviceKeys) : undefined;
    const openSlot = departmentOpener({
      ...opening,
      ...(tokens ? { serviceToken: (code: string) => tokens.token(code) } : {}),
      observer,
      deadlineMs: options.deadlineMs ?? 5000,
      ...(options.circuit ? { circuit: options.circuit } : {}),
    });
    // All at once: one department's store loading (a CSV export indexed) need not wait for another's.
    const opened = await Promise.allSettled(registry.filter((e) => e.adapterKind !== 'catalogue' && e.enabled).map((e) => openSlot(e)));
    for (const result of opened) if (result.status === 'fulfilled') slots.push(result.value);
    const failedToOpen = opened.find((r) => r.status === 'rejected');
    if (failedToOpen) throw failedToOpen.reason;
    const audit = await openAuditLog(db, options, logger);
    const anchorWatch = options.audit?.anchor ? watchAuditAnchor(db, options.audit.anchor, { registry: metrics.registry, logger }) : undefined;
    await anchorWatch?.check();
    const registrySubgraph = createRegistrySubgraph({ db, audit, manager: () => manager });
    const shared = [
      inProcessEndpoint(createCatalogueSubgraph(db), 'catalogue'),
      inProcessEndpoint(createIdentitySubgraph(db), 'identity'),
      inProcessEndpoint(registrySubgraph, 'service'),
    ];
    const parts = { db, shared, governed: options.governance !== false };
    live = new LiveGateway(await composeHub(await registryGeneration(db), slots, parts));
    const manager: DepartmentManager = new DepartmentManager({
      db,
      kinds,
      live,
      open: openSlot,
      kindContext: (code) => kindContext(code, opening),
      parts,
      logger,
      // A department added or enabled is linked before the change answers; other changes relink in the background.
      afterChange: async (code, change) => {
        const run = sync().then(() => undefined);
        if (change === 'add' || change === 'enable') await run;
        else
          run.catch((error) => logger.error({ department: code, err: { message: (error as Error).message } }, 'identity sync after a registry change failed'));
      },
      catalogueCodes: async () => new Set((await db.selectFrom('service_items').select('code').execute()).map((r) => r.code)),
    });
    if (options.databaseUrl)
      watch = watchRegistry({ databaseUrl: options.databaseUrl, pollMs: options.registryPollMs ?? 1000, onChange: () => manager.reload(), logger });
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

    const syncHealth = identitySyncHealth(metrics.registry);
    const sync = async (run: { onProgress?: (records: number) => void } = {}) => {
      const retain = (await listDepartments(db)).filter((d) => !d.enabled).map((d) => d.code);
      const report = await syncHealth.track(
        syncIdentity(db, live!.current.sources, { vacuum: !options.databaseUrl, retain, databaseUrl: options.databaseUrl, ...run }),
      );
      const { records, applicants, resolution, written, timings } = report;
      logger.info({ records, applicants, resolution, written, timings, failed: report.failed.map((f) => f.department) }, 'identity sync done');
      return report;
    };

    const firstStart = (await db.selectFrom('applicant_records').select('local_id').limit(1).execute()).length === 0;
    if (firstStart) await sync();
    else void sync().catch((error) => logger.error({ err: { message: (error as Error).message } }, 'identity sync failed'));
    if (options.syncIntervalMs) {
      timer = setInterval(
        () => void sync().catch((error) => logger.error({ err: { message: (error as Error).message } }, 'identity sync failed')),
        options.syncIntervalMs,
      );
      timer.unref();
    }

    const served = live;
    const portalDir = options.portalDir === undefined ? findPortalBuild() : options.portalDir;
    // Under trusted documents, the portal's own operations (its build's manifest) run beside the deployment's.
    const portalDocs = portalDir ? portalTrustedDocuments(portalDir) : null;
    const trustedDocuments = options.abuse?.trustedDocuments;
    http = await startHttpServer({
      gateway: served,
      sdl: () => served.current.sdl,
      logger,
      host: options.host ?? '127.0.0.1',
      port: options.port ?? 4000,
      corsOrigins: options.corsOrigins ?? [],
      isReady: () => ready,
      production: options.production ?? false,
      authenticate: createAuthenticator(db, { jwt: options.jwt }),
      ...options.abuse,
      trustedDocuments: trustedDocuments && portalDocs ? mergeTrustedDocuments(trustedDocuments, portalDocs) : trustedDocuments,
      portal: portalDir ? { dir: portalDir, demo: options.demoCredentialsDir !== undefined } : null,
      demo: options.demoCredentialsDir !== undefined,
      metrics: metrics.registry,
      // No client alias may take a response key the gateway reads (governance facts, protocol fields).
      validationRules: [reservedAliasesRule],
      plugins: [
        served.plugin,
        metrics.plugin,
        tracingPlugin,
        ...(parts.governed
          ? [governancePlugin({ audit, grants: (consumerId, at) => liveGrants(db, consumerId, at), purposeExists: (code) => purposes.has(code), logger })]
          : []),
        ...(phases ? [phaseTimingsPlugin(phases)] : []),
      ],
      departmentsHealth: () => served.current.health(),
      readinessDetail: async () => ({ identitySync: syncHealth.status(), ...(anchorWatch ? { audit: await anchorWatch.check() } : {}) }),
    });
    ready = true;
    const running = http;
    return {
      url: running.url,
      db,
      get adapters() {
        return adaptersOf(served.current);
      },
      audit,
      departments: manager,
      sync,
      phases,
      async stop() {
        ready = false;
        await watch?.stop();
        clearInterval(timer);
        clearInterval(checkpointTimer);
        await running.stop();
        // The tail written since the last checkpoint gets its signature before the hub goes away.
        if (signer) await audit.checkpoint().catch((error) => logger.error({ err: { message: (error as Error).message } }, 'audit checkpoint failed'));
        await served.current.close();
        if (phases) setPhaseTimings(false);
        forgetSyncState(db);
        await database.close();
        await stopTracing();
      },
    };
  } catch (error) {
    await watch?.stop();
    clearInterval(timer);
    clearInterval(checkpointTimer);
    await http?.stop().catch(() => {});
    await (live ? live.current.close() : Promise.all(slots.map((s) => s.hold().release())));
    await database.close();
    await stopTracing();
    throw error;
  }
}

/** The wrapped adapters of a composition's in-process departments, by code. */
function adaptersOf(composition: HubComposition): Map<string, RuntimeAdapter> {
  const out = new Map<string, RuntimeAdapter>();
  for (const [code, slot] of composition.departments) if (slot.adapter) out.set(code, slot.adapter);
  return out;
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
    ...(writerRole ? { writerRole } : {}),
    ...(signer ? { signer } : {}),
    ...(hash ? { hash } : {}),
    ...(checkpointEvery ? { checkpointEvery } : {}),
    ...(anchor ? { anchor } : {}),
    onCheckpointError: (error) => logger.error({ err: { message: (error as Error).message } }, 'audit checkpoint failed'),
  });
}
