import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApiKey, revokeApiKey, rotateApiKey, upsertConsumer } from '../../src/gateway/auth/api-keys.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

const ISSUER = 'https://sso.district.example';
const AUDIENCE = 'huitong';
const VIEWER = '{ viewer { id kind department { code } purpose } }';

for (const backend of backends) {
  describe(`authentication on ${backend.name}`, () => {
    let hub: DemoHub;
    let privateKey: CryptoKey;
    let otherKey: CryptoKey;
    let rsaKey: CryptoKey;
    let jwk: JWK;
    beforeAll(async () => {
      const pair = await generateKeyPair('ES256');
      privateKey = pair.privateKey;
      otherKey = (await generateKeyPair('ES256')).privateKey;
      rsaKey = (await generateKeyPair('RS256')).privateKey;
      jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
      hub = await startDemoHub(backend, { jwt: { issuer: ISSUER, audience: AUDIENCE, jwks: { document: { keys: [jwk] } } } });
    });
    afterAll(() => hub?.stop());

    const sign = (
      claims: Record<string, unknown>,
      options: {
        key?: CryptoKey;
        alg?: string;
        kid?: string;
        issuer?: string;
        audience?: string | string[] | null;
        expires?: string | number | null;
        notBefore?: string;
      } = {},
    ) => {
      const jwt = new SignJWT(claims)
        .setProtectedHeader({ alg: options.alg ?? 'ES256', kid: options.kid ?? 'k1' })
        .setIssuer(options.issuer ?? ISSUER)
        .setIssuedAt();
      if (options.audience !== null) jwt.setAudience(options.audience ?? AUDIENCE);
      if (options.expires !== null) jwt.setExpirationTime(options.expires ?? '5m');
      if (options.notBefore) jwt.setNotBefore(options.notBefore);
      return jwt.sign(options.key ?? privateKey);
    };
    const unsigned = (header: Record<string, unknown>) =>
      `${Buffer.from(JSON.stringify(header)).toString('base64url')}.${Buffer.from(JSON.stringify({ sub: 'demo-steward', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 })).toString('base64url')}.`;
    const asBearer = (credential: string) => ({ authorization: `Bearer ${credential}` });

    it('treats no credential as the public', async () => {
      const body = await hub.query(VIEWER, undefined, { authorization: '' });
      expect(body.errors).toBeUndefined();
      expect(body.data.viewer).toBeNull();
    });

    it('knows each demo consumer by its key, with its declared purpose', async () => {
      const body = await hub.query(VIEWER, undefined, { ...asBearer('demo-market-key'), 'x-purpose': 'LICENSING_REVIEW' });
      expect(body.data.viewer).toEqual({ id: 'demo-market', kind: 'DEPARTMENT', department: { code: 'market' }, purpose: 'LICENSING_REVIEW' });
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
        const response = await fetch(`${hub.hub.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...asBearer(credential) },
          body: JSON.stringify({ query: VIEWER }),
        });
        expect(response.status).toBe(401);
        const body = (await response.json()) as { errors: Array<{ extensions: { code: string } }> };
        expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      }
    });

    it('accepts a valid JWT from the configured issuer for the configured audience and a registered consumer', async () => {
      const body = await hub.query(VIEWER, undefined, asBearer(await sign({ sub: 'demo-portal' })));
      expect(body.data.viewer).toMatchObject({ id: 'demo-portal', kind: 'PORTAL' });
      // An audience list that names the hub among others is the hub's too.
      const listed = await hub.query(VIEWER, undefined, asBearer(await sign({ sub: 'demo-market' }, { audience: ['portal', AUDIENCE] })));
      expect(listed.data.viewer).toMatchObject({ id: 'demo-market', kind: 'DEPARTMENT' });
    });

    it.each([
      ['expired', async () => sign({ sub: 'demo-portal' }, { expires: Math.floor(Date.now() / 1000) - 60 })],
      ['from another issuer', async () => sign({ sub: 'demo-portal' }, { issuer: 'https://evil.example' })],
      ['signed by another key', async () => sign({ sub: 'demo-portal' }, { key: otherKey })],
      ['for another audience', async () => sign({ sub: 'demo-portal' }, { audience: 'another-service' })],
      ['for no audience', async () => sign({ sub: 'demo-portal' }, { audience: null })],
      ['not valid yet', async () => sign({ sub: 'demo-portal' }, { notBefore: '10m' })],
      ['without an expiry', async () => sign({ sub: 'demo-portal' }, { expires: null })],
      ['signed by another key', async () => sign({ sub: 'demo-portal' }, { key: otherKey })],
      ['signed with another algorithm and key under the trusted key id', async () => sign({ sub: 'demo-steward' }, { key: rsaKey, alg: 'RS256' })],
      ['naming a key id the JWKS does not hold', async () => sign({ sub: 'demo-portal' }, { kid: 'k2' })],
      [
        'whose claims were edited after signing',
        async () => {
          const [header, , signature] = (await sign({ sub: 'demo-portal' })).split('.');
          const claims = { sub: 'demo-steward', iss: ISSUER, aud: AUDIENCE, exp: Math.floor(Date.now() / 1000) + 300 };
          return `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
        },
      ],
      ['with alg none', async () => unsigned({ alg: 'none', typ: 'JWT' })],
      ['with alg None (case games)', async () => unsigned({ alg: 'None', typ: 'JWT' })],
      [
        'with an HMAC algorithm',
        async () =>
          new SignJWT({ sub: 'demo-steward' })
            .setProtectedHeader({ alg: 'HS256' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime('5m')
            .sign(new TextEncoder().encode('k'.repeat(32))),
      ],
      // The classic algorithm confusion: HMAC keyed with the published public key.
      [
        'HMAC-signed with the public key as the secret',
        async () =>
          new SignJWT({ sub: 'demo-steward' })
            .setProtectedHeader({ alg: 'HS256', kid: 'k1' })
            .setIssuer(ISSUER)
            .setAudience(AUDIENCE)
            .setExpirationTime('5m')
            .sign(new TextEncoder().encode(JSON.stringify(jwk))),
      ],
      ['naming no registered consumer', async () => sign({ sub: 'nobody' })],
      ['naming no consumer at all', async () => sign({})],
    ])('refuses a JWT %s with 401 UNAUTHENTICATED', async (_name, make) => {
      const token = await make();
      const response = await fetch(`${hub.hub.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...asBearer(token) },
        body: JSON.stringify({ query: VIEWER }),
      });
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      const body = (await response.json()) as { data?: unknown; errors: Array<{ message: string; extensions: { code: string } }> };
      expect(body.data).toBeUndefined();
      expect(body.errors[0]!.extensions.code).toBe('UNAUTHENTICATED');
      // The reason stays in the hub: a forger learns nothing about which check failed.
      expect(body.errors[0]!.message).toMatch(/^the token (is invalid or expired|names no registered consumer)$/);
    });

    it('refuses a malformed Authorization header, and an API key where a token is expected to be', async () => {
      for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer a b', 'demo-steward-key']) {
        const response = await fetch(`${hub.hub.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization },
          body: JSON.stringify({ query: VIEWER }),
        });
        expect(response.status, authorization).toBe(401);
      }
    });
  });
}
