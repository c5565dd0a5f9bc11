import { graphql } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Adapter, PermitQuery } from '../../adapters/core/contract.js';
import { RuntimeAdapter } from '../../adapters/core/runtime-adapter.js';
import { encodeCursor, encodeGlobalId } from '../../schema/index.js';
import { unifiedPermit } from '../../../test/support/unified-permit.js';
import { createDepartmentSubgraph } from './department-subgraph.js';

/** A department whose system records every query it is sent and answers each with `answer`. */
function department(answer: (q: PermitQuery) => Promise<void> = async () => {}) {
  const sent: PermitQuery[] = [];
  const adapter: Adapter<{ id: string }, unknown> = {
    connector: {
      listPermits: async (queries) => {
        for (const q of queries) {
          sent.push(q);
          await answer(q);
        }
        return queries.map(() => ({ total: 1, rows: [{ id: 'P1' }] }));
      },
      getPermits: async (ids) => {
        sent.push({ limit: ids.length, applicantLocalIds: ids });
        return ids.map((id) => ({ id }));
      },
      listApplicants: async () => ({ rows: [], next: null }),
    },
    mapper: {
      statusCodes: { APPROVED: ['10'] },
      permit: (raw) => ({ ok: true, value: unifiedPermit({ localId: raw.id, title: 't', rawStatus: '10', appliedAt: '2023-04-12T00:00:00+08:00' }) }),
      applicant: () => ({ ok: false, localId: 'x', reason: 'unused' }),
    },
  };
  const runtime = new RuntimeAdapter('market', adapter, { maxRetries: 2, retryBaseMs: 1, circuit: { failureThreshold: 2 } });
  const { schema } = createDepartmentSubgraph(runtime);
  const run = async (source: string, variableValues?: Record<string, unknown>) =>
    JSON.parse(JSON.stringify(await graphql({ schema, source, variableValues, contextValue: {} }))) as {
      data?: any;
      errors?: Array<{ message: string; extensions?: Record<string, unknown> }>;
    };
  return { sent, runtime, run };
}

const position = (payload: unknown) => encodeCursor('permit-position', payload);
const PAGE = 'query ($q: _PermitQuery!) { _permitPage(query: $q) { totalCount items { localId } } }';

describe('department subgraph input checks', () => {
  const forged: Array<[string, Record<string, unknown>]> = [
    ['a position whose appliedAt is not an instant', { first: 5, after: position({ appliedAt: 'yesterday', localId: 'P1' }) }],
    ['a position whose appliedAt is a rolled-over date', { first: 5, after: position({ appliedAt: '2023-02-30T00:00:00+08:00', localId: 'P1' }) }],
    ['a position whose localId is a number', { first: 5, after: position({ appliedAt: null, localId: 7 }) }],
    ['a position with an extra field', { first: 5, after: position({ appliedAt: null, localId: 'P1', sql: 'or 1=1' }) }],
    ['a position that is a list', { first: 5, after: position(['2023-01-01', 'P1']) }],
    ['an applicant id with a control character', { first: 5, applicantLocalIds: ['A\u0000'] }],
    ['an applicant id of 300 characters', { first: 5, applicantLocalIds: ['A'.repeat(300)] }],
    ['101 service item codes', { first: 5, serviceItemCodes: Array.from({ length: 101 }, (_, i) => `S${i}`) }],
    ['first above 200', { first: 201 }],
  ];

  it.each(forged)('refuses %s with BAD_USER_INPUT before any call', async (_name, q) => {
    const { sent, runtime, run } = department();
    const result = await run(PAGE, { q });
    expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result)).toBe('BAD_USER_INPUT');
    expect(sent).toEqual([]);
    expect(runtime.calls.listPermits).toBe(0);
  });

  it('refuses malformed ids in the batch lookups one by one, and asks for the rest', async () => {
    const { sent, run } = department();
    const ids = [
      encodeGlobalId('Permit', 'market:P1'),
      encodeGlobalId('Permit', 'market:'),
      encodeGlobalId('Permit', 'market:A\nB'),
      '%%%',
      encodeGlobalId('Permit', 'housing:P9'),
    ];
    const result = await run('query ($ids: [ID!]!) { _permitsByIds(ids: $ids) { title } }', { ids });
    expect(result.data._permitsByIds).toEqual([{ title: 't' }, null, null, null, null]);
    expect(result.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT', 'BAD_USER_INPUT', 'BAD_USER_INPUT']);
    expect(sent).toEqual([{ limit: 1, applicantLocalIds: ['P1'] }]);
    const items = await run('query ($ids: [String!]!) { _permitItems(localIds: $ids) { localId } }', { ids: ['P2', 'x\u0007'] });
    expect(items.data._permitItems).toEqual([{ localId: 'P2' }, null]);
    expect(items.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
    const permits = await run('query ($ids: [String!]!) { _permitsByLocalIds(localIds: $ids) { title } }', { ids: ['x\u0007', 'P3'] });
    expect(permits.data._permitsByLocalIds).toEqual([null, { title: 't' }]);
    expect(permits.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });

  it('turns a query its system refuses into BAD_USER_INPUT naming the department, with the circuit left closed', async () => {
    // A value that slipped past every check and the database still could not take (SQLSTATE 22007).
    const { runtime, run } = department(async () => {
      throw Object.assign(new Error('invalid input syntax for type timestamp'), { code: '22007' });
    });
    for (let i = 0; i < 5; i++) {
      const result = await run(PAGE, { q: { first: 5, appliedFrom: '2023-01-01T00:00:00+08:00' } });
      expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', department: 'market' });
      expect(result.errors?.[0]?.message).not.toMatch(/timestamp|syntax/);
    }
    expect(runtime.calls.listPermits).toBe(5);
    expect(runtime.health()).toMatchObject({ circuit: 'CLOSED', lastError: null });
  });

  it('still serves a well-formed position', async () => {
    const { sent, run } = department();
    const result = await run(PAGE, { q: { first: 5, after: position({ appliedAt: '2023-04-12T00:00:00+08:00', localId: 'P0' }) } });
    expect(result.errors).toBeUndefined();
    expect(sent[0]?.after).toEqual({ appliedAt: '2023-04-12T00:00:00+08:00', localId: 'P0' });
  });
});
