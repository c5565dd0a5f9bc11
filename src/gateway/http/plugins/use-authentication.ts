import { GraphQLError } from 'graphql';
import { ErrorCode } from '../../../schema/index.js';
import type { Consumer } from '../../auth/consumer.js';
import type { HubPlugin } from './hub-plugin.js';
import type { Refuse, RequestIdentity } from './refusal.js';
import type { CallerLimit } from './use-rate-limit.js';

/** Coded errors the hub raises on purpose pass as they are; any other error is unexpected and masked. */
const SAFE_CODES = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR));

/**
 * Who is asking, from the `Authorization` header (`../auth/`), before the body is read; the public when
 * there is none. A bad credential is refused with its code (401 and `WWW-Authenticate: Bearer` for
 * UNAUTHENTICATED) and counts against the caller's address, so guessing keys runs into the public's limit.
 *
 * @example
 * const plugins = [useAuthentication((header) => authenticate(header), callerLimit(settings, refuse), refuse)];
 */
export function useAuthentication(
  authenticate: ((authorization: string | undefined) => Promise<Consumer | null>) | undefined,
  limit: CallerLimit,
  refuse: Refuse,
): HubPlugin {
  return {
    graphql: [
      async (req, res, next) => {
        let consumer: Consumer | null = null;
        try {
          consumer = authenticate ? await authenticate(req.headers.authorization) : null;
        } catch (error) {
          const code = error instanceof GraphQLError ? error.extensions.code : undefined;
          if (typeof code !== 'string' || !SAFE_CODES.has(code)) return next(error);
          if (await limit.refuseIfOver(req, res, null)) return;
          if (code === ErrorCode.UNAUTHENTICATED) res.set('WWW-Authenticate', 'Bearer');
          const status = (error as GraphQLError).extensions.http as { status?: number } | undefined;
          return refuse(res, status?.status ?? 400, code, (error as GraphQLError).message);
        }
        res.locals.identity = { consumer, purpose: null } satisfies RequestIdentity;
        next();
      },
    ],
  };
}
