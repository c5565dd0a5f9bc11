import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCatalogueSubgraph } from '../../src/subgraphs/catalogue/catalogue-subgraph.js';
import { createDepartmentSubgraph } from '../../src/subgraphs/department/department-subgraph.js';
import { departmentFederationSdl, federateIdentity } from '../../src/subgraphs/federation/index.js';
import { createIdentitySubgraph } from '../../src/subgraphs/identity/identity-subgraph.js';
import { type RunningSubgraph, serveSubgraph } from '../../src/subgraphs/serve-subgraph.js';
import { openServiceKeyring, rotateServiceKeys } from '../../src/subgraphs/service-keys.js';
import { createServiceTokenIssuer } from '../../src/subgraphs/service-token.js';
import { migrateToLatest, openDatabase, type HubDatabase } from '../../src/storage/index.js';
import { backends } from '../support/databases.js';
import { type SubgraphProcess, startSubgraphProcess } from '../support/subgraph-process.js';
import { type DemoHub, startDemoHub } from '../support/demo-hub.js';

// What a Federation gateway's query planner sends: the tests play the planner, step by step, and compare
// each answer with the hub's own for the same question.
for (const backend of backends) {
  describe(`subgraph services speak Federation v2 (${backend.name})`, () => {
    let hub: DemoHub;
    let keyDir: string;
    const services: Record<string, RunningSubgraph> = {};
    let ask: (service: string, query: string, variables?: Record<string, unknown>, token?: string | null) => Promise<{ status: number; body: any }>;

    beforeAll(async () => {
      hub = await startDemoHub(backend, { scale: 0.2 });
      keyDir = mkdtempSync(join(tmpdir(), 'huitong-fed-keys-'));
      const keyFile = join(keyDir, 'service-keys.json');
      rotateServiceKeys(keyFile);
      const serviceKeys = openServiceKeyring(keyFile);
      const issuer = createServiceTokenIssuer(serviceKeys);
      services.market = await serveSubgraph(createDepartmentSubgraph(hub.hub.adapters.get('market')!), { serviceKeys });
      const identity = createIdentitySubgraph(hub.hub.db);
      services.identity = await serveSubgraph(identity, { serviceKeys, federation: federateIdentity(identity, ['market', 'housing', 'health']) });
      services.catalogue = await serveSubgraph(createCatalogueSubgraph(hub.hub.db), { serviceKeys });
      ask = async (service, query, variables, token) => {
        const authorization = token === null ? undefined : `Bearer ${token ?? (await issuer.token(service))}`;
        const response = await fetch(services[service]!.federationUrl!, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        return { status: response.status, body: await response.json() };
      };
    });
    afterAll(async () => {
      await Promise.all(Object.values(services).map((s) => s.close()));
      await hub?.stop();
      if (keyDir) rmSync(keyDir, { recursive: true, force: true });
    });

    it('answers _service { sdl } with the federated view, to the gateway only', async () => {
      expect(await ask('market', '{ _service { sdl } }', undefined, null)).toMatchObject({
        status: 401,
        body: { errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'MISSING_TOKEN' } }] },
      });
      const { status, body } = await ask('market', '{ _service { sdl } }');
      expect(status).toBe(200);
      expect(body.data._service.sdl).toContain('market_permits');
      expect(body.data._service.sdl).toContain('@key(fields: "id")');
      expect(body.data._service.sdl).not.toContain('_permitPage');
      // The hub's protocol is still where it was.
      expect(services.market!.url).toMatch(/\/graphql$/);
      expect(departmentFederationSdl('market')).toContain('market_permit(');
    });

    it('answers a department root field with the same permits as the hub', async () => {
      const hubAnswer = await hub.query(`{ permits(first: 30, filter: { departmentCodes: ["market"] }) { totalCount nodes { id title status appliedAt } } }`);
      const fed = await ask('market', '{ market_permits(first: 30) { totalCount nodes { id title status appliedAt } pageInfo { hasNextPage endCursor } } }');
      expect(fed.body.errors).toBeUndefined();
      expect(fed.body.data.market_permits.totalCount).toBe(hubAnswer.data.permits.totalCount);
      expect(fed.body.data.market_permits.nodes).toEqual(hubAnswer.data.permits.nodes);
      const next = await ask('market', 'query ($after: String) { market_permits(first: 5, after: $after) { nodes { id } } }', {
        after: fed.body.data.market_permits.pageInfo.endCursor,
      });
      expect(next.body.data.market_permits.nodes[0].id).not.toBe(fed.body.data.market_permits.nodes[0].id);
    });

    it("answers an applicant's market permits through _entities, one call to the department's system for many applicants", async () => {
      const sample = await hub.query(`{ permits(first: 60, filter: { departmentCodes: ["market"] }) { nodes { applicant { id } } } }`);
      const ids = [...new Set(sample.data.permits.nodes.map((n: any) => n.applicant?.id).filter(Boolean))].slice(0, 3) as string[];
      expect(ids.length).toBe(3);
      // Step 1 of the plan: the identity subgraph resolves the applicants with the keys market @requires.
      const identity = await ask('identity', `{ ${ids.map((id, i) => `a${i}: applicant(id: "${id}") { id _recordKeys }`).join(' ')} }`);
      const representations = ids.map((_, i) => ({ __typename: 'Applicant', ...identity.body.data[`a${i}`] }));
      // Step 2: market's _entities, as a Federation gateway sends it.
      const adapter = hub.hub.adapters.get('market')!;
      const before = adapter.calls.listPermits;
      const fed = await ask(
        'market',
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Applicant { id market_permits(first: 50) { totalCount nodes { id title } } } } }',
        { r: representations },
      );
      expect(fed.body.errors).toBeUndefined();
      expect(adapter.calls.listPermits - before).toBe(1);
      for (const [i, id] of ids.entries()) {
        const own = await hub.query(
          `query ($id: ID!) { applicant(id: $id) { permits(first: 50, filter: { departmentCodes: ["market"] }) { totalCount nodes { id title } } } }`,
          {
            id,
          },
        );
        expect(fed.body.data._entities[i]).toEqual({ id, market_permits: own.data.applicant.permits });
      }
    });

    it("links a permit to its applicant through the identity subgraph's _entities", async () => {
      const own = await hub.query(`{ permits(first: 20, filter: { departmentCodes: ["market"] }) { nodes { id applicant { id name } } } }`);
      const page = await ask('market', '{ market_permits(first: 20) { nodes { id _applicantKey } } }');
      const representations = page.body.data.market_permits.nodes.map((n: any) => ({ __typename: 'MarketPermit', ...n }));
      const fed = await ask('identity', 'query ($r: [_Any!]!) { _entities(representations: $r) { ... on MarketPermit { id applicant { id name } } } }', {
        r: representations,
      });
      expect(fed.body.errors).toBeUndefined();
      expect(fed.body.data._entities).toEqual(own.data.permits.nodes);
    });

    it('resolves departments and service items by code from the catalogue', async () => {
      const own = await hub.query('{ departments { code name } serviceItems(first: 2) { nodes { code name } } }');
      const reps = [
        ...own.data.departments.map((d: any) => ({ __typename: 'Department', code: d.code })),
        ...own.data.serviceItems.nodes.map((s: any) => ({ __typename: 'ServiceItem', code: s.code })),
      ];
      const fed = await ask(
        'catalogue',
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Department { code name } ... on ServiceItem { code name } } }',
        {
          r: reps,
        },
      );
      expect(fed.body.data._entities).toEqual([...own.data.departments, ...own.data.serviceItems.nodes]);
    });

    it('refuses bad input with a coded error and keeps serving', async () => {
      const fed = await ask('market', '{ market_permits(first: 5000) { totalCount } }');
      expect(fed.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const bad = await ask('market', '{ market_permit(id: "not-an-id") { id } }');
      expect(bad.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect((await ask('market', '{ market_permits(first: 1) { totalCount } }')).body.data.market_permits.totalCount).toBeGreaterThan(0);
    });
  });
}

describe('huitong subgraph identity | catalogue: the hub database subgraphs as their own services', () => {
  let dataDir: string;
  const running: SubgraphProcess[] = [];
  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'huitong-hub-subgraphs-'));
    // A migrated hub database with one department, as a hub leaves it.
    const database = await openDatabase<HubDatabase>({ dir: join(dataDir, 'hub') });
    await migrateToLatest(database.db);
    await database.db
      .insertInto('departments')
      .values({ code: 'market', name: 'market bureau', adapter_kind: 'demo', connection: '{}', url: null, last_synced_at: null })
      .onConflict((oc) => oc.doNothing())
      .execute();
    await database.close();
  });
  afterAll(async () => {
    await Promise.all(running.map((p) => p.stop()));
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it('serves the catalogue over the hub database, its protocol and its federated view, to the gateway only', async () => {
    // The hub database is this PGlite directory, whatever DATABASE_URL the test run has (CI sets one).
    const catalogue = await startSubgraphProcess('catalogue', dataDir, { DATABASE_URL: '' });
    running.push(catalogue);
    const token = await createServiceTokenIssuer(openServiceKeyring(catalogue.serviceKeyFile)).token('catalogue');
    const post = async (url: string, query: string, authorization?: string) =>
      fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
        body: JSON.stringify({ query }),
      });
    expect((await post(catalogue.url, '{ departments { code } }')).status).toBe(401);
    expect(await (await post(catalogue.url, '{ departments { code name } }', `Bearer ${token}`)).json()).toEqual({
      data: { departments: [{ code: 'market', name: 'market bureau' }] },
    });
    const federation = catalogue.url.replace(/\/graphql$/, '/federation');
    const entities = await post(
      federation,
      '{ _entities(representations: [{ __typename: "Department", code: "market" }]) { ... on Department { name } } }',
      `Bearer ${token}`,
    );
    expect(await entities.json()).toEqual({ data: { _entities: [{ name: 'market bureau' }] } });
    await catalogue.stop();
    // The identity service takes the PGlite directory in turn (one owner at a time).
    const identity = await startSubgraphProcess('identity', dataDir, { DATABASE_URL: '' });
    running.push(identity);
    const idToken = await createServiceTokenIssuer(openServiceKeyring(identity.serviceKeyFile)).token('identity');
    const sdl = await post(identity.url.replace(/\/graphql$/, '/federation'), '{ _service { sdl } }', `Bearer ${idToken}`);
    expect(((await sdl.json()) as any).data._service.sdl).toMatch(/type Applicant\s+@key\(fields: "id"\)/);
  });
});
