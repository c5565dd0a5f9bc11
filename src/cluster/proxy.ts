import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ErrorCode } from '../schema/errors.js';
import { silentLogger, type Logger } from '../logging/logger.js';
import { mayRetry } from './retry-rules.js';
import { readUpTo } from './read-up-to.js';

/** The gateway's own body limit (express's '1mb', use-json-body.ts): a body it would take is kept whole, so it can be sent again. */
export const GATEWAY_BODY_LIMIT_BYTES = 1024 * 1024;

// Hop-by-hop headers (RFC 9110 §7.6.1) belong to one connection and are not forwarded.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'proxy-connection',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]);

export interface ProxyOptions {
  /** The gateway replicas' base URLs (`http://127.0.0.1:4001`); requests keep their path. */
  upstreams: readonly string[];
  host?: string;
  /** 0 for any free port. */
  port?: number;
  /** How long an upstream that failed to connect or answer is passed over, ms (default 3000). */
  downForMs?: number;
  /** The most of a request body kept to be able to send it again (default the gateway's 1 MiB). */
  bodyLimitBytes?: number;
  logger?: Logger;
}

export interface RunningProxy {
  url: string;
  /** Requests each upstream answered (by base URL), and connection failures seen: what the tests and logs read. */
  stats(): { answered: Record<string, number>; failures: Record<string, number>; retried: number };
  /** Stops accepting, lets the requests under way finish, then closes every connection (clients' kept-alive ones too). */
  stop(): Promise<void>;
}

interface Upstream {
  url: URL;
  downUntil: number;
  answered: number;
  failures: number;
}

/** What the proxy answers when no upstream could: a GraphQL error with a code, as the gateway's own are. */
function unavailable(res: http.ServerResponse, reason: 'NOT_RETRIED' | 'NO_UPSTREAM', message: string): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify({ errors: [{ message, extensions: { code: ErrorCode.UPSTREAM_UNAVAILABLE, reason } }] });
  res.writeHead(502, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

/**
 * A small round-robin HTTP proxy in front of gateway replicas. Each request goes to the next upstream
 * not marked down. When the upstream fails before any response byte (refused, reset, hung up), a query
 * is sent to the next one (`retry-rules.ts` says which requests count as queries); a mutation or
 * anything uncertain is not — the client gets 502 `UPSTREAM_UNAVAILABLE` with `reason: NOT_RETRIED`,
 * since the replica may have run it. An upstream that failed is passed over for `downForMs`. Bodies
 * stream both ways; the request body is kept (up to the gateway's own limit) only so it can be sent again.
 * The client's address goes along in X-Forwarded-For (let the gateways trust the proxy: HUITONG_TRUST_PROXY).
 *
 * @example
 * const proxy = await startProxy({ upstreams: ['http://127.0.0.1:4001', 'http://127.0.0.1:4002'], port: 4000 });
 */
export async function startProxy(options: ProxyOptions): Promise<RunningProxy> {
  if (options.upstreams.length === 0) throw new TypeError('startProxy needs at least one upstream');
  const logger = options.logger ?? silentLogger;
  const downForMs = options.downForMs ?? 3000;
  const bodyLimit = options.bodyLimitBytes ?? GATEWAY_BODY_LIMIT_BYTES;
  const upstreams: Upstream[] = options.upstreams.map((u) => ({ url: new URL(u), downUntil: 0, answered: 0, failures: 0 }));
  // Queries reuse connections; a request that may not be sent twice gets a fresh one, so a kept-alive
  // connection the gateway closed while idle cannot fail it for nothing.
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  let cursor = 0;
  let retried = 0;

  /** Every upstream once, from the next in turn, those not marked down first. */
  const order = (): Upstream[] => {
    const start = cursor++ % upstreams.length;
    const turn = upstreams.map((_, i) => upstreams[(start + i) % upstreams.length]!);
    const now = Date.now();
    return [...turn.filter((u) => u.downUntil <= now), ...turn.filter((u) => u.downUntil > now)];
  };

  // Requests under way, so that stopping can let them finish before closing every connection.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const server = http.createServer((req, res) => {
    inFlight++;
    res.once('close', () => {
      if (--inFlight === 0) drained?.();
    });
    void handle(req, res).catch((error) => {
      logger.error({ err: { message: (error as Error).message } }, 'proxy: request failed');
      unavailable(res, 'NO_UPSTREAM', 'the proxy could not forward the request');
    });
  });

  async function handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const read = await readUpTo(req, bodyLimit);
    const retriable = read.complete && mayRetry({ method: req.method ?? 'GET', contentType: req.headers['content-type'], body: read.body });
    const headers = forwardHeaders(req);
    const candidates = order();
    for (const [attempt, upstream] of candidates.entries()) {
      if (attempt > 0) retried++;
      let outcome = await forward(upstream, req, res, headers, read, retriable);
      // A kept-alive connection the replica closed while idle is not the replica failing: once more, on a new one.
      if (outcome === 'stale') outcome = await forward(upstream, req, res, headers, read, retriable);
      if (outcome === 'answered') return;
      // The client went away (its request was dropped with it): nobody to answer, and not the replica's fault.
      if (res.destroyed) return;
      upstream.failures++;
      upstream.downUntil = Date.now() + downForMs;
      logger.warn({ upstream: upstream.url.origin, retriable }, 'proxy: upstream failed before answering');
      if (!retriable) {
        unavailable(res, 'NOT_RETRIED', 'the gateway replica failed before answering; the request was not sent again, as it may have run');
        return;
      }
    }
    unavailable(res, 'NO_UPSTREAM', 'no gateway replica could answer');
  }

  /**
   * One attempt: 'answered' once the upstream's status line came back (then streamed), 'failed' before
   * that, 'stale' when it failed on a reused kept-alive connection the upstream had closed.
   */
  function forward(
    upstream: Upstream,
    req: http.IncomingMessage,
    res: http.ServerResponse,
    headers: http.OutgoingHttpHeaders,
    read: { body: Buffer; complete: boolean },
    retriable: boolean,
  ): Promise<'answered' | 'failed' | 'stale'> {
    return new Promise((resolve) => {
      const outgoing = http.request({
        protocol: upstream.url.protocol,
        hostname: upstream.url.hostname,
        port: upstream.url.port,
        method: req.method,
        path: req.url,
        headers:
          read.complete && (read.body.length > 0 || req.headers['content-length'] !== undefined) ? { ...headers, 'content-length': read.body.length } : headers,
        agent: retriable ? agent : false,
      });
      outgoing.once('response', (incoming) => {
        upstream.answered++;
        res.writeHead(incoming.statusCode ?? 502, incoming.statusMessage, withoutHopByHop(incoming.headers));
        incoming.pipe(res);
        // The upstream dying mid-body cannot be repaired: the client sees the connection cut, not a half answer.
        incoming.once('error', () => res.destroy());
        incoming.once('aborted', () => res.destroy());
        resolve('answered');
      });
      outgoing.once('error', (error: Error & { code?: string }) =>
        resolve(outgoing.reusedSocket && (error.code === 'ECONNRESET' || error.code === 'EPIPE') ? 'stale' : 'failed'),
      );
      res.once('close', () => {
        if (!res.writableFinished) outgoing.destroy();
      });
      if (read.complete) outgoing.end(read.body);
      else {
        outgoing.write(read.body);
        req.pipe(outgoing);
      }
    });
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    stats: () => ({
      answered: Object.fromEntries(upstreams.map((u) => [u.url.origin, u.answered])),
      failures: Object.fromEntries(upstreams.map((u) => [u.url.origin, u.failures])),
      retried,
    }),
    async stop() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if (inFlight > 0) await new Promise<void>((resolve) => (drained = resolve));
      server.closeAllConnections();
      await closed;
      agent.destroy();
    },
  };
}

/** The client's headers for the upstream: hop-by-hop ones dropped, its address added to X-Forwarded-For. */
function forwardHeaders(req: http.IncomingMessage): http.OutgoingHttpHeaders {
  const headers = withoutHopByHop(req.headers);
  const client = req.socket.remoteAddress ?? '';
  const prior = req.headers['x-forwarded-for'];
  headers['x-forwarded-for'] = prior ? `${Array.isArray(prior) ? prior.join(', ') : prior}, ${client}` : client;
  headers['x-forwarded-proto'] ??= 'http';
  if (req.headers.host) headers['x-forwarded-host'] ??= req.headers.host;
  return headers;
}

function withoutHopByHop(source: http.IncomingHttpHeaders): http.OutgoingHttpHeaders {
  const named = new Set(
    String(source.connection ?? '')
      .split(',')
      .map((h) => h.trim().toLowerCase())
      .filter(Boolean),
  );
  const out: http.OutgoingHttpHeaders = {};
  for (const [name, value] of Object.entries(source)) if (value !== undefined && !HOP_BY_HOP.has(name) && !named.has(name)) out[name] = value;
  return out;
}
