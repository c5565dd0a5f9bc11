import { makeExecutableSchema } from '@graphql-tools/schema';
import { graphql, type GraphQLSchema } from 'graphql';
import { beforeEach, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../schema/index.js';
import { catalogueSdl } from '../../subgraphs/catalogue/catalogue-sdl.js';
import { departmentSdl } from '../../subgraphs/department/department-sdl.js';
import { identitySdl } from '../../subgraphs/identity/identity-sdl.js';
import { composeGateway } from './compose.js';
import { inProcessEndpoint } from '../delegation/endpoints.js';

// Stand-in subgraphs: departments hand out `{ code }` stubs, the catalogue resolves them and counts its lookups.
const DEPARTMENTS: Record<string, { code: string; name: string }> = {
  market: { code: 'market', name: '市场监督管理局' },
  housing: { code: 'housing', name: '住房和城乡建设局' },
};
const ITEMS: Record<string, { code: string; name: string; category: string; department_code: string }> = {
  'MK-01': { code: 'MK-01', name: '食品经营许可', category: 'LICENSING', department_code: 'market' },
  'HS-01': { code: 'HS-01', name: '商品房预售许可', category: 'LICENSING', department_code: 'housing' },
};
const PERMITS: Record<string, { title: string; serviceItem: string | null; applicant: string }> = {
  'market:1': { title: 'A', serviceItem: 'MK-01', applicant: 'a1' },
  'market:2': { title: 'B', serviceItem: 'MK-01', applicant: 'a2' },
  'housing:1': { title: 'C', serviceItem: 'HS-01', applicant: 'a1' },
  'housing:2': { title: 'D', serviceItem: 'NOT-CATALOGUED', applicant: 'a2' },
  'housing:3': { title: 'E', serviceItem: 'BROKEN', applicant: 'a3' },
};

let lookups: Array<{ field: string; codes: string[] }> = [];
let applicantLookups: string[][] = [];

function departmentSubgraph(code: string) {
  const schema = makeExecutableSchema({
    typeDefs: departmentSdl,
    resolvers: {
      Query: {
        _permitsByIds: (_: unknown, { ids }: { ids: string[] }) =>
          ids.map((id) => {
            const key = Buffer.from(id, 'base64url').toString('utf8').slice('Permit:'.length);
            const p = PERMITS[key];
            return p && key.startsWith(`${code}:`)
              ? {
                  id,
                  title: p.title,
                  status: 'APPROVED',
                  department: { code },
                  serviceItem: p.serviceItem ? { code: p.serviceItem } : null,
                  _applicantKey: `${key.split(':')[0]}:${p.applicant}`,
                }
              : null;
          }),
        _health: () => ({ circuit: 'CLOSED', lastErrorReason: null, lastErrorAt: null, lastSuccessAt: null }),
      },
    },
  });
  return inProcessEndpoint({ name: code, sdl: departmentSdl, schema }, 'department');
}

const catalogue = inProcessEndpoint(
  {
    name: 'catalogue',
    sdl: catalogueSdl,
    schema: makeExecutableSchema({
      typeDefs: catalogueSdl,
      resolvers: {
        Query: {
          _departmentsByCodes: (_: unknown, { codes }: { codes: string[] }) => {
            lookups.push({ field: 'departments', codes });
            return codes.map((c) => DEPARTMENTS[c] ?? null);
          },
          _serviceItemsByCodes: (_: unknown, { codes }: { codes: string[] }) => {
            lookups.push({ field: 'serviceItems', codes });
            if (codes.includes('BROKEN')) throw new Error('catalogue read failed');
            return codes.map((c) => ITEMS[c] ?? null);
          },
        },
        ServiceItem: { department: (item: { department_code: string }) => DEPARTMENTS[item.department_code] },
      },
    }),
  },
  'catalogue',
);

const identity = inProcessEndpoint(
  {
    name: 'identity',
    sdl: identitySdl,
    schema: makeExecutableSchema({
      typeDefs: identitySdl,
      resolvers: {
        Query: {
          _applicantsByRecordKeys: (_: unknown, { keys }: { keys: string[] }) => {
            applicantLookups.push(keys);
            return keys.map((k) => ({ id: encodeGlobalId('Applicant', k), name: `name of ${k}`, kind: 'PERSON', _recordKeys: [k] }));
          },
        },
      },
    }),
  },
  'identity',
);

const schema: GraphQLSchema = (await composeGateway([departmentSubgraph('market'), departmentSubgraph('housing'), catalogue, identity])).schema;
const id = (key: string) => encodeGlobalId('Permit', key);
const run = async (query: string) => JSON.parse(JSON.stringify(await graphql({ schema, source: query, contextValue: {} })));
/** `a: permit(id: …) { <selection> }` for each key, so one request holds several permits. */
const permits = (keys: readonly string[], selection: string) => `{ ${keys.map((k, i) => `p${i}: permit(id: "${id(k)}") { ${selection} }`).join(' ')} }`;

beforeEach(() => {
  lookups = [];
  applicantLookups = [];
});

describe('catalogue stubs', () => {
  it('asks the catalogue once per selection for all the objects of an answer', async () => {
    const keys = ['market:1', 'market:2', 'housing:1'];
    const result = await run(permits(keys, 'title department { code name } serviceItem { code name category }'));
    expect(result.errors).toBeUndefined();
    expect(Object.values(result.data)).toEqual([
      { title: 'A', department: DEPARTMENTS.market, serviceItem: { code: 'MK-01', name: '食品经营许可', category: 'LICENSING' } },
      { title: 'B', department: DEPARTMENTS.market, serviceItem: { code: 'MK-01', name: '食品经营许可', category: 'LICENSING' } },
      { title: 'C', department: DEPARTMENTS.housing, serviceItem: { code: 'HS-01', name: '商品房预售许可', category: 'LICENSING' } },
    ]);
    expect(lookups.map((l) => ({ ...l, codes: [...l.codes].sort() }))).toEqual([
      { field: 'departments', codes: ['housing', 'market'] },
      { field: 'serviceItems', codes: ['HS-01', 'MK-01'] },
    ]);
  });

  it('leaves the catalogue out when the stub answers the selection, the gateway’s own fields included', async () => {
    const result = await run(permits(['market:1', 'housing:1'], 'department { code __typename health { circuit } } serviceItem { code }'));
    expect(result.errors).toBeUndefined();
    expect(result.data.p0).toEqual({ department: { code: 'market', __typename: 'Department', health: { circuit: 'CLOSED' } }, serviceItem: { code: 'MK-01' } });
    expect(lookups).toEqual([]);
  });

  it('answers a selection of the code alone from the stub, under aliases and fragments (and `__typename` by stitching)', async () => {
    const query = `{
      p0: permit(id: "${id('market:1')}") { department { c: code ...K ... on Department { code } } s: serviceItem { code } }
      p1: permit(id: "${id('housing:3')}") { department { code: __typename } serviceItem { code } }
    }
    fragment K on Department { code }`;
    const result = await run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      p0: { department: { c: 'market', code: 'market' }, s: { code: 'MK-01' } },
      p1: { department: { code: 'Department' }, serviceItem: { code: 'BROKEN' } },
    });
    expect(lookups).toEqual([]);
  });

  it('answers aliases, fragments, repeated fields and deeper catalogue fields as the selection asks', async () => {
    const query = `{
      p0: permit(id: "${id('market:1')}") {
        d: department { ... on Department { n: name } ...Code }
        department { code } department { name }
        serviceItem { ...Item department { name health { circuit } } }
      }
    }
    fragment Code on Department { c: code }
    fragment Item on ServiceItem { name }`;
    const result = await run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data.p0).toEqual({
      d: { n: '市场监督管理局', c: 'market' },
      department: { code: 'market', name: '市场监督管理局' },
      serviceItem: { name: '食品经营许可', department: { name: '市场监督管理局', health: { circuit: 'CLOSED' } } },
    });
  });

  it('keeps stitching’s answer for a code the catalogue does not know', async () => {
    const result = await run(permits(['housing:1', 'housing:2'], 'title serviceItem { code name }'));
    expect(result.data.p0).toEqual({ title: 'C', serviceItem: { code: 'HS-01', name: '商品房预售许可' } });
    // The permit stays, its service item is null, and the error says which field could not be filled.
    expect(result.data.p1).toEqual({ title: 'D', serviceItem: null });
    expect(result.errors).toHaveLength(1);
    expect(result.errors[0].path).toEqual(['p1', 'serviceItem', 'name']);
  });

  it('reports a failed catalogue lookup at the field it was for, and answers the rest', async () => {
    const result = await run(permits(['market:1', 'housing:3'], 'title department { name } serviceItem { name }'));
    expect(result.data.p0.department).toEqual({ name: '市场监督管理局' });
    expect(result.data.p1).toEqual({ title: 'E', department: { name: '住房和城乡建设局' }, serviceItem: null });
    expect(result.errors.map((e: { message: string; path: unknown }) => [e.message, e.path])).toContainEqual(['catalogue read failed', ['p1', 'serviceItem']]);
  });
});

describe('batched lookups', () => {
  it('tells lookups apart by every node of a field asked twice under one response key', async () => {
    // Both permits ask `applicant { id }` first; only the second also asks for the name.
    const query = `{
      p0: permit(id: "${id('market:1')}") { applicant { id } }
      p1: permit(id: "${id('market:2')}") { applicant { id } applicant { name } }
    }`;
    const result = await run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data.p0.applicant).toEqual({ id: encodeGlobalId('Applicant', 'market:a1') });
    expect(result.data.p1.applicant).toEqual({ id: encodeGlobalId('Applicant', 'market:a2'), name: 'name of market:a2' });
  });

  it('tells plans apart when a fragment’s field is asked beside other nodes in one place only', async () => {
    const query = `{
      p0: permit(id: "${id('market:1')}") { ...A }
      p1: permit(id: "${id('market:2')}") { ...A applicant { name } }
    }
    fragment A on Permit { applicant { id } }`;
    const result = await run(query);
    expect(result.errors).toBeUndefined();
    expect(result.data.p1.applicant).toEqual({ id: encodeGlobalId('Applicant', 'market:a2'), name: 'name of market:a2' });
  });
});
