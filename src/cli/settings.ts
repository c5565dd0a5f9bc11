import { z } from 'zod';
import { DEFAULT_ADMISSION } from '../gateway/http/admission-control.js';
import { DEFAULT_MAX_QUERY_COST } from '../gateway/http/query-cost.js';
import { DEFAULT_RATE_LIMITS } from '../gateway/http/rate-limit.js';

/** What `huitong config` and the docs say of a setting: its accepted form, and whether it holds a secret. */
interface SettingMeta {
  accepted: string;
  secret?: 'password' | 'whole';
}

// An empty variable (`PORT=`) means unset, as a shell user expects: the default applies.
const unset = (value: unknown) => (typeof value === 'string' && value.trim() === '' ? undefined : value);
const setting = <T extends z.ZodType>(schema: T, meta: SettingMeta) => z.preprocess(unset, schema).meta(meta as unknown as Record<string, unknown>);

const whole = (accepted: string, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  z
    .string()
    .trim()
    .regex(/^\d+$/)
    .transform(Number)
    .refine((n) => Number.isSafeInteger(n) && n >= min && n <= max)
    .describe(accepted);
const wholeSetting = (accepted: string, fallback: number, min = 0, max?: number) =>
  setting(whole(accepted, min, max).optional().default(fallback), { accepted });
const choice = <const T extends readonly [string, ...string[]]>(values: T, fallback: T[number]) =>
  setting(
    z
      .enum(values)
      .optional()
      .default(fallback as never),
    { accepted: `one of ${values.join(', ')}` },
  );
const url = (accepted: string, protocols: readonly string[], secret?: SettingMeta['secret']) =>
  setting(
    z
      .string()
      .trim()
      .refine((text) => {
        try {
          return protocols.includes(new URL(text).protocol);
        } catch {
          return false;
        }
      })
      .optional(),
    { accepted, ...(secret ? { secret } : {}) },
  );
const text = (accepted: string, secret?: SettingMeta['secret']) => setting(z.string().trim().optional(), { accepted, ...(secret ? { secret } : {}) });
const rateLimit = (fallback: number) => wholeSetting('a whole number of requests per minute (0 = unlimited)', fallback);

/**
 * Each CORS origin as a browser sends it (`https://portal.example.gov.cn`, no path), or `*`. A trailing
 * slash is dropped — browsers never send one, so an origin written with it would match nothing; any other
 * path is refused rather than silently allowing nothing.
 */
const corsOrigins = setting(
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      const origins: string[] = [];
      for (const item of (value ?? '')
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)) {
        if (item === '*') {
          origins.push(item);
          continue;
        }
        let parsed: URL | undefined;
        try {
          parsed = new URL(item);
        } catch {}
        if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.pathname !== '/' || parsed.search || parsed.hash || parsed.username) {
          ctx.addIssue({ code: 'custom', message: `"${item}" is not an origin` });
          return z.NEVER;
        }
        origins.push(parsed.origin);
      }
      return origins;
    }),
  { accepted: 'comma-separated origins, scheme://host[:port] with no path (e.g. https://portal.example.gov.cn), or *' },
);

/**
 * Every environment variable the hub and its commands read, validated, with its default. The keys are
 * the variables' names; docs/configuration.md documents each one (test/cli/settings-docs.test.ts checks).
 *
 * @example
 * settingsSchema.parse({ PORT: '4100' }).PORT; // 4100
 */
export const settingsSchema = z.object({
  PORT: wholeSetting('a port number, 0–65535', 4000, 0, 65_535),
  HOST: setting(z.string().trim().optional().default('127.0.0.1'), { accepted: 'an address or host name to listen on' }),
  DATABASE_URL: url('a PostgreSQL URL, postgres://USER:PASSWORD@HOST:PORT/DATABASE', ['postgres:', 'postgresql:'], 'password'),
  HUITONG_DB_POOL_SIZE: wholeSetting('a whole number of connections, at least 1', 10, 1),
  HUITONG_PGLITE_THREAD: choice(['worker', 'main'] as const, 'worker'),
  HUITONG_DATA_DIR: setting(z.string().optional().default('.data'), { accepted: 'a directory' }),
  NODE_ENV: text('production for production mode; anything else is not'),
  HUITONG_DEMO: setting(z.enum(['0', '1', 'true', 'false']).optional(), { accepted: 'one of 0, 1, true, false' }),
  HUITONG_DEMO_SCALE: setting(
    z
      .string()
      .trim()
      .regex(/^\d+(\.\d+)?$/)
      .transform(Number)
      .refine((n) => n > 0)
      .optional()
      .default(1),
    { accepted: 'a positive number (1 is the demo district, 200 about a million permits)' },
  ),
  HUITONG_LOG_LEVEL: choice(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
  HUITONG_MARKET_DB_URL: url(
    'a database URL (postgres://…, mysql://…) or file: and a PGlite directory',
    ['postgres:', 'postgresql:', 'mysql:', 'mariadb:', 'file:'],
    'password',
  ),
  HUITONG_HOUSING_API_URL: url('an http(s) URL', ['http:', 'https:']),
  HUITONG_HEALTH_EXPORT_DIR: text('a directory'),
  HUITONG_SECRETS_DIR: text('a directory'),
  HUITONG_ADAPTER_PACKAGES: text('comma-separated npm package names or absolute module paths'),
  HUITONG_DEPARTMENT_DEADLINE_MS: wholeSetting('a whole number of milliseconds, at least 1', 5000, 1),
  HUITONG_CIRCUIT_FAILURES: wholeSetting('a whole number of failures, at least 1', 5, 1),
  HUITONG_CIRCUIT_OPEN_MS: wholeSetting('a whole number of milliseconds, at least 1', 10_000, 1),
  HUITONG_SYNC_INTERVAL_MS: wholeSetting('a whole number of milliseconds (0 = no schedule)', 3_600_000),
  HUITONG_CORS_ORIGINS: corsOrigins,
  HUITONG_JWT_ISSUER: text('the issuer (iss) of the JWTs to accept'),
  HUITONG_JWT_JWKS_URL: url('an http(s) URL of the issuer’s JWKS', ['http:', 'https:']),
  HUITONG_JWT_JWKS_FILE: text('a JWKS JSON file'),
  HUITONG_JWT_AUDIENCE: text('the audience (aud) the JWTs must name'),
  HUITONG_JWT_CONSUMER_CLAIM: text('the claim naming the consumer'),
  HUITONG_AUDIT_SIGNING_KEY_FILE: text('an Ed25519 private key file (PEM)'),
  HUITONG_AUDIT_PUBLIC_KEY_FILE: text('an Ed25519 public key file (PEM)'),
  HUITONG_AUDIT_HASH: choice(['sha256', 'sm3'] as const, 'sha256'),
  HUITONG_AUDIT_RETENTION_DAYS: wholeSetting('a whole number of days, at least 183 (网络安全法 Art. 21)', 183, 183),
  HUITONG_AUDIT_ANCHOR_FILE: text('a file'),
  HUITONG_SERVICE_KEY_FILE: text('a file'),
  HUITONG_SUBGRAPH_HOST: setting(z.string().trim().optional().default('127.0.0.1'), { accepted: 'an address to listen on' }),
  HUITONG_RATE_LIMIT_PUBLIC_PER_MINUTE: rateLimit(DEFAULT_RATE_LIMITS.perMinute.PUBLIC),
  HUITONG_RATE_LIMIT_PER_MINUTE: rateLimit(DEFAULT_RATE_LIMITS.perMinute.PORTAL),
  HUITONG_RATE_LIMIT_STEWARD_PER_MINUTE: rateLimit(DEFAULT_RATE_LIMITS.perMinute.STEWARD),
  HUITONG_RATE_LIMIT_OVERRIDES: setting(
    z
      .string()
      .optional()
      .transform((value, ctx) => {
        const overrides: Record<string, number> = {};
        for (const item of (value ?? '')
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean)) {
          const match = /^([^=\s]+)\s*=\s*(\d+)$/.exec(item);
          if (!match) {
            ctx.addIssue({ code: 'custom', message: `"${item}" is not CONSUMER_ID=REQUESTS_PER_MINUTE` });
            return z.NEVER;
          }
          overrides[match[1]!] = Number(match[2]);
        }
        return overrides;
      }),
    { accepted: 'comma-separated CONSUMER_ID=REQUESTS_PER_MINUTE' },
  ),
  HUITONG_TRUST_PROXY: text('true, false, a hop count, or addresses and subnets (express trust proxy)'),
  HUITONG_TRUSTED_DOCUMENTS: text('a persisted-operations manifest file (JSON)'),
  HUITONG_MAX_IN_FLIGHT: wholeSetting('a whole number (0 = no admission control)', DEFAULT_ADMISSION.maxInFlight),
  HUITONG_MAX_QUEUE: wholeSetting('a whole number', DEFAULT_ADMISSION.maxQueue),
  HUITONG_MAX_QUEUE_WAIT_MS: wholeSetting('a whole number of milliseconds', DEFAULT_ADMISSION.maxQueueWaitMs),
  HUITONG_MAX_EVENT_LOOP_DELAY_MS: wholeSetting('a whole number of milliseconds (0 = off)', DEFAULT_ADMISSION.maxEventLoopDelayMs),
  HUITONG_MAX_QUERY_COST: wholeSetting(`a whole number of at least 1 (the default is ${DEFAULT_MAX_QUERY_COST})`, DEFAULT_MAX_QUERY_COST, 1),
  HUITONG_PREPARED_DELEGATION: choice(['on', 'off'] as const, 'on'),
  HUITONG_COMPILED_QUERIES: choice(['on', 'first', 'off'] as const, 'on'),
  HUITONG_SUBGRAPH_FETCH: choice(['undici', 'whatwg'] as const, 'undici'),
  HUITONG_PHASE_TIMINGS: choice(['0', '1'] as const, '0'),
  OTEL_EXPORTER_OTLP_ENDPOINT: url('an http(s) URL of an OTLP/HTTP collector', ['http:', 'https:']),
  OTEL_SERVICE_NAME: text('a service name'),
  HUITONG_URL: url('an http(s) URL of a running hub', ['http:', 'https:']),
  HUITONG_KEY: text('a data steward’s API key', 'whole'),
});

export type Settings = z.output<typeof settingsSchema>;
export type SettingName = keyof typeof settingsSchema.shape;

/** One setting a user got wrong: its name, the form it accepts, and what was given (secrets hidden). */
export interface SettingProblem {
  setting: string;
  accepted: string;
  given: string;
  detail?: string;
}

/** Settings that cannot be used: `problems` names each, `message` says them all, one per line. */
export class ConfigError extends Error {
  constructor(readonly problems: SettingProblem[]) {
    super(
      problems
        .map((p) => `${p.setting} must be ${p.accepted}, not "${p.given}"${p.detail && !p.detail.startsWith('Invalid') ? ` (${p.detail})` : ''}`)
        .join('\n'),
    );
    this.name = 'ConfigError';
  }
}

/** What a setting accepts and whether it is secret, from the schema. */
export function settingMeta(name: SettingName): SettingMeta {
  return settingsSchema.shape[name].meta() as unknown as SettingMeta;
}

/**
 * Reads and checks every setting at once: the values, defaults filled in, or a ConfigError naming each
 * bad setting with its accepted form.
 *
 * @example
 * parseSettings({ HUITONG_DEPARTMENT_DEADLINE_MS: 'abc' });
 * // throws ConfigError: HUITONG_DEPARTMENT_DEADLINE_MS must be a whole number of milliseconds, at least 1, not "abc"
 */
export function parseSettings(env: Record<string, string | undefined>): Settings {
  const picked = Object.fromEntries(Object.keys(settingsSchema.shape).map((name) => [name, env[name]]));
  const result = settingsSchema.safeParse(picked);
  if (result.success) return result.data;
  const seen = new Set<string>();
  const problems: SettingProblem[] = [];
  for (const issue of result.error.issues) {
    const name = String(issue.path[0]) as SettingName;
    if (seen.has(name)) continue;
    seen.add(name);
    problems.push({ setting: name, accepted: settingMeta(name).accepted, given: maskValue(name, env[name] ?? ''), detail: issue.message });
  }
  throw new ConfigError(problems);
}

/**
 * A setting's value as it may be shown: a URL's password replaced by ****, a whole secret by ****.
 *
 * @example
 * maskValue('DATABASE_URL', 'postgres://hub:s3cret@db:5432/huitong'); // 'postgres://hub:****@db:5432/huitong'
 */
export function maskValue(name: SettingName, value: string): string {
  const secret = settingMeta(name).secret;
  if (!secret || value === '') return value;
  if (secret === 'whole') return '****';
  // Not through URL: its serialisation would change what the user wrote (and may not parse at all).
  return value.replace(/^([a-z][a-z0-9+.-]*:\/\/[^:/@]*:)[^@]*@/i, '$1****@');
}
