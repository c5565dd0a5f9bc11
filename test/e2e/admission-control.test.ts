import http from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoPaths, ensureDemoData } from '../../src/demo/demo-district.js';
import { startHousingServer } from '../../src/demo/legacy/housing-server.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

const PAGE = '{ permits(first: 5) { totalCount nodes { id department { code } } } }';
type Body = { data?: { permits?: { nodes: unknown[] } } | null; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };

/**
 * The housing department's system behind a gate: while closed, its requests wait (and are counted)
 * until the test opens it — a department slow on cue, so a request stays in flight as long as needed.
 */
async function startGate(target: string) {
  let closed = false;
  const held: Array<() => void> = [];
  let arrivals = 0;
  const server = http.createServer(async (req, res) => {
    if (closed) {
      arrivals++;
      await new Promise<void>((resolve) => held.push(resolve));
    }
    const upstream = await fetch(`${target}${req.url}`);
    res
      .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
      .end(Buffer.from(await upstream.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as { port: number }).port}`,
    arrivals: () => arrivals,
    close: () => void (closed = true),
    open() {
      closed = false;
      for (const release of held.splice(0)) release();
    },
    stop: () => new Promise<void>((resolve) => (server.closeAllConnections(), server.close(() => resolve()))),
  };
}

// Admission is decided in the gateway's memory, whatever the storage backend: one is enough.
describe('a saturated hub sheds load', () => {
  let hub: DemoHub;
  let housing: Awaited<ReturnType<typeof startHousingServer>>;
  let gate: Awaited<ReturnType<typeof startGate>>;
  const dataDir = mkdtempSync(join(tmpdir(), 'huitong-admission-'));

  beforeAll(async () => {
    await ensureDemoData(dataDir, { scale: 0.2 });
    housing = await startHousingServer({ file: demoPaths(dataDir).housingFile });
    gate = await startGate(housing.url);
    hub = await startDemoHub(backends[0]!, {
      env: { HUITONG_HOUSING_API_URL: gate.url },
      // The held department call must outlast the test's steps, however slow the machine.
      deadlineMs: 120_000,
      abuse: { admission: { maxInFlight: 1, maxQueue: 1, maxQueueWaitMs: 120_000, maxEventLoopDelayMs: 0 } },
    });
  });
  afterAll(async () => {
    gate?.open();
    await hub?.stop();
    await gate?.stop();
    await housing?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = async (signal?: AbortSignal) => {
    const response = await fetch(`${hub.hub.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-steward-key' },
      body: JSON.stringify({ query: PAGE }),
      ...(signal ? { signal } : {}),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Body };
  };
  const metric = async (name: string) => {
    const text = await (await fetch(`${hub.hub.url}/metrics`)).text();
    const value = new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1];
    if (value === undefined) throw new Error(`no metric ${name} at /metrics`);
    return Number(value);
  };
  /** Polls until the condition holds (bounded only by the test's own timeout). */
  const until = async (condition: () => boolean | Promise<boolean>) => {
    while (!(await condition())) await new Promise((resolve) => setTimeout(resolve, 20));
  };

  it('answers 503 with Retry-After and a SERVICE_OVERLOADED error beyond its in-flight limit and queue, while /healthz and /readyz answer 200', async () => {
    gate.close();
    const first = post();
    await until(() => gate.arrivals() === 1);
    const second = post();
    await until(async () => (await metric('huitong_graphql_queued')) === 1);

    const refused = await post();
    expect(refused.status).toBe(503);
    expect(refused.retryAfter).toMatch(/^\d+$/);
    const seconds = Number(refused.retryAfter);
    expect(seconds).toBeGreaterThanOrEqual(1);
    expect(refused.body.data).toBeUndefined();
    expect(refused.body.errors).toHaveLength(1);
    expect(refused.body.errors![0]!.extensions).toEqual({ code: 'SERVICE_OVERLOADED', reason: 'QUEUE_FULL', retryAfter: seconds });

    for (const path of ['/healthz', '/readyz']) expect((await fetch(`${hub.hub.url}${path}`)).status).toBe(200);
    expect(await metric('huitong_graphql_shed_total\\{reason="QUEUE_FULL"\\}')).toBe(1);
    // Neither the refused request nor the waiting one reached a department.
    expect(gate.arrivals()).toBe(1);

    gate.open();
    for (const answered of await Promise.all([first, second])) {
      expect(answered.status).toBe(200);
      expect(answered.body.errors).toBeUndefined();
      expect(answered.body.data?.permits?.nodes).toHaveLength(5);
    }
    // Once they are done the hub takes requests again.
    const after = await post();
    expect(after.status).toBe(200);
    expect(after.body.errors).toBeUndefined();
  });

  it('forgets a waiting request whose client gave up: it never runs', async () => {
    gate.close();
    const arrived = gate.arrivals();
    const first = post();
    await until(() => gate.arrivals() === arrived + 1);
    const leaving = new AbortController();
    const gone = post(leaving.signal).catch((error: Error) => error.name);
    await until(async () => (await metric('huitong_graphql_queued')) === 1);
    leaving.abort();
    expect(await gone).toBe('AbortError');
    await until(async () => (await metric('huitong_graphql_queued')) === 0);
    gate.open();
    expect((await first).status).toBe(200);
    // Only the first request ever reached the department.
    expect(gate.arrivals()).toBe(arrived + 1);
  });
});
