import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

// Abuse limits do not depend on the storage backend: one is enough.
describe('abusive documents', () => {
  let hub: DemoHub;
  beforeAll(async () => {
    hub = await startDemoHub(backends[0]!);
  });
  afterAll(() => hub?.stop());

  const code = (body: { errors?: Array<{ extensions?: Record<string, unknown> }> }) => body.errors?.[0]?.extensions?.code;

  it('refuses a document nested too deep, before calling any department', async () => {
    let nested = 'name';
    for (let i = 0; i < 8; i++) nested = `permits(first: 1) { nodes { applicant { ${nested} } } }`;
    const calls = hub.hub.adapters.get('market')!.calls.listPermits;
    const body = await hub.query(`{ applicant(id: "QXBwbGljYW50OnguLi4") { ${nested} } }`);
    expect(code(body)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(hub.hub.adapters.get('market')!.calls.listPermits).toBe(calls);
  });

  it('refuses too many aliases and too many tokens', async () => {
    const aliases = Array.from({ length: 100 }, (_, i) => `a${i}: departments { code }`).join(' ');
    expect(code(await hub.query(`{ ${aliases} }`))).toBe('GRAPHQL_VALIDATION_FAILED');
    const tokens = `{ departments { ${Array.from({ length: 3000 }, () => 'code').join(' ')} } }`;
    expect(['GRAPHQL_PARSE_FAILED', 'GRAPHQL_VALIDATION_FAILED', 'BAD_REQUEST']).toContain(code(await hub.query(tokens)));
  });

  it('still answers the IDE introspection and ordinary queries, and stays up', async () => {
    const introspection = await hub.query('{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }');
    expect(introspection.errors).toBeUndefined();
    // The five-hop query of the benchmarks: permits → applicant → permits → service item → department.
    const ok = await hub.query(`{ permits(first: 30) { totalCount nodes { id title department { code name } applicant { id name permits(first: 10) {
      totalCount nodes { id title status appliedAt department { code name } serviceItem { code name category department { code name } } } } } } } }`);
    expect(ok.errors).toBeUndefined();
    expect((await fetch(`${hub.hub.url}/healthz`)).status).toBe(200);
  });
});
