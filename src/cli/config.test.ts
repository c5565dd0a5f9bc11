import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_ADMISSION } from '../gateway/http/admission-control.js';
import { DEFAULT_MAX_QUERY_COST } from '../gateway/http/query-cost.js';
import { DEFAULT_RATE_LIMITS } from '../gateway/http/rate-limit.js';
import { sha256Hex } from '../gateway/http/trusted-documents.js';
import { readConfig } from './config.js';
import { ConfigError, maskValue } from './settings.js';

const dir = mkdtempSync(join(tmpdir(), 'huitong-config-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('abuse settings from the environment', () => {
  it('limits every caller by default and has no trusted documents', () => {
    const { abuse } = readConfig({});
    expect(abuse.rateLimit).toEqual({ ...DEFAULT_RATE_LIMITS, overrides: {} });
    expect(abuse.trustedDocuments).toBeUndefined();
    expect(abuse.trustProxy).toBeUndefined();
  });

  it('reads limits per kind, per consumer and the proxy to trust', () => {
    const { abuse } = readConfig({
      HUITONG_RATE_LIMIT_PUBLIC_PER_MINUTE: '30',
      HUITONG_RATE_LIMIT_PER_MINUTE: '300',
      HUITONG_RATE_LIMIT_STEWARD_PER_MINUTE: '0',
      HUITONG_RATE_LIMIT_OVERRIDES: 'demo-portal=1000',
      HUITONG_TRUST_PROXY: '1',
    });
    expect(abuse.rateLimit).toEqual({ perMinute: { PUBLIC: 30, PORTAL: 300, DEPARTMENT: 300, STEWARD: 0 }, overrides: { 'demo-portal': 1000 } });
    expect(abuse.trustProxy).toBe(1);
    expect(readConfig({ HUITONG_TRUST_PROXY: 'loopback, 10.0.0.0/8' }).abuse.trustProxy).toBe('loopback, 10.0.0.0/8');
  });

  it('controls admission by default, reads its settings, and turns it off with HUITONG_MAX_IN_FLIGHT=0', () => {
    expect(readConfig({}).abuse.admission).toEqual(DEFAULT_ADMISSION);
    expect(readConfig({ HUITONG_MAX_IN_FLIGHT: '2', HUITONG_MAX_QUEUE_WAIT_MS: '300' }).abuse.admission).toEqual({
      ...DEFAULT_ADMISSION,
      maxInFlight: 2,
      maxQueueWaitMs: 300,
    });
    expect(readConfig({ HUITONG_MAX_IN_FLIGHT: '0' }).abuse.admission).toBeNull();
    expect(() => readConfig({ HUITONG_MAX_EVENT_LOOP_DELAY_MS: 'off' })).toThrow(/HUITONG_MAX_EVENT_LOOP_DELAY_MS must be a whole number/);
  });

  it('limits query cost by default, reads HUITONG_MAX_QUERY_COST, and has no way to turn the limit off', () => {
    expect(readConfig({}).abuse.maxQueryCost).toBe(DEFAULT_MAX_QUERY_COST);
    expect(readConfig({ HUITONG_MAX_QUERY_COST: ' 50000 ' }).abuse.maxQueryCost).toBe(50_000);
    for (const bad of ['0', '-5', '1.5', '25k', '1e6', '99999999999999999999']) {
      expect(() => readConfig({ HUITONG_MAX_QUERY_COST: bad }), bad).toThrow(
        /HUITONG_MAX_QUERY_COST must be a whole number of at least 1 \(the default is 25000\), not/,
      );
    }
  });

  it('refuses a limit that is not a whole number', () => {
    expect(() => readConfig({ HUITONG_RATE_LIMIT_PER_MINUTE: '1e3' })).toThrow(/HUITONG_RATE_LIMIT_PER_MINUTE must be a whole number/);
    expect(() => readConfig({ HUITONG_RATE_LIMIT_OVERRIDES: 'demo-portal' })).toThrow(/CONSUMER_ID=REQUESTS_PER_MINUTE/);
  });

  it('loads the trusted documents manifest HUITONG_TRUSTED_DOCUMENTS names, and fails clearly on a bad one', () => {
    const query = '{ departments { code } }';
    const file = join(dir, 'manifest.json');
    writeFileSync(file, JSON.stringify({ [sha256Hex(query)]: query }));
    expect(readConfig({ HUITONG_TRUSTED_DOCUMENTS: file }).abuse.trustedDocuments?.byId.get(sha256Hex(query))).toBe(query);
    expect(() => readConfig({ HUITONG_TRUSTED_DOCUMENTS: join(dir, 'missing.json') })).toThrow(/cannot read the trusted documents manifest/);
  });
});

describe('subgraph services', () => {
  it('listen on loopback by default, whatever the gateway listens on', () => {
    expect(readConfig({ HOST: '0.0.0.0' })).toMatchObject({ host: '0.0.0.0', subgraphHost: '127.0.0.1' });
    expect(readConfig({ HUITONG_SUBGRAPH_HOST: '10.0.0.5' }).subgraphHost).toBe('10.0.0.5');
  });

  it('share the service key file and the audit anchor under the data directory unless told otherwise', () => {
    const config = readConfig({ HUITONG_DATA_DIR: dir });
    expect(config).toMatchObject({ serviceKeyFile: join(dir, 'keys', 'service-keys.json'), auditAnchorFile: join(dir, 'audit-anchor.jsonl') });
    expect(
      readConfig({ HUITONG_SERVICE_KEY_FILE: '/etc/huitong/service-keys.json', HUITONG_AUDIT_ANCHOR_FILE: '/var/log/huitong/anchor.jsonl' }),
    ).toMatchObject({
      serviceKeyFile: '/etc/huitong/service-keys.json',
      auditAnchorFile: '/var/log/huitong/anchor.jsonl',
    });
  });
});

describe('settings through one schema', () => {
  const problemsOf = (env: Record<string, string>) => {
    try {
      readConfig(env);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as ConfigError).problems;
    }
    throw new Error('no ConfigError');
  };

  it('fills every default', () => {
    expect(readConfig({})).toMatchObject({
      port: 4000,
      host: '127.0.0.1',
      deadlineMs: 5000,
      circuit: { failureThreshold: 5, openMs: 10_000 },
      syncIntervalMs: 3_600_000,
      demo: true,
      demoScale: 1,
      logLevel: 'info',
      corsOrigins: [],
      databaseUrl: undefined,
    });
    expect(readConfig({ NODE_ENV: 'production' }).demo).toBe(false);
    expect(readConfig({ HUITONG_DEMO: '0' }).demo).toBe(false);
    // An empty variable is an unset one.
    expect(readConfig({ PORT: '', HUITONG_DEPARTMENT_DEADLINE_MS: ' ' })).toMatchObject({ port: 4000, deadlineMs: 5000 });
  });

  it('refuses a bad value naming the setting and the form it accepts', () => {
    expect(problemsOf({ HUITONG_DEPARTMENT_DEADLINE_MS: 'abc' })).toEqual([
      { setting: 'HUITONG_DEPARTMENT_DEADLINE_MS', accepted: 'a whole number of milliseconds, at least 1', given: 'abc', detail: expect.any(String) },
    ]);
    expect(() => readConfig({ HUITONG_LOG_LEVEL: 'loud' })).toThrow(
      'HUITONG_LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, not "loud"',
    );
    expect(() => readConfig({ PORT: '70000' })).toThrow('PORT must be a port number, 0–65535, not "70000"');
    expect(() => readConfig({ HUITONG_DEMO_SCALE: '0' })).toThrow(/HUITONG_DEMO_SCALE must be a positive number/);
    expect(() => readConfig({ HUITONG_AUDIT_HASH: 'md5' })).toThrow('HUITONG_AUDIT_HASH must be one of sha256, sm3, not "md5"');
    // Every bad setting at once, not one per run.
    expect(problemsOf({ PORT: 'x', HUITONG_CIRCUIT_FAILURES: '0', HUITONG_PGLITE_THREAD: 'both' }).map((p) => p.setting)).toEqual([
      'PORT',
      'HUITONG_PGLITE_THREAD',
      'HUITONG_CIRCUIT_FAILURES',
    ]);
  });

  it('checks URLs without ever repeating a password', () => {
    expect(readConfig({ DATABASE_URL: 'postgres://hub:pw@db:5432/huitong' }).databaseUrl).toBe('postgres://hub:pw@db:5432/huitong');
    const [problem] = problemsOf({ DATABASE_URL: 'mysql://hub:s3cret@db/huitong' });
    expect(problem).toMatchObject({ setting: 'DATABASE_URL', accepted: expect.stringContaining('postgres://'), given: 'mysql://hub:****@db/huitong' });
    expect(() => readConfig({ DATABASE_URL: 'localhost:5432' })).toThrow(/DATABASE_URL must be a PostgreSQL URL/);
    expect(() => readConfig({ HUITONG_HOUSING_API_URL: 'housing.local/api' })).toThrow(/HUITONG_HOUSING_API_URL must be an http\(s\) URL/);
    expect(readConfig({ HUITONG_MARKET_DB_URL: 'file:.data/legacy/market' }).settings.HUITONG_MARKET_DB_URL).toBe('file:.data/legacy/market');
  });

  it('drops a CORS origin’s trailing slash and refuses an origin with a path', () => {
    expect(readConfig({ HUITONG_CORS_ORIGINS: 'https://portal.example.gov.cn/, http://127.0.0.1:5173' }).corsOrigins).toEqual([
      'https://portal.example.gov.cn',
      'http://127.0.0.1:5173',
    ]);
    expect(readConfig({ HUITONG_CORS_ORIGINS: '*' }).corsOrigins).toEqual(['*']);
    expect(() => readConfig({ HUITONG_CORS_ORIGINS: 'https://portal.example.gov.cn/app' })).toThrow(
      /HUITONG_CORS_ORIGINS must be comma-separated origins, scheme:\/\/host\[:port\] with no path .*"https:\/\/portal.example.gov.cn\/app" is not an origin/,
    );
    expect(() => readConfig({ HUITONG_CORS_ORIGINS: 'portal.example.gov.cn' })).toThrow(/HUITONG_CORS_ORIGINS must be/);
  });

  it('needs a key set for the JWT issuer', () => {
    expect(() => readConfig({ HUITONG_JWT_ISSUER: 'https://sso.example' })).toThrow(/HUITONG_JWT_JWKS_URL must be set \(or HUITONG_JWT_JWKS_FILE\)/);
    expect(() => readConfig({ HUITONG_JWT_ISSUER: 'https://sso.example', HUITONG_JWT_JWKS_FILE: join(dir, 'none.json') })).toThrow(
      /HUITONG_JWT_JWKS_FILE must be a readable JWKS JSON file/,
    );
  });

  it('masks secrets for display', () => {
    expect(maskValue('DATABASE_URL', 'postgres://hub:s3cret@db:5432/huitong')).toBe('postgres://hub:****@db:5432/huitong');
    expect(maskValue('DATABASE_URL', 'postgres://db:5432/huitong')).toBe('postgres://db:5432/huitong');
    expect(maskValue('HUITONG_KEY', 'hk_live_abcdef')).toBe('****');
    expect(maskValue('PORT', '4000')).toBe('4000');
  });
});
