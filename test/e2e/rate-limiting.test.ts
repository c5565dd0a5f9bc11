import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

const VIEWER = '{ viewer { id } }';
type Body = { data?: { viewer: { id: string } | null }; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

// Limits are counted in the gateway's memory, whatever the storage backend: one is enough.
describe('rate limiting per consumer', () => {
  let hub: DemoHub;
  beforeAll(async () => {
    hub = await startDemoHub(backends[0]!, {
      abuse: { rateLimit: { perMinute: { PUBLIC: 3, PORTAL: 4, DEPARTMENT: 4, STEWARD: 0 }, overrides: { 'demo-housing': 6 } } },
    });
  });
  afterAll(() => hub?.stop());

  const post = async (key?: string) => {
    const response = await fetch(`${hub.hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { authorization: `Bearer ${key}` } : {}) },
      body: JSON.stringify({ query: VIEWER }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Body };
  };
  const statuses = async (n: number, key?: string) => {
    const seen: number[] = [];
    for (let i = 0; i < n; i++) seen.push((await post(key)).status);
    return seen;
  };

  it('answers a consumer over its limit with 429, Retry-After in seconds and a coded GraphQL error', async () => {
    expect(await statuses(4, 'demo-market-key')).toEqual([200, 200, 200, 200]);
    const limited = await post('demo-market-key');
    expect(limited.status).toBe(429);
    expect(limited.retryAfter).toMatch(/^\d+$/);
    const seconds = Number(limited.retryAfter);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(limited.body.data).toBeUndefined();
    expect(limited.body.errors?.[0]?.extensions).toEqual({ code: 'RATE_LIMITED', retryAfter: seconds });
  });

  it('limits one consumer without limiting another, and honours a per-consumer override', async () => {
    // demo-market is spent (previous test); its neighbours on the same address are not.
    expect((await post('demo-market-key')).status).toBe(429);
    expect(await statuses(4, 'demo-health-key')).toEqual([200, 200, 200, 200]);
    expect(await statuses(7, 'demo-housing-key')).toEqual([200, 200, 200, 200, 200, 200, 429]);
    const portal = await post('demo-portal-key');
    expect(portal.status).toBe(200);
    expect(portal.body.data?.viewer?.id).toBe('demo-portal');
  });

  it('counts the public per address, and counts failed credentials against it', async () => {
    expect(await statuses(2)).toEqual([200, 200]);
    // A wrong key is a 401 while the address has requests left, and spends one of them...
    expect((await post('guessed-key')).status).toBe(401);
    // ...so guessing keys, like anonymous requests, stops at the public's limit.
    expect((await post('another-guess')).status).toBe(429);
    expect((await post()).status).toBe(429);
    // Authenticated consumers on the same address are counted on their own.
    expect((await post('demo-bureau-key')).status).toBe(200);
  });

  it('does not limit a consumer whose limit is 0 (here the steward)', async () => {
    expect(new Set(await statuses(30, 'demo-steward-key'))).toEqual(new Set([200]));
  });

  it('never limits health, readiness, metrics or the schema', async () => {
    expect((await post()).status).toBe(429);
    for (const path of ['/healthz', '/readyz', '/healthz/departments', '/metrics', '/schema.graphql']) {
      for (let i = 0; i < 5; i++) expect((await fetch(`${hub.hub.url}${path}`)).status, path).toBe(200);
    }
  });
});
