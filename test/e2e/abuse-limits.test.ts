import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';
import { workloads } from '../../bench/lib/workloads.js';
import { DEFAULT_MAX_QUERY_COST } from '../../src/gateway/http/query-cost.js';

/** A citizen portal's page: one applicant's first 50 permits with department and service item, and 20 disclosure items. */
const PORTAL_PAGE = /* GraphQL */ `query PortalPage($id: ID!) {
  applicant(id: $id) {
    id name kind
    permits(first: 50) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id title status appliedAt validUntil department { code name } serviceItem { code name category } }
    }
  }
  disclosureItems(first: 20) { totalCount nodes { id title category publishedAt publisher { code name } } }
}`;

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

  /** Every call any in-process department adapter has made so far: a refused request must not add any. */
  const departmentCalls = () =>
    [...hub.hub.adapters.values()].reduce(
      (sum, adapter) => sum + Object.values(adapter.calls).reduce((a: number, b) => a + (typeof b === 'number' ? b : 0), 0),
      0,
    );

  /** POSTs as the steward and answers the status with the body, for refusals whose status matters. */
  const post = async (query: string, variables?: Record<string, unknown>) => {
    const response = await fetch(`${hub.hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-steward-key' },
      body: JSON.stringify({ query, variables }),
    });
    return {
      status: response.status,
      body: (await response.json()) as { data?: any; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> },
    };
  };

  describe('query cost, priced with the variables', () => {
    // Pages of 200 nested three deep: a few hundred bytes asking for 8 million permits.
    const ABUSIVE = `{ permits(first: 200) { nodes { applicant { permits(first: 200) { nodes { applicant {
      permits(first: 200) { nodes { id title } } } } } } } } }`;

    it('refuses pages of 200 nested three deep with QUERY_TOO_COSTLY, its cost and the limit, before calling any department', async () => {
      const before = departmentCalls();
      const { status, body } = await post(ABUSIVE);
      expect(status).toBe(400);
      expect(body.data).toBeUndefined();
      expect(body.errors).toHaveLength(1);
      expect(body.errors![0]!.extensions).toEqual({ code: 'QUERY_TOO_COSTLY', cost: expect.any(Number), maxCost: DEFAULT_MAX_QUERY_COST });
      expect(body.errors![0]!.extensions!.cost).toBeGreaterThan(1_000_000);
      expect(body.errors![0]!.message).toMatch(/cost/);
      expect(departmentCalls()).toBe(before);
    });

    it('prices first: $n by the value sent: the same document runs with a small page and is refused with 200', async () => {
      const query = 'query ($n: Int!) { permits(first: $n) { nodes { id applicant { permits(first: $n) { totalCount nodes { id title } } } } } }';
      const small = await post(query, { n: 5 });
      expect(small.body.errors).toBeUndefined();
      expect(small.body.data.permits.nodes).toHaveLength(5);
      const before = departmentCalls();
      const big = await post(query, { n: 200 });
      expect(big.status).toBe(400);
      expect(big.body.errors![0]!.extensions).toMatchObject({ code: 'QUERY_TOO_COSTLY', maxCost: DEFAULT_MAX_QUERY_COST });
      expect(departmentCalls()).toBe(before);
    });

    it('honours @include with a variable: the costly branch is priced only when it is asked for', async () => {
      const query = `query ($deep: Boolean!) { permits(first: 200) { totalCount nodes { id applicant @include(if: $deep) {
        permits(first: 200) { nodes { id } } } } } }`;
      expect((await post(query, { deep: true })).body.errors![0]!.extensions!.code).toBe('QUERY_TOO_COSTLY');
      const shallow = await post(query, { deep: false });
      expect(shallow.body.errors).toBeUndefined();
      expect(shallow.body.data.permits.nodes).toHaveLength(200);
    });

    it('runs the four bench workloads and a portal page within the default limit', async () => {
      // Real applicants and a search term from the demo data, as bench/ takes them from its fixtures.
      const seen = await hub.query('{ permits(first: 20) { nodes { applicant { id identifiers { value } } } } }');
      const applicant = seen.data.permits.nodes.map((n: any) => n.applicant).find((a: any) => a?.identifiers?.length);
      expect(applicant).toBeDefined();
      const fixtures = { applicants: [{ id: applicant.id, identifier: applicant.identifiers[0].value }], searchTerms: ['规划'] };
      for (const workload of workloads(fixtures)) {
        const { query, variables } = JSON.parse(workload.bodies[0]!) as { query: string; variables: Record<string, unknown> };
        const { status, body } = await post(query, variables);
        expect(body.errors, workload.name).toBeUndefined();
        expect(status, workload.name).toBe(200);
      }
      const portal = await post(PORTAL_PAGE, { id: applicant.id });
      expect(portal.body.errors).toBeUndefined();
      expect(portal.body.data.applicant.permits.nodes.length).toBeGreaterThan(0);
      expect(portal.body.data.disclosureItems.nodes.length).toBeGreaterThan(0);
    });
  });

  it('refuses more than 50 directives, and accepts 50', async () => {
    const fields = (n: number) => Array.from({ length: n }, () => 'code @include(if: true)').join(' ');
    const before = departmentCalls();
    expect(code(await hub.query(`{ departments { ${fields(51)} } }`))).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(departmentCalls()).toBe(before);
    const ok = await hub.query(`{ departments { ${fields(50)} } }`);
    expect(ok.errors).toBeUndefined();
  });

  it('refuses exactly over the alias and token limits, and accepts them at the limit', async () => {
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: departments { code }`).join(' ');
    expect((await hub.query(`{ ${aliases(64)} }`)).errors).toBeUndefined();
    expect(code(await hub.query(`{ ${aliases(65)} }`))).toBe('GRAPHQL_VALIDATION_FAILED');
    // 19 tokens around the list, one per list item; repeated fields would trip graphql-js's own
    // overlapping-fields work budget first, so a long list is what reaches exactly 5,000.
    const tokens = (n: number) => `{ permits(first: 1, filter: { statuses: [${Array.from({ length: n - 19 }, () => 'APPROVED').join(' ')}] }) { totalCount } }`;
    expect((await hub.query(tokens(5000))).errors).toBeUndefined();
    const over = await hub.query(tokens(5001));
    expect(code(over)).toBe('GRAPHQL_PARSE_FAILED');
    expect(over.errors?.[0]?.message).toMatch(/token/i);
  });

  it('caps page size at 200 wherever it is asked, also through variables', async () => {
    const before = departmentCalls();
    for (const [query, variables] of [
      ['query ($n: Int!) { permits(first: $n) { totalCount } }', { n: 201 }],
      ['query ($n: Int!) { disclosureItems(first: $n) { totalCount } }', { n: 201 }],
    ] as const) {
      expect(code(await hub.query(query, variables)), query).toBe('BAD_USER_INPUT');
    }
    // Top-level lists check their size before asking any department.
    expect(departmentCalls()).toBe(before);
    const nested = await hub.query('query ($n: Int!) { permits(first: 1) { nodes { applicant { permits(first: $n) { totalCount } } } } }', { n: 10_000 });
    expect(code(nested)).toBe('BAD_USER_INPUT');
    const ok = await hub.query('query ($n: Int!) { permits(first: $n) { nodes { id } } }', { n: 200 });
    expect(ok.errors).toBeUndefined();
    expect(ok.data.permits.nodes).toHaveLength(200);
  });

  it.each([
    ['nested braces', (n: number) => `{ departments ${'{ code '.repeat(n)}${'}'.repeat(n)} }`],
    ['nested list values', (n: number) => `{ permits(first: 1, filter: { statuses: ${'['.repeat(n)}APPROVED${']'.repeat(n)} }) { totalCount } }`],
    ['nested input objects', (n: number) => `{ permits(first: 1, filter: ${'{ a: '.repeat(n)}1${' }'.repeat(n)}) { totalCount } }`],
  ])('answers a document of thousands of %s with the coded nesting limit, not a stack overflow', async (_name, nested) => {
    const before = departmentCalls();
    // By POST, and by GET at a depth that keeps the URL under Node's 16 KB limit on the request line.
    for (const response of [
      await fetch(`${hub.hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: nested(2_400) }),
      }),
      await fetch(`${hub.hub.url}/graphql?query=${encodeURIComponent(nested(300))}`, { headers: { 'apollo-require-preflight': 'true' } }),
    ]) {
      const text = await response.text();
      expect(response.status, text).toBe(400);
      const body = JSON.parse(text) as { errors: Array<{ message: string; extensions: { code: string } }> };
      expect(code(body)).toBe('GRAPHQL_PARSE_FAILED');
      expect(body.errors[0]!.message).toMatch(/deeper than 64/);
      expect(text).not.toMatch(/call stack/i);
    }
    expect(departmentCalls()).toBe(before);
  });

  it('counts nesting in the document only: brackets in strings, block strings and comments are text', async () => {
    const ok = await hub.query(
      `# ${'{'.repeat(500)}\n{ a: serviceItems(filter: { search: "${'['.repeat(90)}" }) { totalCount } b: serviceItems(filter: { search: """${'('.repeat(90)}""" }) { totalCount } }`,
    );
    expect(ok.errors).toBeUndefined();
    expect(ok.data.a.totalCount).toBe(0);
  });

  it('answers a GET whose URL is too long with a coded JSON error, and stays up', async () => {
    const response = await fetch(`${hub.hub.url}/graphql?query=${encodeURIComponent(`{ departments { code } } #${'x'.repeat(100_000)}`)}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(response.status).toBe(431);
    expect(response.headers.get('content-type')).toMatch(/application\/json/);
    const body = (await response.json()) as { errors: Array<{ message: string; extensions: { code: string } }> };
    expect(code(body)).toBe('PAYLOAD_TOO_LARGE');
    expect(body.errors[0]!.message).toMatch(/POST/);
    expect((await fetch(`${hub.hub.url}/healthz`)).status).toBe(200);
  });

  describe('string bounds', () => {
    const SEARCH = 'query ($s: String) { disclosureItems(first: 5, filter: { search: $s }) { totalCount } }';

    it.each([
      ['a 300 KB search in a variable', SEARCH, { s: '规划'.repeat(150_000) }, 'filter.search'],
      ['a 101-character search', SEARCH, { s: 'x'.repeat(101) }, 'filter.search'],
      ['a long literal search', `{ serviceItems(filter: { search: "${'y'.repeat(5_000)}" }) { totalCount } }`, undefined, 'filter.search'],
      ['a 300 KB identifier', 'query ($v: String!) { applicantByIdentifier(value: $v) { id } }', { v: '9'.repeat(300_000) }, 'value'],
      ['a long cursor', 'query ($a: String) { permits(first: 1, after: $a) { totalCount } }', { a: 'A'.repeat(5_000) }, 'after'],
      [
        '101 service item codes',
        'query ($c: [String!]) { permits(first: 1, filter: { serviceItemCodes: $c }) { totalCount } }',
        { c: Array.from({ length: 101 }, (_, i) => `S${i}`) },
        'filter.serviceItemCodes',
      ],
      ['a long reason', 'mutation ($r: String!) { revokeGrant(id: "R3JhbnQ6MQ", reason: $r) { id } }', { r: 'z'.repeat(2_001) }, 'reason'],
    ])('refuses %s with BAD_USER_INPUT naming the argument, before any work', async (_name, query, variables, argument) => {
      const before = departmentCalls();
      const response = await fetch(`${hub.hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-steward-key' },
        body: JSON.stringify({ query, variables }),
      });
      expect(response.status).toBe(400);
      const body = (await response.json()) as { data?: unknown; errors: Array<{ extensions: Record<string, unknown> }> };
      expect(body.data).toBeUndefined();
      expect(body.errors[0]!.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument });
      expect(departmentCalls()).toBe(before);
    });

    it('runs a search at its bound', async () => {
      const body = await hub.query(SEARCH, { s: 'x'.repeat(100) });
      expect(body.errors).toBeUndefined();
      expect(body.data.disclosureItems.totalCount).toBe(0);
    });
  });

  it('refuses a body over 1 MB with 413 even when it is streamed without a length', async () => {
    const chunk = new TextEncoder().encode(`{"query":"{ departments { code } }","variables":{"pad":"${'x'.repeat(64 * 1024)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 24) controller.enqueue(chunk);
        else controller.close();
      },
    });
    const response = await fetch(`${hub.hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect(response.status).toBe(413);
    expect(code((await response.json()) as never)).toBe('PAYLOAD_TOO_LARGE');
  });

  describe('CSRF prevention', () => {
    const url = () => `${hub.hub.url}/graphql`;
    const QUERY = '{ departments { code } }';

    it.each([
      ['text/plain', JSON.stringify({ query: QUERY })],
      ['application/x-www-form-urlencoded', `query=${encodeURIComponent(QUERY)}`],
      ['multipart/form-data; boundary=x', `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${QUERY}\r\n--x--\r\n`],
    ])('refuses a simple POST as %s with 400, running nothing', async (contentType, body) => {
      const before = departmentCalls();
      const response = await fetch(url(), { method: 'POST', headers: { 'content-type': contentType }, body });
      expect(response.status).toBe(400);
      const json = (await response.json()) as { data?: unknown; errors: Array<{ extensions?: Record<string, unknown> }> };
      expect(json.data).toBeUndefined();
      expect(json.errors[0]!.extensions?.code).toBe('BAD_REQUEST');
      expect(departmentCalls()).toBe(before);
    });

    it('refuses a simple GET (no JSON content type, no preflight header) and runs one that has either', async () => {
      const get = (headers: Record<string, string>) =>
        fetch(`${url()}?query=${encodeURIComponent(QUERY)}`, { headers: { accept: 'application/json', ...headers } });
      const simple = await get({});
      expect(simple.status).toBe(400);
      expect(((await simple.json()) as { data?: unknown }).data).toBeUndefined();
      for (const headers of [
        { 'apollo-require-preflight': 'true' },
        { 'content-type': 'application/json' },
        { 'x-apollo-operation-name': 'Departments' },
      ] as Array<Record<string, string>>) {
        const response = await get(headers);
        expect(response.status, JSON.stringify(headers)).toBe(200);
        const json = (await response.json()) as { data: { departments: unknown[] } };
        expect(json.data.departments.length).toBeGreaterThan(0);
      }
    });

    it('runs a JSON POST', async () => {
      const response = await fetch(url(), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
      expect(response.status).toBe(200);
    });
  });

  it('still answers the IDE introspection and ordinary queries, and stays up', async () => {
    const introspection = await hub.query('{ __schema { types { name fields { name type { name ofType { name ofType { name ofType { name } } } } } } } }');
    expect(introspection.errors).toBeUndefined();
    // The five-hop query of the benchmarks (cost 5,131): permits → applicant → permits → service item → department.
    const ok = await hub.query(`{ permits(first: 30) { totalCount nodes { id title department { code name } applicant { id name permits(first: 10) {
      totalCount nodes { id title status appliedAt department { code name } serviceItem { code name category department { code name } } } } } } } }`);
    expect(ok.errors).toBeUndefined();
    expect((await fetch(`${hub.hub.url}/healthz`)).status).toBe(200);
  });
});
