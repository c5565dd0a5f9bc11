import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import type { Consumer, ConsumerKind } from '../auth/consumer.js';

/** Who a limit applies to: a kind of consumer, or the public (no credential), counted per client address. */
export type RateLimitSubject = ConsumerKind | 'PUBLIC';

export interface RateLimitSettings {
  /** Requests per minute for each kind of caller; 0 means unlimited. */
  perMinute: Record<RateLimitSubject, number>;
  /** Requests per minute for particular consumers by id, overriding their kind's limit; 0 means unlimited. */
  overrides?: Readonly<Record<string, number>>;
}

/**
 * What `npm start` applies unless configured otherwise. The public is counted per address and gets the
 * least; a data steward (and so a benchmark run as one) is effectively never limited.
 */
export const DEFAULT_RATE_LIMITS: RateLimitSettings = {
  perMinute: { PUBLIC: 600, PORTAL: 6_000, DEPARTMENT: 6_000, STEWARD: 120_000 },
};

export type RateLimitDecision = { allowed: true } | { allowed: false; limit: number; retryAfterSeconds: number };

export interface RateLimiter {
  /** Counts one request from this caller and says whether it may run. */
  consume(consumer: Consumer | null, address: string): Promise<RateLimitDecision>;
}

const WINDOW_SECONDS = 60;

/**
 * An in-memory fixed-window limiter (rate-limiter-flexible), keyed by consumer id when the caller
 * authenticated and by client address for the public. Memory, not the database: a limit is a guard
 * against bursts on this process, and counting in the database would make every request write.
 *
 * @example
 * const limiter = createRateLimiter({ perMinute: { PUBLIC: 60, PORTAL: 600, DEPARTMENT: 600, STEWARD: 0 } });
 * const decision = await limiter.consume(consumer, req.ip ?? 'unknown');
 * if (!decision.allowed) res.status(429).set('Retry-After', String(decision.retryAfterSeconds));
 */
export function createRateLimiter(settings: RateLimitSettings): RateLimiter {
  // One limiter per distinct limit: rate-limiter-flexible fixes `points` per instance.
  const limiters = new Map<number, RateLimiterMemory>();
  const limiterFor = (points: number) => {
    let limiter = limiters.get(points);
    if (!limiter) {
      limiter = new RateLimiterMemory({ points, duration: WINDOW_SECONDS, keyPrefix: `huitong-${points}` });
      limiters.set(points, limiter);
    }
    return limiter;
  };
  return {
    async consume(consumer, address) {
      const limit = consumer ? (settings.overrides?.[consumer.id] ?? settings.perMinute[consumer.kind]) : settings.perMinute.PUBLIC;
      if (!limit) return { allowed: true };
      const key = consumer ? `consumer:${consumer.id}` : `address:${address}`;
      try {
        await limiterFor(limit).consume(key);
        return { allowed: true };
      } catch (rejection) {
        // rate-limiter-flexible rejects with a RateLimiterRes when the points are spent, an Error otherwise.
        if (!(rejection instanceof RateLimiterRes)) throw rejection;
        return { allowed: false, limit, retryAfterSeconds: Math.max(1, Math.ceil(rejection.msBeforeNext / 1000)) };
      }
    },
  };
}

/**
 * Reads `NAME=N,NAME=N` per-consumer overrides (as in HUITONG_RATE_LIMIT_OVERRIDES).
 *
 * @example
 * parseRateLimitOverrides('demo-portal=100,bench-steward=0'); // { 'demo-portal': 100, 'bench-steward': 0 }
 */
export function parseRateLimitOverrides(text: string): Record<string, number> {
  const overrides: Record<string, number> = {};
  for (const item of text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)) {
    const match = /^([^=\s]+)\s*=\s*(\d+)$/.exec(item);
    if (!match) throw new Error(`rate limit override "${item}" is not CONSUMER_ID=REQUESTS_PER_MINUTE`);
    overrides[match[1]!] = Number(match[2]);
  }
  return overrides;
}
