import { describe, expect, it } from 'vitest';
import type { Consumer } from '../auth/consumer.js';
import { createRateLimiter, parseRateLimitOverrides } from './rate-limit.js';

const consumer = (id: string, kind: Consumer['kind']): Consumer => ({ id, name: id, kind, departmentCode: kind === 'DEPARTMENT' ? id : null });

describe('createRateLimiter', () => {
  it('counts each consumer apart, the public per address, and honours overrides and 0 = unlimited', async () => {
    const limiter = createRateLimiter({ perMinute: { PUBLIC: 2, PORTAL: 3, DEPARTMENT: 3, STEWARD: 0 }, overrides: { vip: 5 } });
    const allowed = async (who: Consumer | null, address: string, n: number) => {
      const results = [];
      for (let i = 0; i < n; i++) results.push((await limiter.consume(who, address)).allowed);
      return results;
    };
    expect(await allowed(consumer('market', 'DEPARTMENT'), '10.0.0.1', 4)).toEqual([true, true, true, false]);
    expect(await allowed(consumer('housing', 'DEPARTMENT'), '10.0.0.1', 3)).toEqual([true, true, true]);
    expect(await allowed(null, '10.0.0.1', 3)).toEqual([true, true, false]);
    expect(await allowed(null, '10.0.0.2', 2)).toEqual([true, true]);
    expect(await allowed(consumer('vip', 'PORTAL'), '10.0.0.1', 6)).toEqual([true, true, true, true, true, false]);
    expect((await allowed(consumer('steward', 'STEWARD'), '10.0.0.1', 50)).every(Boolean)).toBe(true);
  });

  it('says how long to wait, in whole seconds within the minute', async () => {
    const limiter = createRateLimiter({ perMinute: { PUBLIC: 1, PORTAL: 1, DEPARTMENT: 1, STEWARD: 1 } });
    await limiter.consume(null, '::1');
    const decision = await limiter.consume(null, '::1');
    expect(decision.allowed).toBe(false);
    if (decision.allowed) return;
    expect(decision.limit).toBe(1);
    expect(Number.isInteger(decision.retryAfterSeconds)).toBe(true);
    expect(decision.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect(decision.retryAfterSeconds).toBeLessThanOrEqual(60);
  });
});

describe('parseRateLimitOverrides', () => {
  it('reads CONSUMER=N pairs and refuses anything else', () => {
    expect(parseRateLimitOverrides(' demo-portal=100, bench.steward = 0 ,')).toEqual({ 'demo-portal': 100, 'bench.steward': 0 });
    expect(parseRateLimitOverrides('')).toEqual({});
    for (const bad of ['demo-portal', 'demo-portal=-1', 'demo-portal=ten', '=5'])
      expect(() => parseRateLimitOverrides(bad), bad).toThrow(/CONSUMER_ID=REQUESTS_PER_MINUTE/);
  });
});
