import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseTrustedDocuments, sha256Hex } from '../../src/gateway/http/trusted-documents.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

const DEPARTMENTS = 'query Departments { departments { code } }';
const SERVICE_ITEMS = 'query Items($first: Int!) { serviceItems(first: $first) { totalCount nodes { code } } }';
const UNTRUSTED = '{ departments { code name } }';
type Body = { data?: Record<string, any>; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

// Trusted documents are checked before Apollo runs, whatever the storage backend: one is enough.
describe('trusted documents', () => {
  let hub: DemoHub;
  beforeAll(async () => {
    // The manifest as graphql-codegen's client preset writes it: { "<sha256>": "<document>" }.
    const trustedDocuments = parseTrustedDocuments({ [sha256Hex(DEPARTMENTS)]: DEPARTMENTS, [sha256Hex(SERVICE_ITEMS)]: SERVICE_ITEMS });
    hub = await startDemoHub(backends[0]!, { abuse: { trustedDocuments } });
  });
  afterAll(() => hub?.stop());

  const post = async (body: Record<string, unknown>) => {
    const response = await fetch(`${hub.hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const get = async (params: Record<string, string>) => {
    const response = await fetch(`${hub.hub.url}/graphql?${new URLSearchParams(params)}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    return { status: response.status, body: (await response.json()) as Body };
  };
  const departmentCalls = () => [...hub.hub.adapters.values()].reduce((sum, a) => sum + a.calls.listPermits + a.calls.getPermits + a.calls.listApplicants, 0);

  it('runs a document sent by documentId, with its variables', async () => {
    const { status, body } = await post({ documentId: sha256Hex(SERVICE_ITEMS), variables: { first: 2 } });
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data?.serviceItems.nodes).toHaveLength(2);
  });

  it("runs a document sent by Apollo's persisted-query extension, by POST and GET", async () => {
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(DEPARTMENTS) } };
    const viaPost = await post({ extensions, operationName: 'Departments' });
    expect(viaPost.status).toBe(200);
    expect(viaPost.body.data?.departments.map((d: { code: string }) => d.code)).toEqual(expect.arrayContaining(['market', 'housing', 'health']));
    const viaGet = await get({ extensions: JSON.stringify(extensions) });
    expect(viaGet.status).toBe(200);
    expect(viaGet.body.data).toEqual(viaPost.body.data);
    const byIdGet = await get({ documentId: sha256Hex(SERVICE_ITEMS), variables: JSON.stringify({ first: 1 }) });
    expect(byIdGet.body.data?.serviceItems.nodes).toHaveLength(1);
  });

  it('runs a full query whose SHA-256 is in the manifest', async () => {
    const { status, body } = await post({ query: DEPARTMENTS });
    expect(status).toBe(200);
    expect(body.data?.departments.length).toBeGreaterThan(0);
  });

  it('refuses an unknown id with 400 PERSISTED_QUERY_NOT_FOUND', async () => {
    for (const body of [{ documentId: sha256Hex(UNTRUSTED) }, { extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(UNTRUSTED) } } }]) {
      const refused = await post(body);
      expect(refused.status).toBe(400);
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    }
  });

  it('refuses any other operation with 403 OPERATION_NOT_TRUSTED, before any department is called', async () => {
    const before = departmentCalls();
    for (const body of [
      { query: UNTRUSTED },
      { query: '{ permits(first: 5) { nodes { id } } }' },
      { query: `${DEPARTMENTS}\n` },
      { documentId: sha256Hex(DEPARTMENTS), query: UNTRUSTED },
      { query: UNTRUSTED, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(UNTRUSTED) } } },
      { query: UNTRUSTED, extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(DEPARTMENTS) } } },
    ]) {
      const refused = await post(body);
      expect(refused.status, JSON.stringify(body)).toBe(403);
      expect(refused.body.data).toBeUndefined();
      expect(refused.body.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    }
    const viaGet = await get({ query: '{ permits(first: 5) { nodes { id } } }' });
    expect(viaGet.status).toBe(403);
    expect(departmentCalls()).toBe(before);
  });

  it('does not let an untrusted operation register itself as a persisted query', async () => {
    // Apollo's automatic persisted queries would cache a query sent with its hash; here nothing is cached.
    const hash = sha256Hex(UNTRUSTED);
    expect((await post({ query: UNTRUSTED, extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).status).toBe(403);
    expect((await post({ extensions: { persistedQuery: { version: 1, sha256Hash: hash } } })).status).toBe(400);
  });

  it('outside production, lets the IDE introspect (and only introspect)', async () => {
    const introspection = await post({ query: '{ __schema { queryType { name } } }' });
    expect(introspection.status).toBe(200);
    expect(introspection.body.data?.__schema.queryType.name).toBe('Query');
    expect((await post({ query: '{ __typename departments { code } }' })).status).toBe(403);
  });

  it('still refuses simple requests as CSRF, trusted or not', async () => {
    const response = await fetch(`${hub.hub.url}/graphql?${new URLSearchParams({ documentId: sha256Hex(DEPARTMENTS) })}`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as Body).data).toBeUndefined();
  });
});
