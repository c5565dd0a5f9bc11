import { ApolloServer } from '@apollo/server';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { constraintDirectiveSdl } from '../../schema/sdl/common.js';
import { inputConstraintsPlugin } from './input-constraints.js';

let resolved = 0;
const schema = makeExecutableSchema({
  typeDefs: /* GraphQL */ `
    ${constraintDirectiveSdl}
    input Inner { code: String @constraint(maxLength: 3) }
    input Filter {
      search: String @constraint(maxLength: 5)
      codes: [String!] @constraint(maxLength: 3, maxItems: 2)
      inner: [Inner!]
      free: String
    }
    type Query {
      find(text: String @constraint(maxLength: 4), filter: Filter, ids: [ID!] @constraint(maxItems: 3)): Int
    }
  `,
  resolvers: { Query: { find: () => ++resolved } },
});

describe('inputConstraintsPlugin', () => {
  let server: ApolloServer;
  beforeAll(async () => {
    server = new ApolloServer({ schema, plugins: [inputConstraintsPlugin()] });
    await server.start();
  });
  afterAll(() => server.stop());

  const run = async (query: string, variables?: Record<string, unknown>) => {
    const before = resolved;
    const response = await server.executeOperation({ query, variables });
    if (response.body.kind !== 'single') throw new Error('not single');
    return { result: response.body.singleResult, status: response.http.status, ran: resolved > before };
  };

  it.each([
    ['a literal argument', '{ find(text: "12345") }', undefined, 'text', { maxLength: 4 }],
    ['a variable argument', 'query ($t: String) { find(text: $t) }', { t: 'x'.repeat(300_000) }, 'text', { maxLength: 4 }],
    ['an input field in a literal object', '{ find(filter: { search: "123456" }) }', undefined, 'filter.search', { maxLength: 5 }],
    ['an input field in a variable object', 'query ($f: Filter) { find(filter: $f) }', { f: { search: '123456' } }, 'filter.search', { maxLength: 5 }],
    ['a variable inside a literal object', 'query ($s: String) { find(filter: { search: $s }) }', { s: '123456' }, 'filter.search', { maxLength: 5 }],
    ['too many list items', 'query ($f: Filter) { find(filter: $f) }', { f: { codes: ['a', 'b', 'c'] } }, 'filter.codes', { maxItems: 2 }],
    ['a list item too long', '{ find(filter: { codes: ["a", "abcd"] }) }', undefined, 'filter.codes', { maxLength: 3 }],
    ['a single value given for a list', 'query ($f: Filter) { find(filter: $f) }', { f: { codes: 'abcd' } }, 'filter.codes', { maxLength: 3 }],
    [
      'a field of an object in a list',
      'query ($f: Filter) { find(filter: $f) }',
      { f: { inner: [{ code: 'ok' }, { code: 'long' }] } },
      'filter.inner.code',
      { maxLength: 3 },
    ],
    ['a list of ids', 'query ($ids: [ID!]) { find(ids: $ids) }', { ids: ['1', '2', '3', '4'] }, 'ids', { maxItems: 3 }],
  ])('refuses a bound broken by %s with BAD_USER_INPUT before execution', async (_name, query, variables, argument, bound) => {
    const { result, status, ran } = await run(query, variables);
    expect(result.errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', argument, ...bound });
    expect(status).toBe(400);
    expect(result.data).toBeUndefined();
    expect(ran).toBe(false);
  });

  it('runs values at their bounds, unbounded fields and nulls', async () => {
    const { result, ran } = await run('query ($f: Filter) { find(text: "1234", filter: $f, ids: ["1", "2", "3"]) }', {
      f: { search: '12345', codes: ['abc', 'de'], inner: [{ code: 'abc' }, { code: null }], free: 'x'.repeat(10_000) },
    });
    expect(result.errors).toBeUndefined();
    expect(ran).toBe(true);
  });

  it('leaves variables that do not coerce to execution, which refuses them itself', async () => {
    const { result, ran } = await run('query ($t: String) { find(text: $t) }', { t: { not: 'a string' } });
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(ran).toBe(false);
  });
});
