import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { readAdmissionSettings } from '../gateway/http/admission-control.js';
import { DEFAULT_RATE_LIMITS, parseRateLimitOverrides } from '../gateway/http/rate-limit.js';
import { readTrustedDocuments } from '../gateway/http/trusted-documents.js';
import { DEFAULT_MAX_QUERY_COST } from '../gateway/http/query-cost.js';

/** A limit from the environment: a whole number of requests per minute, 0 for unlimited. */
function perMinute(env: Record<string, string | undefined>, name: string, fallback: number): number {
  const text = env[name];
  if (text === undefined || text === '') return fallback;
  if (!/^\d+$/.test(text.trim())) throw new Error(`${name} must be a whole number of requests per minute (0 = unlimited), not "${text}"`);
  return Number(text);
}

/**
 * The cost limit: a whole number of at least 1. There is no "off": a hub without a cost limit answers a
 * few hundred bytes of nested pages with millions of rows.
 */
function maxQueryCost(env: Record<string, string | undefined>): number {
  const text = env.HUITONG_MAX_QUERY_COST;
  if (text === undefined || text === '') return DEFAULT_MAX_QUERY_COST;
  const value = Number(text.trim());
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(value) || value < 1) {
    throw new Error(`HUITONG_MAX_QUERY_COST must be a whole number of at least 1 (the default is ${DEFAULT_MAX_QUERY_COST}), not "${text}"`);
  }
  return value;
}

/** Express's `trust proxy`: true/false, a hop count, or addresses and subnets. */
function trustProxy(text: string | undefined): boolean | number | string | undefined {
  if (text === undefined || text === '') return undefined;
  if (text === 'true' || text === 'false') return text === 'true';
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** Every environment variable the hub reads, in one place (docs/configuration.md lists them). */
export function readConfig(env: Record<string, string | undefined> = process.env) {
  const dataDir = resolve(env.HUITONG_DATA_DIR ?? '.data');
  const production = env.NODE_ENV === 'production';
  return {
    dataDir,
    hubDataDir: join(dataDir, 'hub'),
    /** Signed audit checkpoints appended outside the database; ship it off the host (see docs/operations.md). */
    auditAnchorFile: env.HUITONG_AUDIT_ANCHOR_FILE || join(dataDir, 'audit-anchor.jsonl'),
    databaseUrl: env.DATABASE_URL || undefined,
    host: env.HOST ?? '127.0.0.1',
    /** Where `huitong subgraph` listens: loopback unless said otherwise, whatever the gateway's HOST. */
    subgraphHost: env.HUITONG_SUBGRAPH_HOST || '127.0.0.1',
    /** The gateway's and subgraph services' shared token keys (`huitong service-key rotate` writes it). */
    serviceKeyFile: env.HUITONG_SERVICE_KEY_FILE || join(dataDir, 'keys', 'service-keys.json'),
    port: Number(env.PORT ?? 4000),
    corsOrigins: (env.HUITONG_CORS_ORIGINS ?? '')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    deadlineMs: Number(env.HUITONG_DEPARTMENT_DEADLINE_MS ?? 5000),
    circuit: { failureThreshold: Number(env.HUITONG_CIRCUIT_FAILURES ?? 5), openMs: Number(env.HUITONG_CIRCUIT_OPEN_MS ?? 10_000) },
    syncIntervalMs: Number(env.HUITONG_SYNC_INTERVAL_MS ?? 3_600_000),
    /** The demo district (generated legacy systems) runs unless turned off or in production. */
    demo: env.HUITONG_DEMO ? env.HUITONG_DEMO !== '0' : !production,
    demoScale: Number(env.HUITONG_DEMO_SCALE ?? 1),
    logLevel: env.HUITONG_LOG_LEVEL ?? 'info',
    jwt: env.HUITONG_JWT_ISSUER
      ? {
          issuer: env.HUITONG_JWT_ISSUER,
          jwks: env.HUITONG_JWT_JWKS_FILE
            ? { document: JSON.parse(readFileSync(env.HUITONG_JWT_JWKS_FILE, 'utf8')) as { keys: object[] } }
            : { url: env.HUITONG_JWT_JWKS_URL ?? '' },
          ...(env.HUITONG_JWT_AUDIENCE ? { audience: env.HUITONG_JWT_AUDIENCE } : {}),
          ...(env.HUITONG_JWT_CONSUMER_CLAIM ? { consumerClaim: env.HUITONG_JWT_CONSUMER_CLAIM } : {}),
        }
      : undefined,
    production,
    /** Rate limits and admission control (on from the CLI), trusted documents (opt-in), proxy trust, the cost limit: see AbuseOptions. */
    abuse: {
      rateLimit: {
        perMinute: {
          PUBLIC: perMinute(env, 'HUITONG_RATE_LIMIT_PUBLIC_PER_MINUTE', DEFAULT_RATE_LIMITS.perMinute.PUBLIC),
          PORTAL: perMinute(env, 'HUITONG_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.perMinute.PORTAL),
          DEPARTMENT: perMinute(env, 'HUITONG_RATE_LIMIT_PER_MINUTE', DEFAULT_RATE_LIMITS.perMinute.DEPARTMENT),
          STEWARD: perMinute(env, 'HUITONG_RATE_LIMIT_STEWARD_PER_MINUTE', DEFAULT_RATE_LIMITS.perMinute.STEWARD),
        },
        overrides: parseRateLimitOverrides(env.HUITONG_RATE_LIMIT_OVERRIDES ?? ''),
      },
      trustedDocuments: env.HUITONG_TRUSTED_DOCUMENTS ? readTrustedDocuments(env.HUITONG_TRUSTED_DOCUMENTS) : undefined,
      trustProxy: trustProxy(env.HUITONG_TRUST_PROXY),
      admission: readAdmissionSettings(env),
      maxQueryCost: maxQueryCost(env),
    },
  };
}
export type HubConfig = ReturnType<typeof readConfig>;
