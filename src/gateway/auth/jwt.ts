import { createLocalJWKSet, createRemoteJWKSet, jwtVerify, type JWTVerifyGetKey } from 'jose';

export interface JwtSettings {
  issuer: string;
  /** A JWKS URL (the district's single sign-on), or a JWKS document for isolated networks. */
  jwks: { url: string } | { document: { keys: object[] } };
  audience?: string;
  /** The claim that names the hub consumer; `sub` by default. */
  consumerClaim?: string;
}

/** Asymmetric algorithms only: `none` and shared-secret HMAC tokens are refused. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * A verifier for tokens from the district's identity provider, checked with jose against its JWKS and
 * issuer (and audience when set); expired, not-yet-valid, wrongly signed or `alg: none` tokens fail, and
 * so does a token without an expiry, which would otherwise be good forever.
 *
 * @example
 * const verify = createJwtVerifier({ issuer: 'https://sso.example.gov.cn', jwks: { url: 'https://sso.example.gov.cn/jwks' } });
 * const consumerId = await verify(token); // or throws
 */
export function createJwtVerifier(settings: JwtSettings): (token: string) => Promise<string> {
  const keys: JWTVerifyGetKey =
    'url' in settings.jwks
      ? createRemoteJWKSet(new URL(settings.jwks.url))
      : createLocalJWKSet(settings.jwks.document as Parameters<typeof createLocalJWKSet>[0]);
  return async (token) => {
    const { payload } = await jwtVerify(token, keys, {
      issuer: settings.issuer,
      algorithms: ALGORITHMS,
      requiredClaims: ['exp'],
      ...(settings.audience ? { audience: settings.audience } : {}),
    });
    const subject = payload[settings.consumerClaim ?? 'sub'];
    if (typeof subject !== 'string' || subject === '') throw new Error('token names no consumer');
    return subject;
  };
}
