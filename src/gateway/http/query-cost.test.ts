import { readFileSync } from 'node:fs';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { buildSchema, parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workloads } from '../../../bench/lib/workloads.js';
import { type CostContext, DEFAULT_MAX_QUERY_COST, estimateQueryCost, MAX_COST_NODES, queryCostPlugin } from './query-cost.js';

let resolved = 0;
const schema = makeExecutableSchema({
  typeDefs: /* GraphQL */ `
    interface Node { id: ID! }
    type Item implements Node { id: ID! name: String tags: [String!] owner: Owner }
    type Owner implements Node { id: ID! items(first: Int): ItemConnection aliases: [Alias!] }
    type Alias { value: String }
    type ItemConnection { totalCount: Int nodes: [Item!]! }
    union Thing = Item | Owner
    type Query {
      items(first: Int, after: String): ItemConnection
      owner: Owner
      thing: Thing
      node: Node
    }
  `,
  resolvers: {
    Query: { items: () => ({ totalCount: ++resolved, nodes: [] }), owner: () => (++resolved, { id: '1' }) },
    Owner: { items: () => ({ totalCount: 0, nodes: [] }) },
  },
});
const cost = (query: string, variables?: Record<string, unknown>, operationName?: string) => estimateQueryCost(schema, parse(query), variables, operationName);

describe('estimateQueryCost', () => {
  it('counts a field as 1 plus its children, and a page as first × its children', () => {
    expect(cost('{ owner { id } }')).toBe(2);
    // 1 (items) + 10 × (totalCount 1 + nodes (1 + id 1 + name 1))
    expect(cost('{ items(first: 10) { totalCount nodes { id name } } }')).toBe(1 + 10 * 4);
  });

  it('reads first from the variables, then from the variable default, then the page size the resolvers use', () => {
    const query = 'query ($n: Int) { items(first: $n) { nodes { id } } }';
    expect(cost(query, { n: 50 })).toBe(1 + 50 * 2);
    expect(cost(query, { n: 0 })).toBe(1);
    expect(cost('query ($n: Int = 30) { items(first: $n) { nodes { id } } }')).toBe(1 + 30 * 2);
    expect(cost(query, {})).toBe(1 + 20 * 2);
    expect(cost('{ items { nodes { id } } }')).toBe(1 + 20 * 2);
  });

  it('caps first at the largest page: a larger one is refused by the resolver, as BAD_USER_INPUT', () => {
    expect(cost('query ($n: Int) { items(first: $n) { nodes { id } } }', { n: 1_000_000 })).toBe(1 + 200 * 2);
  });

  it('multiplies nested pages', () => {
    const nested = (n: number) => `{ items(first: ${n}) { nodes { owner { items(first: ${n}) { nodes { id } } } } } }`;
    // 1 + n × (nodes 1 + owner 1 + items (1 + n × (nodes 1 + id 1)))
    expect(cost(nested(10))).toBe(1 + 10 * (1 + 1 + (1 + 10 * 2)));
    expect(cost(nested(200))).toBe(1 + 200 * (1 + 1 + (1 + 200 * 2)));
  });

  it('takes a list without a size argument to hold 10, its scalars costing 1 in all', () => {
    expect(cost('{ owner { aliases { value } } }')).toBe(1 + 1 + 10 * 1);
    expect(cost('{ items(first: 5) { nodes { tags } } }')).toBe(1 + 5 * (1 + 1));
  });

  it('follows fragments and inline fragments, once per spread', () => {
    const spread = 'query { items(first: 10) { nodes { ...F } } owner { items(first: 2) { nodes { ...F } } } } fragment F on Item { id name }';
    expect(cost(spread)).toBe(1 + 10 * (1 + 2) + (1 + (1 + 2 * (1 + 2))));
    expect(cost('{ items(first: 10) { nodes { ... on Item { id name } ... { owner { id } } } } }')).toBe(1 + 10 * (1 + 2 + 2));
  });

  it('prices an abstract type by its costliest possible type', () => {
    expect(cost('{ thing { ... on Item { id } ... on Owner { items(first: 50) { nodes { id } } } } }')).toBe(1 + (1 + 50 * 2));
    expect(cost('{ node { id ... on Item { name tags } } }')).toBe(1 + 3);
  });

  it('leaves out what @skip and @include leave out, with literals and with variables', () => {
    const query = 'query ($big: Boolean!) { owner { id } items(first: 100) @include(if: $big) { nodes { id } } }';
    expect(cost(query, { big: true })).toBe(2 + 1 + 100 * 2);
    expect(cost(query, { big: false })).toBe(2);
    expect(cost('query ($s: Boolean!) { items(first: 100) @skip(if: $s) { nodes { id } } }', { s: true })).toBe(0);
    expect(cost('{ owner { id @skip(if: true) items(first: 3) @include(if: false) { totalCount } } }')).toBe(1);
    expect(cost('query ($s: Boolean!) { items(first: 10) { nodes { ...F @skip(if: $s) } } } fragment F on Item { name }', { s: true })).toBe(1 + 10);
  });

  it('prices the operation the request names, not the others in the document', () => {
    const document = 'query Small { owner { id } } query Big { items(first: 200) { nodes { id } } }';
    expect(cost(document, {}, 'Small')).toBe(2);
    expect(cost(document, {}, 'Big')).toBe(401);
  });

  it('charges nothing for introspection', () => {
    expect(cost('{ __schema { types { name fields { name type { name ofType { name } } } } } }')).toBe(0);
    expect(cost('{ owner { __typename id } }')).toBe(2);
  });

  it('answers null when the variables do not coerce (execution refuses them), Infinity for a fragment bomb', () => {
    expect(cost('query ($n: Int!) { items(first: $n) { totalCount } }', {})).toBeNull();
    expect(cost('query ($n: Int) { items(first: $n) { totalCount } }', { n: 'many' })).toBeNull();
    // Each fragment spreads the next twice: 2^20 fields in well under a kilobyte.
    const fragments = Array.from({ length: 20 }, (_, i) => `fragment F${i} on Item { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const bomb = `{ items(first: 1) { nodes { ...F0 } } } ${fragments} fragment F20 on Item { id }`;
    expect(2 ** 20).toBeGreaterThan(MAX_COST_NODES);
    expect(cost(bomb)).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('the default limit on the hub schema', () => {
  const hub = buildSchema(readFileSync(new URL('../../schema/unified.graphql', import.meta.url), 'utf8'));
  const price = (body: string) => {
    const { query, variables } = JSON.parse(body) as { query: string; variables: Record<string, unknown> };
    return estimateQueryCost(hub, parse(query), variables)!;
  };

  it('lets every bench workload through, at the costs documented in query-cost.ts', () => {
    const costs = Object.fromEntries(
      workloads({ applicants: [{ id: 'a', identifier: '91310000MA1FL8XQ30' }], searchTerms: ['规划'] }).map((w) => [w.name, price(w.bodies[0]!)]),
    );
    expect(costs).toEqual({ 'applicant-360': 817, 'permit-page-200': 3601, 'heavy-nested': 5131, 'disclosure-search': 201 });
    for (const value of Object.values(costs)) expect(value).toBeLessThanOrEqual(DEFAULT_MAX_QUERY_COST);
  });

  it('lets a portal page through: an applicant with 50 permits, their departments and service items, and 20 disclosure items', () => {
    const portal = price(JSON.stringify({ query: PORTAL_PAGE, variables: { id: 'QXBwbGljYW50OjE' } }));
    expect(portal).toBeLessThanOrEqual(DEFAULT_MAX_QUERY_COST / 10);
  });

  it('refuses pages of 200 nested three deep, and already two deep', () => {
    expect(price(JSON.stringify({ query: ABUSIVE, variables: {} }))).toBeGreaterThan(1_000_000);
    const twoDeep = '{ permits(first: 200) { nodes { applicant { permits(first: 200) { nodes { id } } } } } }';
    expect(price(JSON.stringify({ query: twoDeep, variables: {} }))).toBeGreaterThan(DEFAULT_MAX_QUERY_COST);
  });
});

describe('queryCostPlugin', () => {
  let server: ApolloServer<CostContext>;
  /** The price the request's context held as its response went out, as the request log plugin reads it. */
  let seen: number | null | undefined;
  beforeAll(async () => {
    const logLine: ApolloServerPlugin<CostContext> = {
      async requestDidStart() {
        return {
          async willSendResponse({ contextValue }) {
            seen = contextValue.queryCost;
          },
        };
      },
    };
    server = new ApolloServer<CostContext>({ schema, plugins: [queryCostPlugin({ maxCost: 500 }), logLine] });
    await server.start();
  });
  afterAll(() => server.stop());

  const run = async (query: string, variables?: Record<string, unknown>) => {
    const before = resolved;
    const response = await server.executeOperation({ query, variables });
    if (response.body.kind !== 'single') throw new Error('not single');
    return { result: response.body.singleResult, status: response.http.status, ran: resolved > before };
  };

  it('refuses an operation over the limit with QUERY_TOO_COSTLY, its cost and the limit, before any resolver', async () => {
    const { result, status, ran } = await run('query ($n: Int) { items(first: $n) { totalCount nodes { id name } } }', { n: 200 });
    expect(status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COSTLY', cost: 1 + 200 * 4, maxCost: 500 });
    expect(result.errors?.[0]?.message).toMatch(/801.*500/);
    expect(ran).toBe(false);
  });

  it('runs the same document with a smaller page, and one at the limit exactly', async () => {
    expect((await run('query ($n: Int) { items(first: $n) { totalCount nodes { id name } } }', { n: 100 })).ran).toBe(true);
    const atLimit = '{ items(first: 166) { nodes { id name } } owner { __typename } }';
    expect(cost(atLimit)).toBe(500);
    const { result, ran } = await run(atLimit);
    expect(result.errors).toBeUndefined();
    expect(ran).toBe(true);
  });

  it('prices each request by its own page size and conditions, though the document is parsed and priced once', async () => {
    // Per node: nodes 1 + id 1, and with $deep an owner costing 1 + (1 + 10 × 1).
    const query = `query ($n: Int = 100, $deep: Boolean = false, $after: String) {
      items(first: $n, after: $after) { nodes { id owner @include(if: $deep) { items(first: 10) { totalCount } } } }
    }`;
    const outcome = async (variables: Record<string, unknown>) => {
      const { result, ran } = await run(query, variables);
      return ran ? 'ran' : result.errors?.[0]?.extensions?.cost;
    };
    expect(await outcome({})).toBe('ran'); // 1 + 100 × 2
    expect(await outcome({ deep: true })).toBe(1 + 100 * 14);
    expect(await outcome({ deep: true, n: null })).toBe('ran'); // null is not the default: 20 a page, 281
    expect(await outcome({ deep: true, n: 30, after: 'a' })).toBe('ran'); // 421
    expect(await outcome({ deep: true, n: 40, after: 'a' })).toBe(1 + 40 * 14);
    expect(await outcome({ deep: true, n: 30, after: 'b' })).toBe('ran');
    expect(await outcome({ deep: false, n: 200 })).toBe('ran'); // 401
    expect(await outcome({ deep: true })).toBe(1 + 100 * 14);
  });

  it('leaves the price in the context for the request log line, also when it refuses', async () => {
    const priced = async (query: string) => {
      seen = undefined;
      await server.executeOperation({ query });
      return seen;
    };
    expect(await priced('{ owner { id } }')).toBe(2);
    expect(await priced('{ items(first: 200) { nodes { id } } }')).toBe(401);
    expect(await priced('{ owner { id } ')).toBeUndefined(); // never resolved: a parse error
  });

  it('leaves variables that do not coerce to execution, which refuses them with its own error', async () => {
    const { result, ran } = await run('query ($n: Int!) { items(first: $n) { totalCount } }', { n: 'lots' });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(ran).toBe(false);
  });

  it('refuses a fragment bomb with a null cost', async () => {
    const fragments = Array.from({ length: 20 }, (_, i) => `fragment F${i} on Item { ...F${i + 1} ...F${i + 1} }`).join(' ');
    const { result, ran } = await run(`{ items(first: 1) { nodes { ...F0 } } } ${fragments} fragment F20 on Item { id }`);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'QUERY_TOO_COSTLY', cost: null, maxCost: 500 });
    expect(ran).toBe(false);
  });
});

const PORTAL_PAGE = /* GraphQL */ `query PortalPage($id: ID!) {
  applicant(id: $id) {
    id name kind
    permits(first: 50) {
      totalCount
      pageInfo { hasNextPage endCursor }
      nodes { id title status appliedAt validUntil department { code name } serviceItem { code name category } }
    }
  }
  disclosureItems(first: 20) {
    totalCount
    nodes { id title category publishedAt publisher { code name } }
  }
}`;

const ABUSIVE = /* GraphQL */ `{
  permits(first: 200) { nodes { applicant { permits(first: 200) { nodes { applicant { permits(first: 200) { nodes { id title } } } } } } } }
}`;
