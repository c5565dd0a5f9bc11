import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { silentLogger, type Logger } from '../../src/logging/logger.js';
import { demoRegistrySeed, ensureDemoData, seedDemoCatalogue, startDemoSystems, type DemoSystems } from '../../src/demo/demo-district.js';
import type { RegistrySeed } from '../../src/gateway/departments/registry-store.js';
import type { KindRegistry } from '../../src/adapters/spec/parse-spec.js';
import { startHub, type Hub } from '../../src/gateway/hub.js';
import { openServiceKeyring } from '../../src/subgraphs/service-keys.js';
import type { JwtSettings } from '../../src/gateway/auth/jwt.js';
import type { AbuseOptions } from '../../src/gateway/http/http-server.js';
import type { Backend } from './databases.js';
import { createAuditSigner, generateAuditKeyPair, openAuditAnchor } from '../../src/storage/audit-log/index.js';

export interface DemoHub {
  hub: Hub;
  /** The hub's PostgreSQL database, or undefined on PGlite. */
  databaseUrl: string | undefined;
  demo: DemoSystems;
  dataDir: string;
  /** The public key of the audit checkpoints this hub signs (PEM), for `verifyAuditChain`. */
  auditPublicKey: string;
  /** The anchor file the hub appends its signed checkpoints to (in `dataDir`). */
  auditAnchorFile: string;
  /**
   * POSTs a GraphQL request to the running hub over HTTP, as the demo data steward (who sees everything in
   * clear) unless `headers.authorization` says otherwise; `authorization: ''` asks as the public.
   */
  query<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers?: Record<string, string>,
  ): Promise<{ data?: T; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }> }>;
  stop(): Promise<void>;
}

/**
 * A hub over the demo district on a real loopback port, on the given storage backend, with its own
 * temporary data directory. `env` overrides a department's connection (e.g. a dead housing URL).
 */
export async function startDemoHub(
  backend: Backend,
  options: {
    scale?: number;
    env?: Record<string, string>;
    registry?: RegistrySeed;
    kinds?: KindRegistry;
    /** Use this PostgreSQL database instead of a fresh one (another hub's). */
    databaseUrl?: string;
    deadlineMs?: number;
    circuit?: { failureThreshold?: number; openMs?: number };
    jwt?: JwtSettings;
    abuse?: AbuseOptions;
    governance?: boolean;
    logger?: Logger;
    /** The service-token key file of the subgraph services in `registry` (see `startSubgraphProcess`). */
    serviceKeyFile?: string;
  } = {},
): Promise<DemoHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'huitong-test-'));
  await ensureDemoData(dataDir, { scale: options.scale ?? 0.2 });
  const demo = await startDemoSystems(dataDir, { ...options.env });
  // A second hub on the same PostgreSQL database shares it (and leaves dropping it to the first).
  const fresh = options.databaseUrl ? { url: options.databaseUrl, drop: async () => {} } : await backend.freshUrl();
  const auditKeys = generateAuditKeyPair();
  const auditAnchorFile = join(dataDir, 'audit-anchor.jsonl');
  const hub = await startHub({
    databaseUrl: fresh.url,
    hubDataDir: join(dataDir, 'hub'),
    port: 0,
    registrySeed: options.registry ?? demoRegistrySeed,
    ...(options.kinds ? { kinds: options.kinds } : {}),
    env: demo.env,
    deadlineMs: options.deadlineMs ?? 10_000,
    ...(options.circuit ? { circuit: options.circuit } : {}),
    syncIntervalMs: 0,
    demoCredentialsDir: dataDir,
    ...(options.jwt ? { jwt: options.jwt } : {}),
    ...(options.governance === false ? { governance: false } : {}),
    audit: { signer: createAuditSigner(auditKeys.privateKeyPem), checkpointIntervalMs: 0, anchor: openAuditAnchor(auditAnchorFile) },
    ...(options.abuse ? { abuse: options.abuse } : {}),
    ...(options.serviceKeyFile ? { serviceKeys: openServiceKeyring(options.serviceKeyFile) } : {}),
    logger:
      options.logger ??
      (process.env.HUITONG_TEST_LOG ? { ...silentLogger, error: (obj: object, msg?: string) => console.error(msg, JSON.stringify(obj)) } : silentLogger),
  });
  await seedDemoCatalogue(hub.db, dataDir);
  return {
    hub,
    databaseUrl: fresh.url,
    demo,
    dataDir,
    auditPublicKey: auditKeys.publicKeyPem,
    auditAnchorFile,
    async query(query, variables, headers = {}) {
      const response = await fetch(`${hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-steward-key', ...headers },
        body: JSON.stringify({ query, variables }),
      });
      return response.json() as Promise<any>;
    },
    async stop() {
      await hub.stop();
      await demo.stop();
      await fresh.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
