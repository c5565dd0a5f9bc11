import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { mayRetry } from './retry-rules.js';
import { startProxy, type RunningProxy } from './proxy.js';

const json = (payload: unknown) => ({ method: 'POST', contentType: 'application/json', body: Buffer.from(JSON.stringify(payload)) });

describe('which requests the proxy sends again', () => {
  it('sends again GET and HEAD, and a JSON POST whose operation is a query', () => {
    expect(mayRetry({ method: 'GET', contentType: undefined, body: Buffer.alloc(0) })).toBe(true);
    expect(mayRetry({ method: 'head', contentType: undefined, body: Buffer.alloc(0) })).toBe(true);
    expect(mayRetry(json({ query: '{ permits(first: 1) { totalCount } }' }))).toBe(true);
    expect(mayRetry(json({ query: 'query A { a } mutation B { b }', operationName: 'A' }))).toBe(true);
    expect(mayRetry(json([{ query: '{ a }' }, { query: 'query Q { b }' }]))).toBe(true);
    expect(mayRetry({ ...json({ query: '{ a }' }), contentType: 'application/graphql-response+json; charset=utf-8' })).toBe(true);
  });

  it('never sends again a mutation or a subscription, whichever operation operationName names', () => {
    expect(mayRetry(json({ query: 'mutation { requestAccess(input: {}) { id } }' }))).toBe(false);
    expect(mayRetry(json({ query: 'subscription { s }' }))).toBe(false);
    expect(mayRetry(json({ query: 'query A { a } mutation B { b }', operationName: 'B' }))).toBe(false);
    expect(mayRetry(json([{ query: '{ a }' }, { query: 'mutation { b }' }]))).toBe(false);
  });

  it('refuses when unsure: no operation chosen, a syntax error, no document, a body not kept, another method or type', () => {
    expect(mayRetry(json({ query: 'query A { a } query B { b }' }))).toBe(false);
    expect(mayRetry(json({ query: 'query A { a }', operationName: 'C' }))).toBe(false);
    expect(mayRetry(json({ query: '{ a ' }))).toBe(false);
    expect(mayRetry(json({ extensions: { persistedQuery: { version: 1, sha256Hash: 'ab' } } }))).toBe(false);
    expect(mayRetry(json({ query: '{ a }', operationName: 7 }))).toBe(false);
    expect(mayRetry(json([]))).toBe(false);
    expect(mayRetry({ method: 'POST', contentType: 'application/json', body: Buffer.from('{"query":') })).toBe(false);
    expect(mayRetry({ method: 'POST', contentType: 'application/json', body: null })).toBe(false);
    expect(mayRetry({ ...json({ query: '{ a }' }), contentType: 'multipart/form-data; boundary=x' })).toBe(false);
    expect(mayRetry({ ...json({ query: '{ a }' }), method: 'PUT' })).toBe(false);
  });
});

interface Seen {
  method: string;
  url: string;
  body: string;
  headers: http.IncomingHttpHeaders;
}

/** A stand-in gateway replica on loopback: records what reaches it; `behave` answers or cuts the connection. */
async function fakeUpstream(
  name: string,
  behave: (seen: Seen, res: http.ServerResponse) => void = (_s, res) => res.end(JSON.stringify({ data: { from: name } })),
) {
  const seen: Seen[] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const one = { method: req.method!, url: req.url!, body: Buffer.concat(chunks).toString(), headers: req.headers };
      seen.push(one);
      behave(one, res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** Cuts the connection before any response byte, as a replica killed mid-request does. */
const dies = (_seen: Seen, res: http.ServerResponse) => res.socket?.destroy();

/** A loopback port nothing listens on. */
async function closedPort(): Promise<string> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

describe('the round-robin proxy', () => {
  const cleanup: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const close of cleanup.splice(0).reverse()) await close();
  });
  const proxyOver = async (upstreams: string[], options: { downForMs?: number; bodyLimitBytes?: number } = {}): Promise<RunningProxy> => {
    const proxy = await startProxy({ upstreams, ...options });
    cleanup.push(() => proxy.stop());
    return proxy;
  };
  const upstream = async (...args: Parameters<typeof fakeUpstream>) => {
    const u = await fakeUpstream(...args);
    cleanup.push(u.close);
    return u;
  };
  const post = async (url: string, payload: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(payload),
    });
    return { status: response.status, body: (await response.json()) as any };
  };

  it('takes turns, keeps the path, body and authorization, and adds the client to X-Forwarded-For', async () => {
    const [a, b] = [await upstream('a'), await upstream('b')];
    const proxy = await proxyOver([a.url, b.url]);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push(await post(proxy.url, { query: `{ n${i} }` }, { authorization: 'Bearer k', 'x-forwarded-for': '203.0.113.9' }));
    expect(answers.map((r) => r.body.data.from)).toEqual(['a', 'b', 'a', 'b']);
    expect(a.seen.map((s) => JSON.parse(s.body).query)).toEqual(['{ n0 }', '{ n2 }']);
    expect(a.seen[0]).toMatchObject({ method: 'POST', url: '/graphql', headers: { authorization: 'Bearer k', 'x-forwarded-for': '203.0.113.9, 127.0.0.1' } });
    const get = await fetch(`${proxy.url}/healthz?x=1`);
    expect(get.status).toBe(200);
    expect([...a.seen, ...b.seen].find((s) => s.method === 'GET')).toMatchObject({ url: '/healthz?x=1', headers: { 'x-forwarded-for': '127.0.0.1' } });
  });

  it('sends a query again to the next replica when the first dies before answering', async () => {
    const [a, b] = [await upstream('a', dies), await upstream('b')];
    const proxy = await proxyOver([a.url, b.url]);
    const answer = await post(proxy.url, { query: 'query Q { x }', operationName: 'Q' });
    expect(answer).toEqual({ status: 200, body: { data: { from: 'b' } } });
    expect([a.seen.length, b.seen.length]).toEqual([1, 1]);
    expect(proxy.stats()).toMatchObject({ retried: 1, failures: { [a.url]: 1, [b.url]: 0 } });
  });

  it('never sends a mutation again: the client gets a coded 502 and the other replica never sees it', async () => {
    const [a, b] = [await upstream('a', dies), await upstream('b')];
    const proxy = await proxyOver([a.url, b.url]);
    const answer = await post(proxy.url, { query: 'query A { a } mutation M { m }', operationName: 'M' });
    expect(answer.status).toBe(502);
    expect(answer.body.errors[0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', reason: 'NOT_RETRIED' });
    expect([a.seen.length, b.seen.length]).toEqual([1, 0]);
  });

  it('passes over a replica that refused a connection until its down time is over', async () => {
    const dead = await closedPort();
    const b = await upstream('b');
    const proxy = await proxyOver([dead, b.url], { downForMs: 60_000 });
    for (let i = 0; i < 6; i++) expect((await post(proxy.url, { query: '{ x }' })).body.data.from).toBe('b');
    // One refusal, then passed over: the other five went straight to b.
    expect(proxy.stats()).toMatchObject({ failures: { [dead]: 1 }, answered: { [b.url]: 6 }, retried: 1 });
    // Once its down time is over it is tried again in its turn (and passed over again, as it still refuses).
    const brief = await proxyOver([dead, b.url], { downForMs: 1 });
    await post(brief.url, { query: '{ x }' });
    await new Promise((resolve) => setTimeout(resolve, 20));
    await post(brief.url, { query: '{ x }' });
    await post(brief.url, { query: '{ x }' });
    expect(brief.stats().failures[dead]).toBe(2);
  });

  it('sends a request again on a new connection when the replica closed the kept-alive one, without passing over it', async () => {
    // A replica that drops any connection it has answered on before, as one whose idle timeout ran out.
    const served = new WeakSet<object>();
    const closing = await upstream('closing', (_seen, res) => {
      if (served.has(res.socket!)) return void res.socket!.destroy();
      served.add(res.socket!);
      res.end(JSON.stringify({ data: { from: 'closing' } }));
    });
    const proxy = await proxyOver([closing.url]);
    for (let i = 0; i < 3; i++) expect((await post(proxy.url, { query: '{ x }' })).body.data.from).toBe('closing');
    // A mutation always gets a connection of its own: a closed kept-alive one cannot fail it for nothing.
    expect((await post(proxy.url, { query: 'mutation { m }' })).body.data.from).toBe('closing');
    expect(proxy.stats().failures).toEqual({ [closing.url]: 0 });
  });

  it('does not count a client that hung up as the replica failing', async () => {
    let reached!: () => void;
    const arrived = new Promise<void>((resolve) => (reached = resolve));
    const slow = await upstream('slow', (_seen, res) => {
      reached();
      setTimeout(() => res.end(JSON.stringify({ data: { from: 'slow' } })), 300);
    });
    const proxy = await proxyOver([slow.url]);
    const gone = new AbortController();
    const asked = fetch(`${proxy.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ x }' }),
      signal: gone.signal,
    }).catch((error: Error) => error.name);
    await arrived;
    gone.abort();
    expect(await asked).toBe('AbortError');
    expect((await post(proxy.url, { query: '{ y }' })).body.data.from).toBe('slow');
    expect(proxy.stats().failures).toEqual({ [slow.url]: 0 });
  });

  it('answers 502 NO_UPSTREAM when no replica can answer a query', async () => {
    const proxy = await proxyOver([await closedPort(), await closedPort()]);
    const answer = await post(proxy.url, { query: '{ x }' });
    expect(answer.status).toBe(502);
    expect(answer.body.errors[0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', reason: 'NO_UPSTREAM' });
  });

  it('streams a body over its buffer limit whole to one replica, and does not send it again', async () => {
    const big = { query: '{ x }', variables: { pad: 'x'.repeat(5000) } };
    const ok = await upstream('ok', (seen, res) => res.end(JSON.stringify({ data: { length: seen.body.length } })));
    const proxyOk = await proxyOver([ok.url], { bodyLimitBytes: 1000 });
    expect((await post(proxyOk.url, big)).body.data.length).toBe(JSON.stringify(big).length);
    const [a, b] = [await upstream('a', dies), await upstream('b')];
    const proxy = await proxyOver([a.url, b.url], { bodyLimitBytes: 1000 });
    const answer = await post(proxy.url, big);
    expect(answer.body.errors[0].extensions).toEqual({ code: 'UPSTREAM_UNAVAILABLE', reason: 'NOT_RETRIED' });
    expect(b.seen).toHaveLength(0);
  });

  it('streams the response through as the replica writes it, status and headers kept', async () => {
    const slow = await upstream('slow', (_seen, res) => {
      res.writeHead(207, { 'content-type': 'text/plain', 'x-replica': 'slow' });
      res.write('one,');
      setTimeout(() => res.end('two'), 20);
    });
    const proxy = await proxyOver([slow.url]);
    const response = await fetch(`${proxy.url}/anything`);
    expect([response.status, response.headers.get('x-replica'), await response.text()]).toEqual([207, 'slow', 'one,two']);
  });
});
