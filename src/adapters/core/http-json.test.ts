import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { isCallerFault } from './adapter-error.js';
import { getJson, HttpStatusError, jsonEndpoint, requestUrl } from './http-json.js';

describe('jsonEndpoint / requestUrl', () => {
  it('moves credentials to a header, strips the trailing slash and keeps the base query', () => {
    const ep = jsonEndpoint('https://hub:p%40ss@api.example/housing/?token=t1');
    expect(ep.base).toBe('https://api.example/housing');
    expect(ep.headers.authorization).toBe(`Basic ${Buffer.from('hub:p@ss').toString('base64')}`);
    expect(requestUrl(ep, '/api/v2/permits', { unitIds: ['U1', 'U 2'], limit: 5, after: undefined })).toBe(
      'https://api.example/housing/api/v2/permits?token=t1&unitIds=U1,U%202&limit=5',
    );
  });

  it('never echoes the URL when it is invalid', () => {
    expect(() => jsonEndpoint('secret-token-no-scheme')).toThrow(expect.objectContaining({ message: expect.not.stringContaining('secret') }));
    expect(() => jsonEndpoint('ftp://h/')).toThrow(/http/);
  });
});

describe('getJson', () => {
  it('throws the HTTP status on the error, so a 4xx is the caller’s and a 5xx the department’s', async () => {
    const server = createServer((req, res) => {
      res.statusCode = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('status'));
      res.end('{"msg":"no"}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = jsonEndpoint(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api`);
      const failure = (status: number) => getJson(endpoint, '/permits', { status }, AbortSignal.timeout(5000)).catch((e: unknown) => e);
      const bad = await failure(400);
      expect(bad).toBeInstanceOf(HttpStatusError);
      expect(bad).toMatchObject({ status: 400 });
      expect(isCallerFault(bad)).toBe(true);
      const down = await failure(503);
      expect(down).toMatchObject({ status: 503 });
      expect(isCallerFault(down)).toBe(false);
    } finally {
      server.close();
    }
  });

  it('follows redirects, and sends the credential only to the API’s own origin', async () => {
    const authorizations: Record<string, string | null> = {};
    const elsewhere = createServer((req, res) => {
      authorizations.elsewhere = req.headers.authorization ?? null;
      res.end('{"from":"elsewhere"}');
    });
    await new Promise<void>((resolve) => elsewhere.listen(0, '127.0.0.1', resolve));
    // `localhost` is another origin than `127.0.0.1`, on the same loopback.
    const other = `http://localhost:${(elsewhere.address() as AddressInfo).port}`;
    const api = createServer((req, res) => {
      authorizations[req.url ?? ''] = req.headers.authorization ?? null;
      const to = req.url === '/api/moved' ? '/api/here' : req.url === '/api/away' ? `${other}/there` : undefined;
      if (to) res.writeHead(302, { location: to }).end();
      else res.end('{"from":"api"}');
    });
    await new Promise<void>((resolve) => api.listen(0, '127.0.0.1', resolve));
    try {
      const endpoint = jsonEndpoint(`http://hub:secret@127.0.0.1:${(api.address() as AddressInfo).port}/api`);
      expect(await getJson(endpoint, '/moved', {}, AbortSignal.timeout(5000))).toEqual({ from: 'api' });
      expect(authorizations['/api/here']).toBe(endpoint.headers.authorization);
      expect(await getJson(endpoint, '/away', {}, AbortSignal.timeout(5000))).toEqual({ from: 'elsewhere' });
      expect(authorizations['/api/away']).toBe(endpoint.headers.authorization);
      expect(authorizations.elsewhere).toBeNull();
    } finally {
      api.close();
      elsewhere.close();
    }
  });
});
