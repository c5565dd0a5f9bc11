import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { compiledRunner } from './compiled-queries.js';

const schema = makeExecutableSchema({
  typeDefs: /* GraphQL */ `
    type Query { permits(first: Int!): [Permit!]! broken: String }
    type Permit { id: ID! title: String! status: String denied: String }
  `,
  resolvers: {
    Query: {
      permits: (_: unknown, { first }: { first: number }) =>
        Array.from({ length: first }, (_, i) => ({ id: `p${i}`, title: `证 ${i}`, status: i % 2 ? null : 'APPROVED' })),
      broken: () => {
        throw new GraphQLError('department down', { extensions: { code: 'DEPARTMENT_UNAVAILABLE' } });
      },
    },
    Permit: { denied: () => Promise.reject(new GraphQLError('not granted', { extensions: { code: 'FORBIDDEN' } })) },
  },
});

const document = parse(/* GraphQL */ `
  query Page($n: Int!, $withStatus: Boolean!) {
    permits(first: $n) { id title status @include(if: $withStatus) denied }
    broken
  }
`);

describe('compiledRunner', () => {
  it('answers a compiled operation exactly as graphql-js does: data, nulls, directives, located and coded errors', async () => {
    const plain = compiledRunner('off');
    const compiled = compiledRunner('first');
    for (const variableValues of [
      { n: 3, withStatus: true },
      { n: 2, withStatus: false },
      { n: 0, withStatus: true },
    ]) {
      const expected = JSON.parse(JSON.stringify(await plain({ schema, document, variableValues })));
      expect(expected.errors.length).toBeGreaterThan(0);
      expect(JSON.parse(JSON.stringify(await compiled({ schema, document, variableValues })))).toEqual(expected);
    }
  });

  it('refuses bad variables with graphql-js’s own errors', async () => {
    for (const variableValues of [{ n: 'three', withStatus: true }, { withStatus: true }, { n: 1, withStatus: 'yes' }]) {
      const expected = JSON.parse(JSON.stringify(await compiledRunner('off')({ schema, document, variableValues })));
      expect(expected.data).toBeUndefined();
      expect(JSON.parse(JSON.stringify(await compiledRunner('first')({ schema, document, variableValues })))).toEqual(expected);
    }
  });

  it('by default runs a document compiled from its second time, with the same answer', async () => {
    const run = compiledRunner('on');
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(JSON.parse(JSON.stringify(await run({ schema, document, variableValues: { n: 2, withStatus: true } }))));
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
  });
});
