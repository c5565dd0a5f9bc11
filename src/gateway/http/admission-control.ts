import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import PQueue from 'p-queue';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../logging/logger.js';
import { ErrorCode } from '../../schema/index.js';

/** How many GraphQL requests the hub takes on at once, and when it refuses more (see `admissionControl`). */
export interface AdmissionSettings {
  /** GraphQL requests executing at once; 0 turns admission control off. */
  maxInFlight: number;
  /** Requests waiting for a free slot; one more is refused at once. */
  maxQueue: number;
  /** Longest a request waits for a slot, ms; then it is refused (well before a client's own timeout). */
  maxQueueWaitMs: number;
  /** Mean event-loop delay over the last second, ms, above which new requests are refused; 0 turns it off. */
  maxEventLoopDelayMs: number;
}

/** What `npm start` applies unless configured otherwise (`HUITONG_MAX_IN_FLIGHT` and the rest). */
export const DEFAULT_ADMISSION: AdmissionSettings = { maxInFlight: 8, maxQueue: 100, maxQueueWaitMs: 2000, maxEventLoopDelayMs: 1000 };

/** Why a request was refused. */
export type ShedReason = 'QUEUE_FULL' | 'QUEUE_WAIT' | 'EVENT_LOOP_DELAY';

const SETTINGS_ENV: Record<keyof AdmissionSettings, string> = {
  maxInFlight: 'HUITONG_MAX_IN_FLIGHT',
  maxQueue: 'HUITONG_MAX_QUEUE',
  maxQueueWaitMs: 'HUITONG_MAX_QUEUE_WAIT_MS',
  maxEventLoopDelayMs: 'HUITONG_MAX_EVENT_LOOP_DELAY_MS',
};

/**
 * Admission settings from the environment, each a whole number, the defaults for those unset; null when
 * `HUITONG_MAX_IN_FLIGHT=0` turns admission control off. Throws on a malformed value.
 *
 * @example
 * readAdmissionSettings({ HUITONG_MAX_IN_FLIGHT: '8' }); // { maxInFlight: 8, maxQueue: 100, … }
 */
export function readAdmissionSettings(env: Record<string, string | undefined>): AdmissionSettings | null {
  const settings = { ...DEFAULT_ADMISSION };
  for (const [key, name] of Object.entries(SETTINGS_ENV) as Array<[keyof AdmissionSettings, string]>) {
    const text = env[name]?.trim();
    if (text === undefined || text === '') continue;
    if (!/^\d+$/.test(text)) throw new Error(`${name} must be a whole number, not "${env[name]}"`);
    settings[key] = Number(text);
  }
  return settings.maxInFlight > 0 ? settings : null;
}

export interface AdmissionDeps {
  logger: Logger;
  /** The server the middleware serves: its close stops the event-loop monitor. */
  server: Server;
  /** Where the admission metrics are registered (served at /metrics). */
  registry?: Registry;
  /** The event-loop delay to compare with `maxEventLoopDelayMs`, ms; by default measured (perf_hooks). */
  eventLoopDelayMs?: () => number;
}

/**
 * Admission control for GraphQL requests: at most `maxInFlight` execute at once, up to `maxQueue` more
 * wait (first come, first served) for at most `maxQueueWaitMs`, and while the event loop lags by more
 * than `maxEventLoopDelayMs` nothing new is taken on. A request refused gets HTTP 503 with `Retry-After`
 * (seconds) and a GraphQL error coded SERVICE_OVERLOADED at once, instead of queueing until the
 * client gives up; its work is never started, so refusing is cheap. A request whose client leaves while
 * it waits is dropped from the queue. Mount it on the GraphQL route only: health checks and metrics are
 * never refused.
 *
 * @example
 * app.use('/graphql', admissionControl({ maxInFlight: 4, maxQueue: 100, maxQueueWaitMs: 2000, maxEventLoopDelayMs: 1000 }, { logger, server }));
 */
export function admissionControl(settings: AdmissionSettings, deps: AdmissionDeps): RequestHandler {
  const queue = new PQueue({ concurrency: settings.maxInFlight });
  const lag = deps.eventLoopDelayMs ?? measureEventLoopDelay(deps.server);
  const metrics = deps.registry ? admissionMetrics(deps.registry, queue) : null;
  // A moving average of how long an admitted request holds its slot: what Retry-After is estimated from.
  let serviceMs = 100;

  const shed = (res: Response, reason: ShedReason) => {
    const backlog = queue.size + queue.pending;
    const retryAfter = Math.min(60, Math.max(1, Math.ceil(((backlog / settings.maxInFlight) * serviceMs) / 1000)));
    metrics?.shed.inc({ reason });
    deps.logger.info({ status: 503, errorCodes: [ErrorCode.SERVICE_OVERLOADED], reason, inFlight: queue.pending, queued: queue.size }, 'graphql request shed');
    res.set('Retry-After', String(retryAfter));
    res.status(503).json({
      errors: [{ message: `the hub is overloaded; retry after ${retryAfter} s`, extensions: { code: ErrorCode.SERVICE_OVERLOADED, reason, retryAfter } }],
    });
  };

  return (_req: Request, res: Response, next: NextFunction) => {
    if (settings.maxEventLoopDelayMs > 0 && lag() > settings.maxEventLoopDelayMs) return shed(res, 'EVENT_LOOP_DELAY');
    if (queue.pending >= settings.maxInFlight && queue.size >= settings.maxQueue) return shed(res, 'QUEUE_FULL');
    let started = false;
    const abort = new AbortController();
    const waited = setTimeout(() => abort.abort('QUEUE_WAIT'), settings.maxQueueWaitMs);
    // Before the response ends, its 'close' means the client went away.
    const left = () => abort.abort('CLIENT_LEFT');
    res.once('close', left);
    queue
      .add(
        () =>
          new Promise<void>((release) => {
            started = true;
            clearTimeout(waited);
            res.off('close', left);
            const admitted = performance.now();
            // 'close' follows the response's end and an aborted connection alike: the slot is freed either way.
            res.once('close', () => {
              serviceMs = serviceMs * 0.9 + (performance.now() - admitted) * 0.1;
              release();
            });
            next();
          }),
        { signal: abort.signal },
      )
      .catch(() => {
        // Aborted while waiting (an abort after the start only rejects this promise; the request runs on).
        clearTimeout(waited);
        res.off('close', left);
        if (!started && abort.signal.reason === 'QUEUE_WAIT' && !res.headersSent) shed(res, 'QUEUE_WAIT');
      });
  };
}

/** Mean event-loop delay over the last second (perf_hooks), minus the sampling resolution; stops with the server. */
function measureEventLoopDelay(server: Server): () => number {
  const resolution = 10;
  const histogram = monitorEventLoopDelay({ resolution });
  histogram.enable();
  let delayMs = 0;
  const timer = setInterval(() => {
    // No sample at all in a second (mean NaN) leaves the last reading.
    if (Number.isFinite(histogram.mean)) delayMs = Math.max(0, histogram.mean / 1e6 - resolution);
    histogram.reset();
  }, 1000);
  timer.unref();
  server.once('close', () => {
    clearInterval(timer);
    histogram.disable();
  });
  return () => delayMs;
}

function admissionMetrics(registry: Registry, queue: PQueue) {
  new Gauge({
    name: 'huitong_graphql_in_flight',
    help: 'GraphQL requests executing now',
    registers: [registry],
    collect() {
      this.set(queue.pending);
    },
  });
  new Gauge({
    name: 'huitong_graphql_queued',
    help: 'GraphQL requests waiting for admission',
    registers: [registry],
    collect() {
      this.set(queue.size);
    },
  });
  const shed = new Counter({
    name: 'huitong_graphql_shed_total',
    help: 'GraphQL requests refused with 503 under load, by reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  return { shed };
}
