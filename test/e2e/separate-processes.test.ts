import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoData, demoRegistrySeed } from '../../src/demo/demo-district.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';
import { startSubgraphProcess, type SubgraphProcess } from '../support/subgraph-process.js';
import { openServiceKeyring, rotateServiceKeys } from '../../src/subgraphs/service-keys.js';
import { createServiceTokenIssuer } from '../../src/subgraphs/service-token.js';

const LIST = /* GraphQL */ `{ permits(first: 200) { totalCount nodes { id title status appliedAt department { code } serviceItem { code } applicant { id name } } } }`;

for (const backend of backends) {
  describe(`market subgraph in its own process (${backend.name})`, () => {
    let local: DemoHub;
    let remote: DemoHub;
    let market: SubgraphProcess;
    let marketDataDir: string;

    beforeAll(async () => {
      marketDataDir = mkdtempSync(join(tmpdir(), 'huitong-market-'));
      await ensureDemoData(marketDataDir, { scale: 0.2 });
      market = await startSubgraphProcess('market', marketDataDir, { HUITONG_DEMO_SCALE: '0.2' });
      const registry = demoRegistrySeed.map((e) => (e.code === 'market' ? { ...e, url: market.url } : e));
      [local, remote] = await Promise.all([
        startDemoHub(backend, { scale: 0.2 }),
        startDemoHub(backend, { scale: 0.2, registry, serviceKeyFile: market.serviceKeyFile }),
      ]);
    });
    afterAll(async () => {
      await market?.stop();
      await Promise.all([local?.stop(), remote?.stop()]);
      if (marketDataDir) rmSync(marketDataDir, { recursive: true, force: true });
    });

    it('runs market out of process: the hub holds no in-process market adapter', () => {
      expect(remote.hub.adapters.has('market')).toBe(false);
      expect(remote.hub.adapters.has('housing')).toBe(true);
      expect(local.hub.adapters.has('market')).toBe(true);
    });

    it('answers the gateway only: no service token, or a wrongly signed one, gets 401 with a coded error', async () => {
      expect(market.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
      const ask = async (authorization?: string) => {
        const response = await fetch(market.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
          body: JSON.stringify({ query: '{ _applicantRecords(first: 1) { records { name phone } } }' }),
        });
        return { status: response.status, body: (await response.json()) as any };
      };
      const anonymous = await ask();
      expect(anonymous.status).toBe(401);
      expect(anonymous.body).toEqual({ errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', reason: 'MISSING_TOKEN' } }] });
      const dir = mkdtempSync(join(tmpdir(), 'huitong-stranger-'));
      try {
        rotateServiceKeys(join(dir, 'keys.json'));
        const forged = await createServiceTokenIssuer(openServiceKeyring(join(dir, 'keys.json'))).token('market');
        expect(await ask(`Bearer ${forged}`)).toMatchObject({
          status: 401,
          body: { errors: [{ extensions: { code: 'UNAUTHENTICATED', reason: 'INVALID_TOKEN' } }] },
        });
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
      const genuine = await createServiceTokenIssuer(openServiceKeyring(market.serviceKeyFile)).token('market');
      expect(await ask(`Bearer ${genuine}`)).toMatchObject({ status: 200, body: { data: { _applicantRecords: { records: [expect.any(Object)] } } } });
    });

    it('answers the same cross-department list as an all-in-process hub', async () => {
      const [a, b]: any[] = await Promise.all([local.query(LIST), remote.query(LIST)]);
      expect(a.errors).toBeUndefined();
      expect(b.errors).toBeUndefined();
      expect(b.data.permits.totalCount).toBe(a.data.permits.totalCount);
      // Applicant ids derive from the linked records, so they match across hubs; names are checked below.
      const strip = (nodes: any[]) => nodes.map((n) => ({ ...n, applicant: n.applicant ? n.applicant.id : null }));
      expect(strip(b.data.permits.nodes)).toEqual(strip(a.data.permits.nodes));
      expect(b.data.permits.nodes.some((n: any) => n.department.code === 'market')).toBe(true);
    });

    it('names each applicant the same whichever department answered the identity sync first', async () => {
      const [a, b]: any[] = await Promise.all([local.query(LIST), remote.query(LIST)]);
      const names = (r: any) =>
        new Map<string, string>(r.data.permits.nodes.filter((n: any) => n.applicant).map((n: any) => [n.applicant.id, n.applicant.name]));
      const la = names(a);
      const differing = [...names(b)].filter(([id, name]) => la.get(id) !== name).map(([id, name]) => `${id}: ${la.get(id)} / ${name}`);
      expect(differing, differing.join('\n')).toEqual([]);
    });

    it('links applicants from the out-of-process department and fetches its permits by id', async () => {
      const result: any = await remote.query(
        `{ permits(first: 50, filter: { departmentCodes: ["market"] }) { nodes { id title applicant { records { department { code } } } } } }`,
      );
      expect(result.errors).toBeUndefined();
      const nodes: any[] = result.data.permits.nodes;
      expect(nodes.length).toBe(50);
      const linked = nodes.filter((n) => n.applicant?.records.some((r: any) => r.department.code === 'market'));
      expect(linked.length).toBeGreaterThan(0);
      const one: any = await remote.query(`query ($id: ID!) { permit(id: $id) { id title } }`, { id: nodes[0].id });
      expect(one.errors).toBeUndefined();
      expect(one.data.permit).toEqual({ id: nodes[0].id, title: nodes[0].title });
    });

    it('reports market unavailable once its process is gone, and still serves the others', async () => {
      await market.stop();
      const result: any = await remote.query(`{ permits(first: 30) { nodes { department { code } } } }`);
      expect(result.data?.permits, JSON.stringify(result.errors)).toBeTruthy();
      const codes = new Set(result.data.permits.nodes.map((n: any) => n.department.code));
      expect(codes.has('market')).toBe(false);
      expect(result.data.permits.nodes.length).toBe(30);
      const marketErrors = (result.errors ?? []).filter((e: any) => e.extensions?.department === 'market');
      expect(marketErrors.length, JSON.stringify(result.errors)).toBeGreaterThan(0);
      expect(marketErrors[0].extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'market', reason: 'UNREACHABLE' });
    });
  });
}
