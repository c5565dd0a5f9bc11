import { makeExecutableSchema } from '@graphql-tools/schema';
import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Adapter } from '../../adapters/core/contract.js';
import { RuntimeAdapter } from '../../adapters/core/runtime-adapter.js';
import { catalogueSdl } from '../../subgraphs/catalogue/catalogue-sdl.js';
import { createDepartmentSubgraph } from '../../subgraphs/department/department-subgraph.js';
import { identitySdl } from '../../subgraphs/identity/identity-sdl.js';
import { composeGateway } from '../compose/compose.js';
import { createHubContext } from '../hub-context.js';
import { unifiedPermit } from '../../../test/support/unified-permit.js';
import { inProcessEndpoint } from './endpoints.js';

/** A department whose system refuses every page query as malformed (as a database does with SQLSTATE 22007). */
function refusingDepartment(code: string) {
  const adapter: Adapter<unknown, unknown> = {
    connector: {
      listPermits: async () => {
        throw Object.assign(new Error('invalid input syntax for type timestamp: "…"'), { code: '22007' });
      },
      getPermits: async () => [],
      listApplicants: async () => ({ rows: [], next: null }),
    },
    mapper: {
      statusCodes: {},
      permit: () => ({ ok: false, localId: 'x', reason: 'unused' }),
      applicant: () => ({ ok: false, localId: 'x', reason: 'unused' }),
    },
  };
  const runtime = new RuntimeAdapter(code, adapter, { retryBaseMs: 1, circuit: { failureThreshold: 2 } });
  return { runtime, endpoint: inProcessEndpoint(createDepartmentSubgraph(runtime), 'department') };
}

/**
 * A department whose system holds `titles` (one permit each, two days apart, the first newest), with a count
 * of the root fields the gateway asks its subgraph for.
 */
function listingDepartment(code: string, titles: readonly string[], firstDay: number) {
  const raw = titles.map((title, i) => ({ id: `${code}-${i}`, title, appliedAt: `2023-04-${String(firstDay - 2 * i).padStart(2, '0')}T10:00:00+08:00` }));
  const adapter: Adapter<(typeof raw)[number], unknown> = {
    connector: {
      listPermits: async (queries) => queries.map((q) => ({ total: raw.length, rows: raw.slice(0, q.limit) })),
      getPermits: async (ids) => raw.filter((r) => ids.includes(r.id)),
      listApplicants: async () => ({ rows: [], next: null }),
    },
    mapper: {
      statusCodes: {},
      permit: (r) => ({ ok: true, value: unifiedPermit({ localId: r.id, title: r.title, appliedAt: r.appliedAt }) }),
      applicant: () => ({ ok: false, localId: 'x', reason: 'unused' }),
    },
  };
  const subgraph = createDepartmentSubgraph(new RuntimeAdapter(code, adapter));
  const asked: Record<string, number> = {};
  for (const field of Object.values(subgraph.schema.getQueryType()!.getFields())) {
    const resolve = field.resolve!;
    field.resolve = (...args) => {
      asked[field.name] = (asked[field.name] ?? 0) + 1;
      return resolve(...args);
    };
  }
  return { asked, endpoint: inProcessEndpoint(subgraph, 'department') };
}

const stub = (name: 'catalogue' | 'identity', sdl: string) =>
  inProcessEndpoint({ name, sdl, schema: makeExecutableSchema({ typeDefs: sdl, resolvers: {} }) }, name);

describe('cross-department permit lists', () => {
  it('pass a department’s refusal of the input on as BAD_USER_INPUT, never DEPARTMENT_UNAVAILABLE, leaving its circuit closed', async () => {
    const market = refusingDepartment('market');
    const { schema } = await composeGateway([market.endpoint, stub('catalogue', catalogueSdl), stub('identity', identitySdl)]);
    for (let i = 0; i < 4; i++) {
      const context = createHubContext(`r${i}`, null, null);
      const result = await graphql({
        schema,
        source: '{ permits(first: 5, filter: { appliedFrom: "2023-01-01" }) { totalCount nodes { id } } }',
        contextValue: context,
      });
      expect(result.errors).toBeUndefined();
      expect(result.data).toEqual({ permits: { totalCount: 0, nodes: [] } });
      // Department errors are added to the response by the HTTP server's plugin, after the data.
      expect(context.departmentErrors.map((e) => e.extensions)).toEqual([{ code: 'BAD_USER_INPUT', department: 'market' }]);
      expect(context.departmentErrors[0]!.message).not.toMatch(/timestamp|syntax/);
    }
    expect(market.runtime.calls.listPermits).toBe(4); // never retried
    expect(market.runtime.health()).toMatchObject({ circuit: 'CLOSED', lastError: null });
  });

  it('fetch the kept permits themselves when the client reads them in one place, and as items when in both', async () => {
    const market = listingDepartment('market', ['m0', 'm1', 'm2'], 27);
    const housing = listingDepartment('housing', ['h0', 'h1', 'h2'], 28);
    const { schema } = await composeGateway([market.endpoint, housing.endpoint, stub('catalogue', catalogueSdl), stub('identity', identitySdl)]);
    const run = async (selection: string) => {
      for (const d of [market, housing]) for (const name of Object.keys(d.asked)) delete d.asked[name];
      const result = await graphql({ schema, source: `{ permits(first: 4) { ${selection} } }`, contextValue: createHubContext('r', null, null) });
      expect(result.errors).toBeUndefined();
      return { data: JSON.parse(JSON.stringify(result.data)).permits, asked: [{ ...market.asked }, { ...housing.asked }] };
    };
    // Newest first across both departments: h0 (28th), m0 (27th), h1 (26th), m1 (25th).
    const titles = ['h0', 'm0', 'h1', 'm1'];
    const direct = { _permitPages: 1, _permitsByLocalIds: 1 };
    const nodes = await run('nodes { title department { code } }');
    expect(nodes.data.nodes.map((n: { title: string }) => n.title)).toEqual(titles);
    expect(nodes.data.nodes[1].department).toEqual({ code: 'market' });
    expect(nodes.asked).toEqual([direct, direct]);
    const edges = await run('edges { cursor node { title } }');
    expect(edges.data.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(titles);
    expect(edges.data.edges.every((e: { cursor: unknown }) => typeof e.cursor === 'string')).toBe(true);
    expect(edges.asked).toEqual([direct, direct]);
    const both = await run('edges { node { title } } nodes { title }');
    expect(both.data.nodes.map((n: { title: string }) => n.title)).toEqual(titles);
    expect(both.data.edges.map((e: { node: { title: string } }) => e.node.title)).toEqual(titles);
    expect(both.asked).toEqual([
      { _permitPages: 1, _permitItems: 1 },
      { _permitPages: 1, _permitItems: 1 },
    ]);
  });
});
