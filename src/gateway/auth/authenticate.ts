import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../schema/index.js';
import type { Kysely } from 'kysely';
import { freshReads, type HubDatabase } from '../../storage/index.js';
import { consumerById, consumerByKey } from './api-keys.js';
import type { Consumer } from './consumer.js';
import { createJwtVerifier, type JwtSettings } from './jwt.js';

/**
 * Turns a request's `Authorization` header into a consumer: `Bearer <api key>`, or `Bearer <JWT>` when
 * single sign-on is configured; no header is the public (null). A credential that is present but wrong
 * is an error, never a silent downgrade to public.
 *
 * @example
 * const authenticate = createAuthenticator(db, { jwt: undefined });
 * const consumer = await authenticate(req.headers.authorization); // Consumer | null, or throws UNAUTHENTICATED
 */
export function createAuthenticator(db: Kysely<HubDatabase>, options: { jwt?: JwtSettings | undefined }) {
  const verifyJwt = options.jwt ? createJwtVerifier(options.jwt) : null;
  // Concurrent requests with one credential share a lookup that began after each arrived: a key revoked
  // before a request arrives is refused, and under load one statement serves a wave of requests.
  const consumerOfKey = freshReads((key: string) => consumerByKey(db, key));
  const consumerOfSubject = freshReads((subject: string) => consumerById(db, subject));
  return async (authorization: string | undefined): Promise<Consumer | null> => {
    if (authorization === undefined || authorization === '') return null;
    const match = /^Bearer\s+(\S+)$/i.exec(authorization);
    if (!match) throw unauthenticated('Authorization must be "Bearer <key or token>"');
    const credential = match[1]!;
    // A JWT has three base64url parts; an API key never contains a dot.
    if (credential.split('.').length === 3) {
      if (!verifyJwt) throw unauthenticated('tokens are not accepted here; use an API key');
      let subject: string;
      try {
        subject = await verifyJwt(credential);
      } catch {
        throw unauthenticated('the token is invalid or expired');
      }
      const consumer = await consumerOfSubject(subject);
      if (!consumer) throw unauthenticated('the token names no registered consumer');
      return consumer;
    }
    const consumer = await consumerOfKey(credential);
    if (!consumer) throw unauthenticated('unknown or revoked API key');
    return consumer;
  };
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: ErrorCode.UNAUTHENTICATED, http: { status: 401 } } });
}
