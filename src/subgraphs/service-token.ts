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

/** Tokens a checker remembers as verified (the gateway sends one per audience for 30 s). */
const REMEMBERED_TOKENS = 256;

/**
 * Checks the `Authorization` header of requests to one subgraph service: a bearer JWT signed HS256 with a
 * key of the keyring (current, or retired within its grace), issued by the gateway, for this audience,
 * at most 60 s old. Resolves null when it passes. A token that passed is remembered until it expires, so
 * the gateway's reused token is verified once, not on every request; its key is still looked up each
 * time, so a key retired by a rotation stops its tokens at once.
 *
 * @example
 * const check = serviceTokenChecker(keyring, 'market');
 * const problem = await check(req.headers.authorization);
 * if (problem) return refuse(401, problem);
 */
export function serviceTokenChecker(keyring: ServiceKeyring, audience: string, options: { now?: () => number } = {}) {
  const now = options.now ?? Date.now;
  const verified = new Map<string, { kid: string; until: number }>();
  return async (authorization: string | undefined): Promise<ServiceTokenProblem | null> => {
    const token = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/.exec(authorization ?? '')?.[1];
    if (!token) return 'MISSING_TOKEN';
    const known = verified.get(token);
    if (known && known.until > now() && keyring.verificationKey(known.kid)) return null;
    const result = await verifyServiceToken(keyring, token, audience);
    if ('problem' in result) return result.problem;
    if (verified.size >= REMEMBERED_TOKENS) verified.delete(verified.keys().next().value!);
    verified.set(token, { kid: result.kid, until: result.until });
    return null;
  };
}

async function verifyServiceToken(
  keyring: ServiceKeyring,
  token: string,
  audience: string,
): Promise<{ kid: string; until: number } | { problem: ServiceTokenProblem }> {
  try {
    const { payload, protectedHeader } = await jwtVerify(
      token,
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
    // Both claims are required and checked above; remembered no longer than the 60 s a token may live.
    return { kid: protectedHeader.kid!, until: Math.min(payload.exp!, payload.iat! + SERVICE_TOKEN_SECONDS) * 1000 };
  } catch (error) {
    return { problem: error instanceof errors.JWTExpired ? 'EXPIRED_TOKEN' : 'INVALID_TOKEN' };
  }
}
