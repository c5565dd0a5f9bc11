// The soak's load generator, in its own process: `total` requests over `concurrency` keep-alive
// connections, cycling through the workloads, each response classified: OK, only the flapping
// department's coded error (DEPARTMENT_UNAVAILABLE for `department`), or failed (anything else).
import http from 'node:http';

export interface SoakRequest {
  type: 'soak';
  url: string;
  total: number;
  concurrency: number;
  warmup: number;
  /** The department allowed to fail (with its coded error). */
  department: string;
  workloads: Array<{ name: string; bodies: string[] }>;
}

export interface SoakResult {
  sent: number;
  ok: number;
  departmentCoded: number;
  failed: number;
  failures: Record<string, { count: number; sample: string }>;
  byWorkload: Record<string, { ok: number; departmentCoded: number; failed: number }>;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
}

function post(agent: http.Agent, url: URL, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        agent,
        host: url.hostname,
        port: url.port,
        path: url.pathname,
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
        timeout: 30_000,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('client timeout 30 s')));
    req.on('error', reject);
    req.end(body);
  });
}

type Outcome = { kind: 'ok' } | { kind: 'coded' } | { kind: 'failed'; key: string };

function classify(status: number, text: string, department: string): Outcome {
  if (status !== 200) return { kind: 'failed', key: `HTTP ${status}` };
  let json: { data?: Record<string, unknown> | null; errors?: Array<{ extensions?: { code?: string; department?: string; reason?: string } }> };
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'failed', key: 'body is not JSON' };
  }
  if (!json.data || Object.values(json.data).some((v) => v === null || v === undefined)) {
    const first = json.errors?.[0]?.extensions;
    return { kind: 'failed', key: `no data (${first?.code ?? 'no error'} ${first?.department ?? ''} ${first?.reason ?? ''})`.trim() };
  }
  if (!json.errors || json.errors.length === 0) return { kind: 'ok' };
  const other = json.errors.find((e) => !(e.extensions?.code === 'DEPARTMENT_UNAVAILABLE' && e.extensions.department === department));
  if (other)
    return {
      kind: 'failed',
      key: `error ${other.extensions?.code ?? 'no code'} ${other.extensions?.department ?? ''} ${other.extensions?.reason ?? ''}`.trim(),
    };
  return { kind: 'coded' };
}

async function soak(request: SoakRequest): Promise<SoakResult> {
  const url = new URL(request.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: request.concurrency });
  const result: SoakResult = { sent: 0, ok: 0, departmentCoded: 0, failed: 0, failures: {}, byWorkload: {}, durationS: 0, rps: 0, p50Ms: 0, p99Ms: 0 };
  for (const w of request.workloads) result.byWorkload[w.name] = { ok: 0, departmentCoded: 0, failed: 0 };
  const latencies: number[] = [];
  const cursor = new Map(request.workloads.map((w) => [w.name, 0]));
  let next = 0;
  let done = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < request.total) {
      const i = next++;
      const w = request.workloads[i % request.workloads.length]!;
      const j = cursor.get(w.name)!;
      cursor.set(w.name, j + 1);
      const t = performance.now();
      let outcome: Outcome;
      let sample = '';
      try {
        const response = await post(agent, url, w.bodies[j % w.bodies.length]!);
        outcome = classify(response.status, response.text, request.department);
        sample = response.text.slice(0, 300);
      } catch (error) {
        outcome = { kind: 'failed', key: `network ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}` };
      }
      latencies.push(performance.now() - t);
      result.sent++;
      const per = result.byWorkload[w.name]!;
      if (outcome.kind === 'ok') result.ok++, per.ok++;
      else if (outcome.kind === 'coded') result.departmentCoded++, per.departmentCoded++;
      else {
        result.failed++;
        per.failed++;
        const f = (result.failures[`${w.name}: ${outcome.key}`] ??= { count: 0, sample });
        f.count++;
      }
      done++;
      if (done === request.warmup) process.send?.({ type: 'warm', done });
      if (done % Math.max(1, Math.floor(request.total / 10)) === 0)
        process.send?.({ type: 'progress', done, failed: result.failed, coded: result.departmentCoded });
    }
  };
  await Promise.all(Array.from({ length: request.concurrency }, worker));
  agent.destroy();
  result.durationS = (performance.now() - started) / 1000;
  result.rps = result.sent / result.durationS;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? 0);
  result.p50Ms = pct(50);
  result.p99Ms = pct(99);
  return result;
}

process.on('message', (message: SoakRequest) => {
  if (message?.type !== 'soak') return;
  soak(message).then(
    (result) => process.send?.({ type: 'done', result }),
    (error: unknown) => process.send?.({ type: 'error', message: (error as Error).message }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
