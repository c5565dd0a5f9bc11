import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveSubgraph, type RunningSubgraph } from './serve-subgraph.js';
import { listServiceKeys, openServiceKeyring, rotateServiceKeys } from './service-keys.js';
import { createServiceTokenIssuer } from './service-token.js';

let calls = 0;
const schema = makeExecutableSchema({ typeDefs: 'type Query { hello: String }', resolvers: { Query: { hello: () => ((calls += 1), 'hello') } } });

describe('a subgraph service answers the gateway only', () => {
  const dir = mkdtempSync(join(tmpdir(), 'huitong-service-keys-'));
  const file = join(dir, 'service-keys.json');
  const otherFile = join(dir, 'other-keys.json');
  let running: RunningSubgraph;
  // The service's clock, moved on where a test needs it to look at its key file again.
  let serviceClockOffset = 0;
  beforeAll(async () => {
    rotateServiceKeys(file);
    rotateServiceKeys(otherFile);
    running = await serveSubgraph(
      { name: 'market', sdl: '', schema },
      { serviceKeys: openServiceKeyring(file, { now: () => Date.now() + serviceClockOffset }), port: 0 },
    );
  });
  afterAll(async () => {
    await running.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const post = async (authorization?: string) => {
    const response = await fetch(running.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
      body: JSON.stringify({ query: '{ hello }' }),
    });
    return { status: response.status, body: (await response.json()) as any, challenge: response.headers.get('www-authenticate') };
  };
  const refused = (reason: string) => ({
    status: 401,
    body: { errors: [{ message: expect.any(String), extensions: { code: 'UNAUTHENTICATED', reason } }] },
    challenge: expect.stringMatching(/^Bearer/),
  });

  it('listens on loopback unless told otherwise', () => {
    expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
  });

  it('answers a request with the gateway’s token for this service', async () => {
    const tokens = createServiceTokenIssuer(openServiceKeyring(file));
    expect(await post(`Bearer ${await tokens.token('market')}`)).toMatchObject({ status: 200, body: { data: { hello: 'hello' } } });
  });

  it('refuses with 401 and a coded error, before running anything: no token, a bad one, another service’s, a stranger’s key', async () => {
    const before = calls;
    expect(await post()).toEqual(refused('MISSING_TOKEN'));
    expect(await post('Basic dXNlcjpwYXNz')).toEqual(refused('MISSING_TOKEN'));
    expect(await post('Bearer not.a.token')).toEqual(refused('INVALID_TOKEN'));
    const ours = createServiceTokenIssuer(openServiceKeyring(file));
    expect(await post(`Bearer ${await ours.token('housing')}`)).toEqual(refused('INVALID_TOKEN'));
    const stranger = createServiceTokenIssuer(openServiceKeyring(otherFile));
    expect(await post(`Bearer ${await stranger.token('market')}`)).toEqual(refused('INVALID_TOKEN'));
    // The right key under a made-up key id, and the right key id with an algorithm the service does not take.
    const { kid, key } = openServiceKeyring(file).signingKey();
    const claims = () => new SignJWT({}).setIssuer('huitong-gateway').setAudience('market').setIssuedAt().setExpirationTime('60s');
    expect(await post(`Bearer ${await claims().setProtectedHeader({ alg: 'HS256', kid: 'sk-guess' }).sign(key)}`)).toEqual(refused('INVALID_TOKEN'));
    expect(await post(`Bearer ${await claims().setProtectedHeader({ alg: 'HS512', kid }).sign(key)}`)).toEqual(refused('INVALID_TOKEN'));
    // A token from another issuer, and one made to live an hour.
    expect(await post(`Bearer ${await claims().setIssuer('someone').setProtectedHeader({ alg: 'HS256', kid }).sign(key)}`)).toEqual(refused('INVALID_TOKEN'));
    const longLived = new SignJWT({})
      .setIssuer('huitong-gateway')
      .setAudience('market')
      .setIssuedAt(Math.floor(Date.now() / 1000) - 120)
      .setExpirationTime('1h');
    expect(await post(`Bearer ${await longLived.setProtectedHeader({ alg: 'HS256', kid }).sign(key)}`)).toEqual(refused('EXPIRED_TOKEN'));
    expect(calls).toBe(before);
  });

  it('refuses a token signed over a minute ago', async () => {
    const tokens = createServiceTokenIssuer(openServiceKeyring(file), { now: () => Date.now() - 120_000 });
    expect(await post(`Bearer ${await tokens.token('market')}`)).toEqual(refused('EXPIRED_TOKEN'));
  });

  it('rotates: signs with the new key at once, accepts the old one for its grace period, then refuses it', async () => {
    let clock = Date.now();
    const gatewayKeys = openServiceKeyring(file, { now: () => clock });
    const tokens = createServiceTokenIssuer(gatewayKeys);
    const before = await tokens.token('market');
    const rotated = rotateServiceKeys(file, { graceSeconds: 600 });
    expect(rotated.retiring).toHaveLength(1);
    clock += 1001;
    const after = await tokens.token('market');
    expect(JSON.parse(Buffer.from(after.split('.')[0]!, 'base64url').toString()).kid).toBe(rotated.kid);
    // The running service picks the new key up from the file without a restart; the old one still passes.
    expect((await post(`Bearer ${after}`)).status).toBe(200);
    expect((await post(`Bearer ${before}`)).status).toBe(200);
    // A second rotation with no grace retires the previous current key at once; the first one's grace has not ended, so it stays listed.
    const again = rotateServiceKeys(file, { graceSeconds: 0 });
    serviceClockOffset += 1001;
    expect(await post(`Bearer ${after}`)).toEqual(refused('INVALID_TOKEN'));
    expect(listServiceKeys(file).map((k) => k.kid)).toEqual([rotated.retiring[0]!.kid, rotated.kid, again.kid]);
    // Once past its grace, a rotation drops a key from the file.
    const later = rotateServiceKeys(file, { now: new Date(Date.now() + 601_000) });
    expect(later.dropped).toEqual([rotated.retiring[0]!.kid, rotated.kid]);
  });

  it('never lists a secret, and keeps the file to its owner', () => {
    expect(JSON.stringify(listServiceKeys(file))).not.toMatch(/secret/);
    expect(readFileSync(file, 'utf8')).toMatch(/"secret"/);
    expect(statSync(file).mode & 0o077).toBe(0);
  });

  it('tells the operator how to create a missing key file', () => {
    expect(() => openServiceKeyring(join(dir, 'missing.json'))).toThrow(/huitong service-key rotate/);
  });
});
