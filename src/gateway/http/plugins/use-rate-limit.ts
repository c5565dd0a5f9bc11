import type { Request, Response } from 'express';
import { ErrorCode } from '../../../schema/index.js';
import type { Consumer } from '../../auth/consumer.js';
import { createRateLimiter, type RateLimitSettings } from '../rate-limit.js';
import type { HubPlugin } from './hub-plugin.js';
import { identityOf, type Refuse } from './refusal.js';

/** The rate limit as the plugins that count against it see it. */
export interface CallerLimit {
  /** Refuses with 429 and `Retry-After` when this caller (the consumer, or the address for the public) is over its limit; true when it did. */
  refuseIfOver(req: Request, res: Response, consumer: Consumer | null): Promise<boolean>;
}

const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';

/**
 * Requests per minute per consumer (per address for the public), shared by `useRateLimit` and by
 * authentication, which counts a failed credential against the address. No limit when `settings` is absent.
 *
 * @example
 * const limit = callerLimit(DEFAULT_RATE_LIMITS, refusal(logger));
 */
export function callerLimit(settings: RateLimitSettings | undefined, refuse: Refuse): CallerLimit {
  const limiter = settings ? createRateLimiter(settings) : null;
  return {
    async refuseIfOver(req, res, consumer) {
      const decision = limiter ? await limiter.consume(consumer, clientAddress(req)) : { allowed: true as const };
      if (decision.allowed) return false;
      res.set('Retry-After', String(decision.retryAfterSeconds));
      refuse(res, 429, ErrorCode.RATE_LIMITED, `rate limit of ${decision.limit} requests per minute exceeded; retry after ${decision.retryAfterSeconds} s`, {
        retryAfter: decision.retryAfterSeconds,
      });
      return true;
    },
  };
}

/**
 * The rate limit on /graphql for the consumer authentication settled (`rate-limit.ts`): 429 with `Retry-After` above it.
 *
 * @example
 * const plugins = [useAuthentication(authenticate, limit, refuse), useRateLimit(limit)];
 */
export function useRateLimit(limit: CallerLimit): HubPlugin {
  return {
    graphql: [
      async (req, res, next) => {
        if (await limit.refuseIfOver(req, res, identityOf(res)?.consumer ?? null)) return;
        next();
      },
    ],
  };
}
