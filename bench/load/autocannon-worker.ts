// The load generator: its own process (never the target's event loop). Receives `{ type: 'run', … }`
// over IPC, runs autocannon against the URL, rotating through the given request bodies, and answers
// with the figures. A response with a GraphQL `errors` array counts as a mismatch.
import autocannon from 'autocannon';

export interface RunRequest {
  type: 'run';
  url: string;
  connections: number;
  durationS: number;
  bodies: string[];
  /** Extra request headers (the governed target's `authorization`). */
  headers?: Record<string, string>;
}

export interface RunResult {
  /** Responses completed within the duration. */
  requests: number;
  /** Requests sent (completed + in flight when the run ended: the server still serves those). */
  sent: number;
  durationS: number;
  rps: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  graphqlErrors: number;
  errorSample: string | null;
}

async function run(request: RunRequest): Promise<RunResult> {
  let next = 0;
  let errorSample: string | null = null;
  const result = await autocannon({
    url: request.url,
    connections: request.connections,
    duration: request.durationS,
    timeout: 30,
    requests: [
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...request.headers },
        setupRequest: (req) => ({ ...req, body: request.bodies[next++ % request.bodies.length]! }),
      },
    ],
    verifyBody: (raw) => {
      const responseBody = String(raw ?? '');
      const ok = !responseBody.includes('"errors"');
      if (!ok && errorSample === null) errorSample = responseBody.slice(0, 400);
      return ok;
    },
  });
  const durationS = result.duration;
  return {
    requests: result.requests.total,
    sent: (result.requests as unknown as { sent: number }).sent,
    durationS,
    rps: result.requests.total / durationS,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    graphqlErrors: result.mismatches,
    errorSample,
  };
}

process.on('message', (message: RunRequest) => {
  if (message?.type !== 'run') return;
  run(message).then(
    (result) => process.send?.({ type: 'result', result }),
    (error: unknown) => process.send?.({ type: 'error', message: (error as Error).message }),
  );
});
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
