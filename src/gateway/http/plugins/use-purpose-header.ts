import { ErrorCode } from '../../../schema/index.js';
import type { HubPlugin } from './hub-plugin.js';
import { identityOf, type Refuse, type RequestIdentity } from './refusal.js';

/** Declared purposes are codes from the purpose catalogue: short ASCII, safe to log. */
export const PURPOSE_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Why the request is made: the `x-purpose` header, one purpose code, recorded with the request's
 * identity for governance and audit; 400 BAD_USER_INPUT when malformed.
 *
 * @example
 * const plugins = [useAuthentication(authenticate, limit, refuse), usePurposeHeader(refuse)];
 */
export function usePurposeHeader(refuse: Refuse): HubPlugin {
  return {
    graphql: [
      (req, res, next) => {
        const declared = req.headers['x-purpose'];
        if (declared !== undefined && (typeof declared !== 'string' || !PURPOSE_PATTERN.test(declared))) {
          return refuse(res, 400, ErrorCode.BAD_USER_INPUT, 'x-purpose must be one purpose code: 1 to 64 letters, digits, ".", "_" or "-"', {
            header: 'x-purpose',
          });
        }
        const identity: RequestIdentity = { consumer: identityOf(res)?.consumer ?? null, purpose: declared ?? null };
        res.locals.identity = identity;
        next();
      },
    ],
  };
}
