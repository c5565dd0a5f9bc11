import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readTrustedDocuments } from '../gateway/http/trusted-documents.js';
import { ConfigError, parseSettings } from './settings.js';

/** Express's `trust proxy`: true/false, a hop count, or addresses and subnets. */
function trustProxy(text: string | undefined): boolean | number | string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** A file a setting names, read now, so a bad one stops the command before any work with its setting's name. */
function readSettingFile<T>(setting: string, file: string, read: (file: string) => T, accepted: string): T {
  try {
    return read(file);
  } catch (error) {
    throw new ConfigError([{ setting, accepted, given: file, detail: (error as Error).message }]);
  }
}

/**
 * The hub's configuration from the environment: every variable checked through one schema (settings.ts),
 * defaults filled in, files it names read. A bad value throws a ConfigError naming the setting and the
 * form it accepts, before any work (docs/configuration.md lists them).
 *
 * @example
 * const config = readConfig({ PORT: '4100', HUITONG_DEMO: '0' }); // config.port === 4100
 */
export function readConfig(env: Record<string, string | undefined> = process.env) {
  const settings = parseSettings(env);
  const dataDir = resolve(settings.HUITONG_DATA_DIR);
  const production = settings.NODE_ENV === 'production';
  if (settings.HUITONG_JWT_ISSUER && !settings.HUITONG_JWT_JWKS_URL && !settings.HUITONG_JWT_JWKS_FILE) {
    throw new ConfigError([{ setting: 'HUITONG_JWT_JWKS_URL', accepted: 'set (or HUITONG_JWT_JWKS_FILE) when HUITONG_JWT_ISSUER is', given: '' }]);
  }
  const admission = {
    maxInFlight: settings.HUITONG_MAX_IN_FLIGHT,
    maxQueue: settings.HUITONG_MAX_QUEUE,
    maxQueueWaitMs: settings.HUITONG_MAX_QUEUE_WAIT_MS,
    maxEventLoopDelayMs: settings.HUITONG_MAX_EVENT_LOOP_DELAY_MS,
  };
  return {
    /** The validated settings themselves, by variable name (`huitong config` prints them). */
    settings,
    dataDir,
    hubDataDir: join(dataDir, 'hub'),
    /** Signed audit checkpoints appended outside the database; ship it off the host (see docs/operations.md). */
    auditAnchorFile: settings.HUITONG_AUDIT_ANCHOR_FILE || join(dataDir, 'audit-anchor.jsonl'),
    databaseUrl: settings.DATABASE_URL,
    host: settings.HOST,
    /** Where `huitong subgraph` listens: loopback unless said otherwise, whatever the gateway's HOST. */
    subgraphHost: settings.HUITONG_SUBGRAPH_HOST,
    /** The gateway's and subgraph services' shared token keys (`huitong service-key rotate` writes it). */
    serviceKeyFile: settings.HUITONG_SERVICE_KEY_FILE || join(dataDir, 'keys', 'service-keys.json'),
    port: settings.PORT,
    corsOrigins: settings.HUITONG_CORS_ORIGINS,
    deadlineMs: settings.HUITONG_DEPARTMENT_DEADLINE_MS,
    circuit: { failureThreshold: settings.HUITONG_CIRCUIT_FAILURES, openMs: settings.HUITONG_CIRCUIT_OPEN_MS },
    syncIntervalMs: settings.HUITONG_SYNC_INTERVAL_MS,
    /** The demo district (generated legacy systems) runs unless turned off or in production. */
    demo: settings.HUITONG_DEMO ? settings.HUITONG_DEMO === '1' || settings.HUITONG_DEMO === 'true' : !production,
    demoScale: settings.HUITONG_DEMO_SCALE,
    logLevel: settings.HUITONG_LOG_LEVEL,
    jwt: settings.HUITONG_JWT_ISSUER
      ? {
          issuer: settings.HUITONG_JWT_ISSUER,
          jwks: settings.HUITONG_JWT_JWKS_FILE
            ? {
                document: readSettingFile(
                  'HUITONG_JWT_JWKS_FILE',
                  settings.HUITONG_JWT_JWKS_FILE,
                  (file) => JSON.parse(readFileSync(file, 'utf8')) as { keys: object[] },
                  'a readable JWKS JSON file',
                ),
              }
            : { url: settings.HUITONG_JWT_JWKS_URL ?? '' },
          ...(settings.HUITONG_JWT_AUDIENCE ? { audience: settings.HUITONG_JWT_AUDIENCE } : {}),
          ...(settings.HUITONG_JWT_CONSUMER_CLAIM ? { consumerClaim: settings.HUITONG_JWT_CONSUMER_CLAIM } : {}),
        }
      : undefined,
    production,
    /** Rate limits and admission control (on from the CLI), trusted documents (opt-in), proxy trust, the cost limit: see AbuseOptions. */
    abuse: {
      rateLimit: {
        perMinute: {
          PUBLIC: settings.HUITONG_RATE_LIMIT_PUBLIC_PER_MINUTE,
          PORTAL: settings.HUITONG_RATE_LIMIT_PER_MINUTE,
          DEPARTMENT: settings.HUITONG_RATE_LIMIT_PER_MINUTE,
          STEWARD: settings.HUITONG_RATE_LIMIT_STEWARD_PER_MINUTE,
        },
        overrides: settings.HUITONG_RATE_LIMIT_OVERRIDES,
      },
      trustedDocuments: settings.HUITONG_TRUSTED_DOCUMENTS
        ? readSettingFile('HUITONG_TRUSTED_DOCUMENTS', settings.HUITONG_TRUSTED_DOCUMENTS, readTrustedDocuments, 'a readable persisted-operations manifest')
        : undefined,
      trustProxy: trustProxy(settings.HUITONG_TRUST_PROXY),
      admission: admission.maxInFlight > 0 ? admission : null,
      maxQueryCost: settings.HUITONG_MAX_QUERY_COST,
    },
  };
}
export type HubConfig = ReturnType<typeof readConfig>;
