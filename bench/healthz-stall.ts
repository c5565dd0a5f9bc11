// How long GET /healthz waits while one heavy request runs. Starts the demo district (`huitong start`,
// its own data directory, 127.0.0.1), then sends each heavy request alone, one after another, while a
// worker thread polls /healthz every 20 ms; prints each request's duration and the slowest /healthz
// answer during it. The goal: every /healthz within 100 ms whatever single request runs.
//
//   npx tsx bench/healthz-stall.ts [--repeat 3] [--data-dir bench/.data-stall] [--port 4390] [--only NAME] [--settle 15]
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Worker } from 'node:worker_threads';
import { BENCH_DIR, REPO_DIR } from './lib/proc.js';

const { values } = parseArgs({
  options: {
    repeat: { type: 'string', default: '3' },
    'data-dir': { type: 'string', default: join(BENCH_DIR, '.data-stall') },
    port: { type: 'string', default: '4390' },
    only: { type: 'string' },
    settle: { type: 'string', default: '15' },
  },
});
const port = Number(values.port);
const base = `http://127.0.0.1:${port}`;
const STEWARD = { authorization: 'Bearer demo-steward-key' };
const PUBLIC = {};

const PERMIT_FIELDS =
  'id title status rawStatus appliedAt decidedAt validUntil statutoryDays committedDays actualDays department { code name } serviceItem { code name category }';
const APPLICANT_FIELDS = 'id name kind identifiers { type value } records { department { code } localId name phone address }';

/** The heaviest requests found for the demo district: big pages, nesting, long inputs, deep nesting of the document itself. */
function heavyRequests(): Array<{ name: string; headers: Record<string, string>; body: unknown; get?: boolean }> {
  const search = (n: number) => '规划'.repeat(Math.ceil(n / 2)).slice(0, n);
  return [
    {
      name: 'permit page 200, steward',
      headers: STEWARD,
      body: { query: `{ permits(first: 200) { totalCount nodes { ${PERMIT_FIELDS} applicant { ${APPLICANT_FIELDS} } } } }` },
    },
    {
      name: 'permit page 200, public',
      headers: PUBLIC,
      body: { query: `{ permits(first: 200) { totalCount nodes { ${PERMIT_FIELDS} applicant { id name kind } } } }` },
    },
    // The nesting the cost limit still lets through at 200 permits a page (cost 19,401 of 25,000).
    {
      name: 'permits 200 × applicant permits 10, steward',
      headers: STEWARD,
      body: {
        query: `{ permits(first: 200) { nodes { id title applicant { id name permits(first: 10) { totalCount nodes { id title status appliedAt department { code name } } } } } } }`,
      },
    },
    {
      name: 'permits 200 × applicant permits 10, public',
      headers: PUBLIC,
      body: {
        query: `{ permits(first: 200) { nodes { id title applicant { id name permits(first: 10) { totalCount nodes { id title status appliedAt department { code name } } } } } } }`,
      },
    },
    {
      name: 'heavy-nested (30 × 10, every field), steward',
      headers: STEWARD,
      body: {
        query: `{ permits(first: 30) { totalCount nodes { id title department { code name } applicant { ${APPLICANT_FIELDS} permits(first: 10) { totalCount nodes { ${PERMIT_FIELDS} serviceItem { department { code name } } } } } } } }`,
      },
    },
    {
      name: 'disclosure search, 100 characters',
      headers: PUBLIC,
      body: {
        query: 'query ($s: String) { disclosureItems(first: 200, filter: { search: $s }) { totalCount nodes { id title body } } }',
        variables: { s: search(100) },
      },
    },
    {
      name: 'disclosure search, 300 KB',
      headers: PUBLIC,
      body: {
        query: 'query ($s: String) { disclosureItems(first: 200, filter: { search: $s }) { totalCount nodes { id title } } }',
        variables: { s: search(300_000) },
      },
    },
    {
      name: 'service item search, 300 KB',
      headers: PUBLIC,
      body: {
        query: 'query ($s: String) { serviceItems(first: 200, filter: { search: $s }) { totalCount nodes { code } } }',
        variables: { s: search(300_000) },
      },
    },
    {
      name: 'identifier lookup, 300 KB',
      headers: STEWARD,
      body: { query: 'query ($v: String!) { applicantByIdentifier(value: $v) { id } }', variables: { v: '9'.repeat(300_000) } },
    },
    {
      name: 'disclosure page 200',
      headers: PUBLIC,
      body: { query: '{ disclosureItems(first: 200) { totalCount nodes { id title category publishedAt body mode publisher { code name } } } }' },
    },
    {
      name: 'service items 200 with stats',
      headers: PUBLIC,
      body: {
        query:
          '{ serviceItems(first: 200) { totalCount nodes { id code name category statutoryDays committedDays instant legalBasis department { code name } } } serviceItemStats { itemCount instantRate compressionRate } }',
      },
    },
    {
      name: 'audit events 200, steward',
      headers: STEWARD,
      body: { query: '{ auditEvents(first: 200) { nodes { at consumerId purpose operationName outcome } } }' },
    },
    { name: '2,400 nested braces', headers: PUBLIC, body: { query: `{ departments ${'{ code '.repeat(2_400)}${'}'.repeat(2_400)} }` } },
    {
      name: '4,900 nested lists',
      headers: PUBLIC,
      body: { query: `{ permits(first: 1, filter: { statuses: ${'['.repeat(4_900)}APPROVED${']'.repeat(4_900)} }) { totalCount } }` },
    },
    {
      name: '1 MB of variables',
      headers: PUBLIC,
      body: {
        query: 'query ($c: [String!]) { permits(first: 200, filter: { serviceItemCodes: $c }) { totalCount } }',
        variables: { c: Array.from({ length: 90_000 }, (_, i) => `S${i}`) },
      },
    },
    { name: 'GET with a 100 KB URL', headers: PUBLIC, get: true, body: { query: `{ departments { code } } #${'x'.repeat(100_000)}` } },
  ];
}

/** Polls /healthz every 20 ms in its own thread (so the client's own work cannot delay a poll) and keeps every sample. */
const POLLER = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
const samples = [];
let running = true;
parentPort.on('message', (m) => { if (m === 'stop') running = false; });
function once() {
  return new Promise((resolve) => {
    const started = performance.timeOrigin + performance.now();
    const t0 = performance.now();
    const req = http.get(workerData.url, { agent }, (res) => { res.resume(); res.on('end', () => resolve({ at: started, ms: performance.now() - t0, status: res.statusCode })); });
    req.on('error', () => resolve({ at: started, ms: performance.now() - t0, status: 0 }));
  });
}
(async () => {
  while (running) {
    const t0 = performance.now();
    samples.push(await once());
    const wait = 20 - (performance.now() - t0);
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  }
  parentPort.postMessage(samples);
})();
`;

async function send(request: ReturnType<typeof heavyRequests>[number]): Promise<{ status: number; bytes: number; code: string }> {
  const body = request.body as { query: string; variables?: unknown };
  const response = request.get
    ? await fetch(`${base}/graphql?query=${encodeURIComponent(body.query)}`, {
        headers: { ...request.headers, 'apollo-require-preflight': 'true', accept: 'application/json' },
      })
    : await fetch(`${base}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...request.headers }, body: JSON.stringify(body) });
  const text = await response.text();
  let code = '';
  try {
    const parsed = JSON.parse(text) as { errors?: Array<{ extensions?: { code?: string } }> };
    code = [...new Set((parsed.errors ?? []).map((e) => e.extensions?.code))].join(',');
  } catch {
    code = text.length ? 'not JSON' : 'empty body';
  }
  return { status: response.status, bytes: text.length, code };
}

async function waitReady(deadlineMs: number): Promise<void> {
  const until = Date.now() + deadlineMs;
  while (Date.now() < until) {
    try {
      if ((await fetch(`${base}/readyz`)).status === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error('hub not ready in time');
}

async function main() {
  const dataDir = values['data-dir']!;
  mkdirSync(dataDir, { recursive: true });
  mkdirSync(join(BENCH_DIR, 'logs'), { recursive: true });
  const log = openSync(join(BENCH_DIR, 'logs', 'healthz-stall-hub.log'), 'w');
  const hub = spawn(process.execPath, [join(REPO_DIR, 'bin/huitong.js'), 'start', '--port', String(port), '--host', '127.0.0.1'], {
    cwd: REPO_DIR,
    env: { ...process.env, HUITONG_DATA_DIR: dataDir, HUITONG_SYNC_INTERVAL_MS: '0', HUITONG_LOG_LEVEL: 'warn' },
    stdio: ['ignore', log, log],
    detached: true,
  });
  const stop = () => {
    try {
      process.kill(-hub.pid!, 'SIGTERM');
    } catch {
      /* gone */
    }
  };
  process.on('exit', stop);
  try {
    await waitReady(300_000);
    // The start-up identity sync runs after /readyz: let it finish, so it is not what is measured.
    await new Promise((resolve) => setTimeout(resolve, Number(values.settle) * 1000));
    const requests = heavyRequests().filter((r) => !values.only || r.name.includes(values.only));
    // Warm-up: every request once, so first-use compilation and caches are not what is measured.
    for (const r of requests) await send(r);
    const repeat = Number(values.repeat);
    const rows: string[] = [];
    let worst = 0;
    for (const r of requests) {
      let maxHealthz = 0;
      let maxRequest = 0;
      let outcome = '';
      for (let i = 0; i < repeat; i++) {
        const poller = new Worker(POLLER, { eval: true, workerData: { url: `${base}/healthz` } });
        await new Promise((resolve) => setTimeout(resolve, 60));
        const started = performance.timeOrigin + performance.now();
        const result = await send(r);
        const ended = performance.timeOrigin + performance.now();
        await new Promise((resolve) => setTimeout(resolve, 60));
        poller.postMessage('stop');
        const samples = await new Promise<Array<{ at: number; ms: number; status: number }>>((resolve) => poller.once('message', resolve));
        await poller.terminate();
        // Every poll that was waiting at some moment while the request ran.
        const during = samples.filter((s) => s.at <= ended && s.at + s.ms >= started);
        maxHealthz = Math.max(maxHealthz, ...during.map((s) => (s.status === 200 ? s.ms : Number.POSITIVE_INFINITY)));
        maxRequest = Math.max(maxRequest, ended - started);
        outcome = `${result.status} ${result.code || 'ok'} ${(result.bytes / 1024).toFixed(0)} KB`;
      }
      worst = Math.max(worst, maxHealthz);
      rows.push(`| ${r.name} | ${outcome} | ${maxRequest.toFixed(0)} | ${maxHealthz.toFixed(1)} |`);
    }
    process.stdout.write(`| request | answer | slowest request ms | slowest /healthz ms during it |\n|---|---|---:|---:|\n${rows.join('\n')}\n\n`);
    process.stdout.write(`worst /healthz latency: ${worst.toFixed(1)} ms (goal ≤ 100 ms) — ${worst <= 100 ? 'PASS' : 'FAIL'}\n`);
  } finally {
    stop();
  }
}

main().catch((error) => {
  process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
