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
});
