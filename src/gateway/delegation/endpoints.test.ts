import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GraphQLError, parse, print } from 'graphql';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { classifyFailure } from '../../adapters/core/adapter-error.js';
import { serveSubgraph, type RunningSubgraph } from '../../subgraphs/serve-subgraph.js';
import { openServiceKeyring, rotateServiceKeys } from '../../subgraphs/service-keys.js';
import { createServiceTokenIssuer } from '../../subgraphs/service-token.js';
import { httpEndpoint, inProcessEndpoint } from './endpoints.js';

/** A stand-in subgraph whose answer each test picks by the operation name. */
let server: http.Server;
let url: string;
const bodies: Array<{ query: string; variables?: unknown; operationName?: string }> = [];
/** Requests seen per connection: `Flaky` drops a kept-alive connection on its second request, as a service closing idle ones. */
const perSocket = new WeakMap<object, number>();
beforeAll(async () => {
  server = http.createServer((req, res) => {
    const seen = (perSocket.get(req.socket) ?? 0) + 1;
    perSocket.set(req.socket, seen);
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString('utf8')));
    req.on('end', () => {
      const body = JSON.parse(text) as { query: string; operationName?: string };
      bodies.push(body);
      if (body.operationName === 'Hang') return;
      if (body.operationName === 'HangBody') return void res.writeHead(200, { 'content-type': 'application/json' }).write('{"data":');
      if (body.operationName === 'Flaky' && seen > 1) return void req.socket.destroy();
      if (body.operationName === 'Html') return void res.writeHead(502, { 'content-type': 'text/html' }).end('<html>bad gateway</html>');
      if (body.operationName === 'Invalid')
        return void res.writeHead(400, { 'content-type': 'application/json' }).end('{"errors":[{"message":"Cannot query field"}]}');
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: { echo: body } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const reasonOf = (result: any) => classifyFailure(result.errors[0], false);

describe('httpEndpoint', () => {
  it('posts the document with its variables and returns the answer', async () => {
    const endpoint = httpEndpoint({ name: 'market', role: 'department', sdl: '', url });
    const document = parse('query Q($n: Int) { x(n: $n) }');
    const result: any = await endpoint.executor({ document, variables: { n: 1 }, operationName: 'Q' });
    expect({ ...result.data.echo, query: print(parse(result.data.echo.query)) }).toEqual({ query: print(document), variables: { n: 1 }, operationName: 'Q' });
    const again: any = await endpoint.executor({ document, variables: { n: 2 } });
    expect(again.data.echo.variables).toEqual({ n: 2 });
  });

  it('passes GraphQL request errors through, and reports what is not GraphQL as a failure', async () => {
    const endpoint = httpEndpoint({ name: 'market', role: 'department', sdl: '', url });
    const invalid: any = await endpoint.executor({ document: parse('query Invalid { nope }'), operationName: 'Invalid' });
    expect(invalid.data).toBeUndefined();
    expect(invalid.errors.map((e: Error) => e.message)).toEqual(['Cannot query field']);
    const html: any = await endpoint.executor({ document: parse('query Html { x }'), operationName: 'Html' });
    expect(html.errors).toHaveLength(1);
    expect(reasonOf(html)).toBe('ERROR');
  });

  it('sends once more on a new connection when a kept-alive one turns out closed', async () => {
    const endpoint = httpEndpoint({ name: 'market', role: 'department', sdl: '', url });
    const document = parse('query Flaky { x }');
    const before = bodies.length;
    for (let i = 0; i < 3; i++) {
      const result: any = await endpoint.executor({ document, operationName: 'Flaky' });
      expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
      expect(result.data.echo.operationName).toBe('Flaky');
    }
    // Each request dropped on a kept-alive connection was sent once more and answered on a new one (the
    // first may also find a pooled connection from an earlier test); none was sent more than twice.
    expect(bodies.length - before).toBeGreaterThanOrEqual(5);
    expect(bodies.length - before).toBeLessThanOrEqual(6);
  });

  it('reports a service that does not answer in time as TIMEOUT, and one that is not there as UNREACHABLE', async () => {
    const slow = httpEndpoint({ name: 'market', role: 'department', sdl: '', url, timeoutMs: 200 });
    const hung: any = await slow.executor({ document: parse('query Hang { x }'), operationName: 'Hang' });
    expect(reasonOf(hung)).toBe('TIMEOUT');
    // The deadline covers the body too: headers sent, the rest never.
    const halfSent: any = await slow.executor({ document: parse('query HangBody { x }'), operationName: 'HangBody' });
    expect(reasonOf(halfSent)).toBe('TIMEOUT');
    const gone = httpEndpoint({ name: 'market', role: 'department', sdl: '', url: 'http://127.0.0.1:9/graphql' });
    const refused: any = await gone.executor({ document: parse('{ x }') });
    expect(reasonOf(refused)).toBe('UNREACHABLE');
  });
});

describe('inProcessEndpoint', () => {
  it('answers a document sent again and again the same, compiled or not: data, nulls, error paths and codes', async () => {
    let calls = 0;
    const schema = makeExecutableSchema({
      typeDefs: 'type Item { id: ID! name: String! when: String } type Query { items(ids: [ID!]!): [Item]! }',
      resolvers: {
        Query: {
          items: async (_root: unknown, { ids }: { ids: string[] }) => {
            calls++;
            return ids.map((id) =>
              id === 'gone'
                ? new GraphQLError('no such item', { extensions: { code: 'DEPARTMENT_UNAVAILABLE', department: 'market' } })
                : { id, name: `n${id}`, when: null },
            );
          },
        },
      },
    });
    const endpoint = inProcessEndpoint({ name: 'market', sdl: '', schema } as Parameters<typeof inProcessEndpoint>[0], 'department');
    const document = parse('query Items($ids: [ID!]!) { items(ids: $ids) { id name when } }');
    const answers: unknown[] = [];
    for (let i = 0; i < 3; i++) {
      const result: any = await endpoint.executor({ document, variables: { ids: ['1', 'gone', '2'] }, operationName: 'Items' });
      answers.push(JSON.parse(JSON.stringify(result)));
      expect(result.errors[0].extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'market' });
    }
    expect(calls).toBe(3);
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]).toMatchObject({
      data: { items: [{ id: '1', name: 'n1', when: null }, null, { id: '2', name: 'n2' }] },
      errors: [{ message: 'no such item', path: ['items', 1] }],
    });
  });
});

describe('httpEndpoint to a subgraph service', () => {
  const dir = mkdtempSync(join(tmpdir(), 'huitong-endpoint-keys-'));
  const file = join(dir, 'service-keys.json');
  let service: RunningSubgraph;
  beforeAll(async () => {
    rotateServiceKeys(file);
    const schema = makeExecutableSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => 'hello' } } });
    service = await serveSubgraph({ name: 'market', sdl: '', schema }, { serviceKeys: openServiceKeyring(file) });
  });
  afterAll(async () => {
    await service.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the service token the service requires with every request', async () => {
    const tokens = createServiceTokenIssuer(openServiceKeyring(file));
    const endpoint = httpEndpoint({ name: 'market', role: 'department', sdl: '', url: service.url, serviceToken: () => tokens.token('market') });
    for (let i = 0; i < 2; i++) expect(await endpoint.executor({ document: parse('{ hello }') })).toEqual({ data: { hello: 'hello' } });
    const bare: any = await httpEndpoint({ name: 'market', role: 'department', sdl: '', url: service.url }).executor({ document: parse('{ hello }') });
    expect(bare.data ?? null).toBeNull();
    expect(bare.errors[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED', reason: 'MISSING_TOKEN' });
  });
});
