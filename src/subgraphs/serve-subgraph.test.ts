import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { specifiedRules, type ValidationContext } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { documentCache, serveSubgraph, type RunningSubgraph } from './serve-subgraph.js';

const schema = makeExecutableSchema({
  typeDefs: 'type Query { hello(name: String!): String }',
  resolvers: { Query: { hello: (_: unknown, { name }: { name: string }) => `hello ${name}` } },
});

describe('documentCache', () => {
  it('parses a document once and validates it once per schema and rules', () => {
    const documents = documentCache();
    let visits = 0;
    const counting = (_context: ValidationContext) => {
      visits++;
      return {};
    };
    const first = documents.parse('query ($n: String!) { hello(name: $n) }');
    expect(documents.parse('query ($n: String!) { hello(name: $n) }')).toBe(first);
    expect(documents.validate(schema, first, [...specifiedRules, counting])).toEqual([]);
    expect(documents.validate(schema, first, [...specifiedRules, counting])).toEqual([]);
    expect(visits).toBe(1);
    // Other rules are another validation.
    expect(documents.validate(schema, first, [counting])).toEqual([]);
    expect(visits).toBe(2);
  });

  it('keeps validation errors, does not keep syntax errors, and stays bounded', () => {
    const documents = documentCache(2);
    const bad = documents.parse('{ nope }');
    expect(documents.validate(schema, bad, specifiedRules)).toHaveLength(1);
    expect(documents.validate(schema, bad, specifiedRules)).toHaveLength(1);
    expect(() => documents.parse('{ hello(')).toThrow();
    const a = documents.parse('{ a: hello(name: "a") }');
    documents.parse('{ b: hello(name: "b") }');
    // The oldest entry ({ nope }) went first; a is still the same object.
    expect(documents.parse('{ nope }')).not.toBe(bad);
    expect(documents.parse('{ b: hello(name: "b") }')).toBe(documents.parse('{ b: hello(name: "b") }'));
    expect(a.kind).toBe('Document');
  });
});

describe('serveSubgraph', () => {
  let running: RunningSubgraph;
  beforeAll(async () => {
    running = await serveSubgraph({ name: 'test', sdl: '', schema }, { serviceKeys: null, host: '127.0.0.1', port: 0 });
  });
  afterAll(() => running.close());
  const post = async (query: string, variables?: Record<string, unknown>) =>
    (
      await fetch(running.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }) })
    ).json() as Promise<any>;

  it('answers repeated documents with each request’s own variables, and refuses invalid ones every time', async () => {
    const query = 'query ($n: String!) { hello(name: $n) }';
    expect(await post(query, { n: 'a' })).toEqual({ data: { hello: 'hello a' } });
    expect(await post(query, { n: 'b' })).toEqual({ data: { hello: 'hello b' } });
    for (let i = 0; i < 2; i++) {
      const invalid = await post('{ nope }');
      expect(invalid.data).toBeUndefined();
      expect(invalid.errors[0].message).toMatch(/nope/);
    }
    const missing = await post(query, {});
    expect(missing.errors[0].message).toMatch(/\$n/);
  });

  it('is ready on /readyz until it drains, then answers 503 there while still serving /graphql', async () => {
    const own = await serveSubgraph({ name: 'test', sdl: '', schema }, { serviceKeys: null, host: '127.0.0.1', port: 0 });
    try {
      const base = own.url.replace(/\/graphql$/, '');
      expect(await (await fetch(`${base}/readyz`)).json()).toEqual({ status: 'ready' });
      own.drain();
      const readyz = await fetch(`${base}/readyz`);
      expect([readyz.status, await readyz.json()]).toEqual([503, { status: 'draining' }]);
      expect((await fetch(`${base}/healthz`)).status).toBe(200);
      const answer = await fetch(own.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ hello(name: "x") }' }),
      });
      expect(await answer.json()).toEqual({ data: { hello: 'hello x' } });
    } finally {
      await own.close();
    }
  });
});
