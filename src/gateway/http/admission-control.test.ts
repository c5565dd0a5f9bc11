import http from 'node:http';
import express from 'express';
import { Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../logging/logger.js';
import { admissionControl, DEFAULT_ADMISSION, readAdmissionSettings, type AdmissionSettings } from './admission-control.js';

/**
 * A server whose /work requests hold their slot until the test opens the gate, behind admission control;
 * /healthz beside it, outside admission. Tells how many /work requests have started.
 */
async function gatedServer(settings: AdmissionSettings, eventLoopDelayMs?: () => number) {
  const registry = new Registry();
  const app = express();
  const server = http.createServer(app);
  let open!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  let started = 0;
  app.get('/healthz', (_req, res) => void res.json({ status: 'ok' }));
  app.use('/work', admissionControl(settings, { logger: silentLogger, server, registry, ...(eventLoopDelayMs ? { eventLoopDelayMs } : {}) }));
  app.use('/work', async (_req, res) => {
    started++;
    await gate;
    res.json({ data: { done: true } });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
  const metric = async (name: string) => {
    const value = new RegExp(`^${name} (\\d+)$`, 'm').exec(await registry.metrics())?.[1];
    if (value === undefined) throw new Error(`no metric ${name}`);
    return Number(value);
  };
  /** Waits (no time limit of its own) until the metric reads `value`. */
  const until = async (name: string, value: number) => {
    while ((await metric(name)) !== value) await new Promise((resolve) => setTimeout(resolve, 5));
  };
  return { url, server, open, started: () => started, metric, until, registry };
}

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((resolve) => s.close(resolve));
  }
});
const track = <T extends { server: http.Server }>(t: T) => (servers.push(t.server), t);

const get = async (url: string, signal?: AbortSignal) => {
  const response = await fetch(url, signal ? { signal } : {});
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions: Record<string, unknown> }> },
  };
};

describe('admission control', () => {
  it('runs up to maxInFlight, queues up to maxQueue, and refuses the next at once with 503, Retry-After and SERVICE_OVERLOADED', async () => {
    const s = track(await gatedServer({ maxInFlight: 2, maxQueue: 1, maxQueueWaitMs: 60_000, maxEventLoopDelayMs: 0 }));
    const running = [get(`${s.url}/work`), get(`${s.url}/work`)];
    await s.until('huitong_graphql_in_flight', 2);
    const queued = get(`${s.url}/work`);
    await s.until('huitong_graphql_queued', 1);

    const refused = await get(`${s.url}/work`);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toMatch(/^\d+$/);
    const seconds = Number(refused.retryAfter);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(seconds).toBeLessThanOrEqual(60);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toEqual([
      { message: expect.stringContaining('overloaded'), extensions: { code: 'SERVICE_OVERLOADED', reason: 'QUEUE_FULL', retryAfter: seconds } },
    ]);
    // Refused before any of its work started; the queued one has not started either.
    expect(s.started()).toBe(2);
    expect((await get(`${s.url}/healthz`)).status).toBe(200);
    expect(await s.metric('huitong_graphql_shed_total\\{reason="QUEUE_FULL"\\}')).toBe(1);

    s.open();
    for (const r of await Promise.all([...running, queued])) expect(r).toMatchObject({ status: 200, body: { data: { done: true } } });
    expect(s.started()).toBe(3);
    // Capacity is back once they are done.
    expect((await get(`${s.url}/work`)).status).toBe(200);
  });

  it('refuses a request that waited maxQueueWaitMs for a slot, without starting it', async () => {
    const s = track(await gatedServer({ maxInFlight: 1, maxQueue: 10, maxQueueWaitMs: 50, maxEventLoopDelayMs: 0 }));
    const running = get(`${s.url}/work`);
    await s.until('huitong_graphql_in_flight', 1);
    const waited = await get(`${s.url}/work`);
    expect(waited.status).toBe(503);
    expect(waited.retryAfter).toMatch(/^\d+$/);
    expect(waited.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_OVERLOADED', reason: 'QUEUE_WAIT' });
    expect(s.started()).toBe(1);
    expect(await s.metric('huitong_graphql_queued')).toBe(0);
    s.open();
    expect((await running).status).toBe(200);
  });

  it('drops a waiting request whose client went away, so it never runs and frees its place', async () => {
    const s = track(await gatedServer({ maxInFlight: 1, maxQueue: 1, maxQueueWaitMs: 60_000, maxEventLoopDelayMs: 0 }));
    const running = get(`${s.url}/work`);
    await s.until('huitong_graphql_in_flight', 1);
    const leaving = new AbortController();
    const gone = get(`${s.url}/work`, leaving.signal).catch((error: Error) => error.name);
    await s.until('huitong_graphql_queued', 1);
    leaving.abort();
    expect(await gone).toBe('AbortError');
    await s.until('huitong_graphql_queued', 0);
    // Its place in the queue is free again: the next request waits instead of being refused.
    const next = get(`${s.url}/work`);
    await s.until('huitong_graphql_queued', 1);
    s.open();
    expect((await running).status).toBe(200);
    expect((await next).status).toBe(200);
    expect(s.started()).toBe(2);
  });

  it('refuses new requests while the event loop lags more than maxEventLoopDelayMs', async () => {
    let lag = 0;
    const s = track(await gatedServer({ maxInFlight: 4, maxQueue: 10, maxQueueWaitMs: 60_000, maxEventLoopDelayMs: 200 }, () => lag));
    s.open();
    expect((await get(`${s.url}/work`)).status).toBe(200);
    lag = 250;
    const refused = await get(`${s.url}/work`);
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toMatch(/^\d+$/);
    expect(refused.body.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_OVERLOADED', reason: 'EVENT_LOOP_DELAY' });
    expect((await get(`${s.url}/healthz`)).status).toBe(200);
    lag = 150;
    expect((await get(`${s.url}/work`)).status).toBe(200);
    expect(s.started()).toBe(2);
  });
});

describe('admission settings from the environment', () => {
  it('has defaults, reads each variable, and is off with HUITONG_MAX_IN_FLIGHT=0', () => {
    expect(readAdmissionSettings({})).toEqual(DEFAULT_ADMISSION);
    expect(
      readAdmissionSettings({ HUITONG_MAX_IN_FLIGHT: '8', HUITONG_MAX_QUEUE: '20', HUITONG_MAX_QUEUE_WAIT_MS: '500', HUITONG_MAX_EVENT_LOOP_DELAY_MS: '0' }),
    ).toEqual({
      maxInFlight: 8,
      maxQueue: 20,
      maxQueueWaitMs: 500,
      maxEventLoopDelayMs: 0,
    });
    expect(readAdmissionSettings({ HUITONG_MAX_IN_FLIGHT: '0' })).toBeNull();
  });

  it('refuses a value that is not a whole number', () => {
    expect(() => readAdmissionSettings({ HUITONG_MAX_QUEUE: '-1' })).toThrow(/HUITONG_MAX_QUEUE must be a whole number/);
    expect(() => readAdmissionSettings({ HUITONG_MAX_QUEUE_WAIT_MS: '2s' })).toThrow(/HUITONG_MAX_QUEUE_WAIT_MS must be a whole number/);
  });
});
