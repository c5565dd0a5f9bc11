import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { listApiKeys, revokeApiKey } from '../../src/gateway/auth/api-keys.js';
import { startHub } from '../../src/gateway/hub.js';

const dir = mkdtempSync(join(tmpdir(), 'huitong-prod-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = { hubDataDir: join(dir, 'hub'), port: 0, syncIntervalMs: 0, registrySeed: [], logger: silentLogger };

/** POSTs a GraphQL document to a running hub. */
async function post(url: string, query: string) {
  const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  return {
    status: response.status,
    text: await response.clone().text(),
    json: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
  };
}

const INTROSPECTION = ['{ __schema { queryType { name } } }', '{ __type(name: "Department") { fields { name } } }'];
// A misspelt field: graphql-js would answer 'Did you mean "code"?', which maps the schema for a stranger.
const MISSPELT = '{ departments { cod } }';

describe('production mode', () => {
  let production: Awaited<ReturnType<typeof startHub>> | undefined;
  afterAll(() => production?.stop());

  it('refuses to start while any demo key is live, and starts once they are revoked', async () => {
    const demo = await startHub({ ...options, demoCredentialsDir: dir });
    const written = JSON.parse(readFileSync(join(dir, 'demo-credentials.json'), 'utf8')) as Array<{ key: string }>;
    expect(written.map((c) => c.key)).toEqual([
      'demo-steward-key',
      'demo-portal-key',
      'demo-market-key',
      'demo-housing-key',
      'demo-health-key',
      'demo-bureau-key',
    ]);
    const keys = await listApiKeys(demo.db);
    // The same checks as below pass the other way outside production, so they can tell the modes apart.
    for (const query of INTROSPECTION) expect((await post(demo.url, query)).json.errors, query).toBeUndefined();
    expect((await post(demo.url, MISSPELT)).json.errors?.[0]?.message).toMatch(/Did you mean/);
    await demo.stop();

    await expect(startHub({ ...options, production: true })).rejects.toThrow(/refuses to start while demo keys are live/);

    const hub = await startHub({ ...options, production: false });
    for (const key of keys) await revokeApiKey(hub.db, key.id);
    await hub.stop();
    production = await startHub({ ...options, production: true });
    expect((await fetch(`${production.url}/readyz`)).status).toBe(200);
  });

  it('turns introspection off', async () => {
    for (const query of INTROSPECTION) {
      const { status, json } = await post(production!.url, query);
      expect(status, query).toBe(400);
      expect(json.data, query).toBeUndefined();
      expect(json.errors?.[0]?.extensions?.code, query).toBe('GRAPHQL_VALIDATION_FAILED');
      expect(json.errors?.[0]?.message, query).toMatch(/introspection/i);
    }
    // __typename is not introspection of the schema: clients rely on it.
    expect((await post(production!.url, '{ __typename }')).json.data).toEqual({ __typename: 'Query' });
  });

  it('turns field suggestions off', async () => {
    const { status, text, json } = await post(production!.url, MISSPELT);
    expect(status).toBe(400);
    expect(json.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(text).not.toMatch(/Did you mean/i);
    expect(json.errors?.[0]?.message).not.toContain('"code"');
    // Nor through a misspelt argument or type.
    const argument = await post(production!.url, '{ permits(frist: 1) { totalCount } }');
    expect(argument.json.errors?.length).toBeGreaterThan(0);
    expect(argument.text).not.toMatch(/Did you mean/i);
  });
});
