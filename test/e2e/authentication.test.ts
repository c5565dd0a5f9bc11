import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey, rotateApiKey, upsertConsumer } from '../../src/gateway/auth/api-keys.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

const ISSUER = 'https://sso.district.example';
const VIEWER = '{ viewer { id kind department { code } purpose } }';

for (const backend of backends) {
  describe(`authentication on ${backend.name}`, () => {
    let hub: DemoHub;
    let privateKey: CryptoKey;
    let otherKey: CryptoKey;
    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      otherKey = (await generateKeyPair('ES256')).privateKey;
      const jwk: JWK = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      hub = await startDemoHub(backend, { jwt: { issuer: ISSUER, jwks: { document: { keys: [jwk] } } } });
    });
    afterAll(() => hub?.stop());

    const sign = (claims: Record<string, unknown>, options: { key?: CryptoKey; issuer?: string; expires?: string | number } = {}) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(options.issuer ?? ISSUER)
        .setIssuedAt()
        .setExpirationTime(options.expires ?? '5m')
        .sign(options.key ?? privateKey);
    const asBearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

    it('treats no credential as the public', async () => {
      const body = await hub.query(VIEWER);
      expect(body.errors).toBeUndefined();
      expect(body.data.viewer).toBeNull();
    });

    it('knows each demo consumer by its key, with its declared purpose', async () => {
      const body = await hub.query(VIEWER, undefined, { ...asBearer('demo-market-key'), 'x-purpose': 'LICENCE_CHECK' });
      expect(body.data.viewer).toEqual({ id: 'demo-market', kind: 'DEPARTMENT', department: { code: 'market' }, purpose: 'LICENCE_CHECK' });
      expect((await hub.query(VIEWER, undefined, asBearer('demo-steward-key'))).data.viewer.kind).toBe('STEWARD');
    });

    it('refuses an unknown, revoked or rotated-out key with 401 UNAUTHENTICATED, never downgrading to public', async () => {
      await upsertConsumer(hub.hub.db, { id: 'portal-x', name: 'x', kind: 'PORTAL', departmentCode: null });
      const { id, key } = await createApiKey(hub.hub.db, 'portal-x');
      expect((await hub.query(VIEWER, undefined, asBearer(key))).data.viewer.id).toBe('portal-x');
      const rotated = await rotateApiKey(hub.hub.db, 'portal-x');
      expect((await hub.query(VIEWER, undefined, asBearer(rotated.key))).data.viewer.id).toBe('portal-x');
      expect(await revokeApiKey(hub.hub.db, id)).toBe(false); // rotation already revoked it
      for (const credential of [key, 'no-such-key']) {
        const response = await fetch(`${hub.hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...asBearer(credential) }, body: JSON.stringify({ query: VIEWER }) });
        expect(response.status).toBe(401);
        const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
        expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      }
    });

    it('accepts a valid JWT from the configured issuer for a registered consumer', async () => {
      const body = await hub.query(VIEWER, undefined, asBearer(await sign({ sub: 'demo-portal' })));
      expect(body.data.viewer).toMatchObject({ id: 'demo-portal', kind: 'PORTAL' });
    });

    it.each([
      ['expired', async () => sign({ sub: 'demo-portal' }, { expires: Math.floor(Date.now() / 1000) - 60 })],
      ['from another issuer', async () => sign({ sub: 'demo-portal' }, { issuer: 'https://evil.example' })],
      ['signed by another key', async () => sign({ sub: 'demo-portal' }, { key: otherKey })],
      ['with alg none', async () => `${Buffer.from('{"alg":"none","typ":"JWT"}').toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'demo-steward', iss: ISSUER, exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url')}.`],
      ['with an HMAC algorithm', async () => new SignJWT({ sub: 'demo-steward' }).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setExpirationTime('5m').sign(new TextEncoder().encode('k'.repeat(32)))],
      ['naming no registered consumer', async () => sign({ sub: 'nobody' })],
    ])('refuses a JWT %s', async (_name, make) => {
      const token = await make();
      const response = await fetch(`${hub.hub.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...asBearer(token) }, body: JSON.stringify({ query: VIEWER }) });
      expect(response.status).toBe(401);
    });
  });
}
