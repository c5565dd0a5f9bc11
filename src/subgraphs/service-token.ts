import { errors, jwtVerify, SignJWT, type JWTHeaderParameters } from 'jose';
import type { ServiceKeyring } from './service-keys.js';

/** Who signs service tokens: the gateway, for the subgraph named in the audience. */
export const SERVICE_TOKEN_ISSUER = 'huitong-gateway';
/** A token's life: short, so one taken off the wire is soon useless. */
export const SERVICE_TOKEN_SECONDS = 60;
/** A cached token is used until this many seconds before it expires, then a new one is signed. */
const REUSE_UNTIL_SECONDS_LEFT = 30;
/** Clock difference tolerated between the gateway's and a service's host. */
const CLOCK_TOLERANCE_SECONDS = 5;

/**
 * Signs the gateway's service tokens: HS256 JWTs under the keyring's current key, issuer
 * `huitong-gateway`, audience the subgraph's name (a token for one department is refused by another),
 * valid for 60 s. One token per audience is reused for 30 s, so signing costs nothing per request.
 *
 * @example
 * const tokens = createServiceTokenIssuer(openServiceKeyring(file));
 * headers.authorization = `Bearer ${await tokens.token('market')}`;
 */
export function createServiceTokenIssuer(keyring: ServiceKeyring, options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const cache = new Map<string, { kid: string; reuseUntil: number; token: Promise<string> }>();
  return {
    token(audience: string): Promise<string> {
      const { kid, key } = keyring.signingKey();
      const at = now();
      const cached = cache.get(audience);
      // A rotation signs with the new key at once: the old one is only accepted, no longer used.
      if (cached && cached.kid === kid && cached.reuseUntil > at) return cached.token;
      const issuedAt = Math.floor(at / 1000);
      const token = new SignJWT({})
        .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
        .setIssuer(SERVICE_TOKEN_ISSUER)
        .setAudience(audience)
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + SERVICE_TOKEN_SECONDS)
        .sign(key);
      cache.set(audience, { kid, reuseUntil: (issuedAt + SERVICE_TOKEN_SECONDS - REUSE_UNTIL_SECONDS_LEFT) * 1000, token });
      token.catch(() => cache.delete(audience));
      return token;
    },
  };
}

/** Why a request was refused: no bearer token, an expired one, or one that is not the gateway's for this service. */
export type ServiceTokenProblem = 'MISSING_TOKEN' | 'EXPIRED_TOKEN' | 'INVALID_TOKEN';

/**
 * Checks the `Authorization` header of a request to a subgraph service: a bearer JWT signed HS256 with a
 * key of the keyring (current, or retired within its grace), issued by the gateway, for this audience,
 * at most 60 s old. Returns null when it passes.
 *
 * @example
 * const problem = await checkServiceToken(keyring, req.headers.authorization, 'market');
 * if (problem) return refuse(401, problem);
 */
export async function checkServiceToken(keyring: ServiceKeyring, authorization: string | undefined, audience: string): Promise<ServiceTokenProblem | null> {
  const match = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '');
  if (!match) return 'MISSING_TOKEN';
  try {
    await jwtVerify(
      match[1]!,
      (header: JWTHeaderParameters) => {
        const key = typeof header.kid === 'string' ? keyring.verificationKey(header.kid) : undefined;
        if (!key) throw new errors.JWKSNoMatchingKey();
        return key;
      },
      {
        algorithms: ['HS256'],
        issuer: SERVICE_TOKEN_ISSUER,
        audience,
        requiredClaims: ['iat', 'exp'],
        maxTokenAge: SERVICE_TOKEN_SECONDS,
        clockTolerance: CLOCK_TOLERANCE_SECONDS,
      },
    );
    return null;
  } catch (error) {
    return error instanceof errors.JWTExpired ? 'EXPIRED_TOKEN' : 'INVALID_TOKEN';
  }
}
