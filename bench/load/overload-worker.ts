// The overload test's load generator (bench/overload.ts), in its own process: `{ type: 'phase', … }` over
// IPC sends exactly `amount` requests over `connections` keep-alive connections with autocannon
// (client timeout `timeoutS`), rotating through the bodies, and answers with every response classified:
// 200 with data and no errors; a deliberate shed (503 with `Retry-After` and a body coded
// SERVICE_OVERLOADED); anything else, by status and code. Latency percentiles cover every answered
// request and count each client timeout as the full timeout, so timeouts cannot hide from p99.
import type { EventEmitter } from 'node:events';
import autocannon from 'autocannon';

export interface PhaseRequest {
  type: 'phase';
  url: string;
  connections: number;
  amount: number;
  timeoutS: number;
  bodies: string[];
  headers: Record<string, string>;
  /** Width of the windows of `okRpsByWindow`, seconds. */
  windowS: number;
}

export interface PhaseResult {
  connections: number;
  /** Requests made (answered + timed out + connection errors). */
  sent: number;
  durationS: number;
  /** Answered requests per second, whatever the answer. */
  rps: number;
  /** 200 answers with data and no errors, per second. */
  okRps: number;
  p50Ms: number;
  p90Ms: number;
  p99Ms: number;
  maxMs: number;
  /** p99 of the 200 answers alone. */
  okP99Ms: number;
  ok: number;
  shed: number;
  timeouts: number;
  connectionErrors: number;
  statusCounts: Record<string, number>;
  /** Anything neither ok nor a well-formed shed, by `HTTP status code`, with a sample body. */
  other: Record<string, { count: number; sample: string }>;
  /** Retry-After values seen on sheds (seconds), by value. */
  retryAfter: Record<string, number>;
  /** 200 answers per second in each whole window of `windowS` seconds, in order: shows a rate that drifts. */
  okRpsByWindow: number[];
}

const pct = (sorted: number[], p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : 0);

async function phase(request: PhaseRequest): Promise<PhaseResult> {
  let next = 0;
  const out: PhaseResult = {
    connections: request.connections,
    sent: 0,
    durationS: 0,
    rps: 0,
    okRps: 0,
    p50Ms: 0,
    p90Ms: 0,
    p99Ms: 0,
    maxMs: 0,
    okP99Ms: 0,
    ok: 0,
    shed: 0,
    timeouts: 0,
    connectionErrors: 0,
    statusCounts: {},
    other: {},
    retryAfter: {},
    okRpsByWindow: [],
  };
  const all: number[] = [];
  const okAt: number[] = [];
  const startedAt = performance.now();
  const okLatencies: number[] = [];
  const classify = (status: number, body: string, headers: Record<string, string | string[]>) => {
    out.statusCounts[status] = (out.statusCounts[status] ?? 0) + 1;
    let json: { data?: unknown; errors?: Array<{ extensions?: { code?: string } }> } | null = null;
    try {
      json = JSON.parse(body);
    } catch {
      /* not JSON: classified below */
    }
    if (status === 200 && json?.data && !json.errors) {
      out.ok++;
      return true;
    }
    const code = json?.errors?.[0]?.extensions?.code ?? (json ? 'no code' : 'not JSON');
    // Raw header names, as the server spelled them.
    const retryAfter = Object.entries(headers).find(([name]) => name.toLowerCase() === 'retry-after')?.[1];
    if (status === 503 && code === 'SERVICE_OVERLOADED' && typeof retryAfter === 'string' && /^\d+$/.test(retryAfter)) {
      out.shed++;
      out.retryAfter[retryAfter] = (out.retryAfter[retryAfter] ?? 0) + 1;
      return false;
    }
    const entry = (out.other[`HTTP ${status} ${code}`] ??= { count: 0, sample: body.slice(0, 300) });
    entry.count++;
    return false;
  };
  let lastOk = false;
  let finish!: (error: unknown, result: autocannon.Result) => void;
  const done = new Promise<autocannon.Result>((resolve, reject) => (finish = (error, result) => (error ? reject(error) : resolve(result))));
  const instance = autocannon(
    {
      url: request.url,
      connections: request.connections,
      amount: request.amount,
      timeout: request.timeoutS,
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...request.headers },
          setupRequest: (req) => ({ ...req, body: request.bodies[next++ % request.bodies.length]! }),
          onResponse: (status, body, _context, headers) => {
            lastOk = classify(status, body, headers as Record<string, string | string[]>);
          },
        },
      ],
    },
    (error, result) => finish(error, result),
  );
  // The 'response' event (documented: client, status, bytes, latency) follows that response's onResponse
  // synchronously, so the class onResponse just gave is this latency's.
  (instance as unknown as EventEmitter).on('response', (_client: unknown, _status: number, _bytes: number, responseTime: number) => {
    all.push(responseTime);
    if (lastOk) {
      okLatencies.push(responseTime);
      okAt.push(performance.now() - startedAt);
    }
  });
  const result = await done;
  out.durationS = result.duration;
  out.timeouts = result.timeouts;
  out.connectionErrors = result.errors - result.timeouts;
  out.sent = all.length + result.errors;
  // A timed-out request took at least the timeout: it counts as that in the percentiles.
  for (let i = 0; i < result.timeouts; i++) all.push(request.timeoutS * 1000);
  all.sort((a, b) => a - b);
  okLatencies.sort((a, b) => a - b);
  out.rps = (out.sent - result.errors) / out.durationS;
  out.okRps = out.ok / out.durationS;
  out.p50Ms = Math.round(pct(all, 50));
  out.p90Ms = Math.round(pct(all, 90));
  out.p99Ms = Math.round(pct(all, 99));
  out.maxMs = Math.round(all.at(-1) ?? 0);
  out.okP99Ms = Math.round(pct(okLatencies, 99));
  const counts = new Array<number>(Math.floor(out.durationS / request.windowS)).fill(0);
  for (const at of okAt) {
    const window = Math.floor(at / 1000 / request.windowS);
    if (window < counts.length) counts[window]!++;
  }
  out.okRpsByWindow = counts.map((n) => Math.round((n / request.windowS) * 10) / 10);
  return out;
}

process.on('message', (message: PhaseRequest) => {
  if (message?.type !== 'phase') return;
  phase(message).then(
    (result) => process.send?.({ type: 'result', result }),
    (error: unknown) => process.send?.({ type: 'error', message: (error as Error).message }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
