import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { classifyFailure } from '../../adapters/core/adapter-error.js';
import { onFreshConnection, subgraphFetch } from './subgraph-fetch.js';

/** Echoes each request: method, body, its headers and the port of the connection it came on. */
let server: http.Server;
let url: string;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      res.setHeader('content-type', 'application/json');
      res.setHeader('x-multi', ['a', 'b']);
      res.statusCode = req.url === '/teapot' ? 418 : 200;
      res.end(JSON.stringify({ method: req.method, body, headers: req.headers, port: req.socket.remotePort }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

describe.each(['undici', 'whatwg'] as const)('subgraphFetch (%s)', (kind) => {
  const fetch = subgraphFetch(kind);
  const post = (path: string, context?: unknown) =>
    fetch(`${url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-trace': 't1' }, body: '{"query":"{x}"}' }, context);

  it('sends the method, headers and body, and answers as a Response does', async () => {
    const response = await post('/graphql');
    expect(response.status).toBe(200);
    expect(response.ok).toBe(true);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('x-multi')).toBe('a, b');
    const echo = JSON.parse(await response.text());
    expect(echo).toMatchObject({ method: 'POST', body: '{"query":"{x}"}', headers: { 'x-trace': 't1' } });
    const teapot = await post('/teapot');
    expect([teapot.status, teapot.ok]).toEqual([418, false]);
    expect(await teapot.json()).toMatchObject({ method: 'POST' });
  });

  it('gives the body as a stream too (event streams are read that way)', async () => {
    const response = await post('/graphql');
    let text = '';
    const decoder = new TextDecoder();
    for await (const chunk of response.body as unknown as AsyncIterable<Uint8Array>) text += decoder.decode(chunk, { stream: true });
    expect(JSON.parse(text).method).toBe('POST');
  });

  it('stops at the signal, with an error the adapters read as a timeout', async () => {
    const aborted = AbortSignal.abort(new DOMException('deadline', 'TimeoutError'));
    const error = await fetch(`${url}/graphql`, { method: 'POST', body: '{}', signal: aborted }).catch((e: unknown) => e);
    expect(classifyFailure(error, false)).toBe('TIMEOUT');
  });
});

describe('subgraphFetch on a fresh connection', () => {
  it('sends a resend on a connection of its own, closed after the answer', async () => {
    const fetch = subgraphFetch('undici');
    const init = { method: 'POST', body: '{}' };
    const portOf = async (context?: unknown) => JSON.parse(await (await fetch(`${url}/graphql`, init, context)).text());
    const pooledPorts = async () => {
      const ports = new Set<number>();
      for (let i = 0; i < 6; i++) ports.add((await portOf()).port);
      return ports;
    };
    const before = await pooledPorts();
    const fresh = await portOf(onFreshConnection({ requestId: 'r1' }));
    const after = await pooledPorts();
    expect(before).not.toContain(fresh.port);
    expect(after).not.toContain(fresh.port);
    expect(fresh.headers.connection).toBe('close');
  });

  it('keeps what the context carries', () => {
    const context = { requestId: 'r1' };
    const marked = onFreshConnection(context);
    expect(marked).not.toBe(context);
    expect(marked.requestId).toBe('r1');
  });
});
