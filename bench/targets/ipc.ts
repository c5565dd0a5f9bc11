// What every target entry shares: the ready message to the harness, exit when the harness goes away,
// a logger that keeps warnings in the log file, and the /bench/calls debug route on its own port.
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { Session } from 'node:inspector';
import { getHeapStatistics } from 'node:v8';
import type { Logger } from '../../src/logging/logger.js';
import { collectAllGarbage } from '../../src/subgraphs/identity/full-collection.js';
import type { RuntimeAdapter } from '../../src/adapters/core/runtime-adapter.js';
import type { PhaseCollector } from '../../src/gateway/observability/phase-timings.js';

export function announce(message: Record<string, unknown>): void {
  serveCpuProfiles();
  // `{ collect: true }` (bench/soak.ts): a full collection, then the live heap, so memory is read in the same state each time.
  process.on('message', (m: { collect?: boolean }) => {
    if (m?.collect) process.send?.({ collected: true, heapUsedMb: liveHeapMb(), memory: process.memoryUsage() });
  });
  process.send?.({ ready: true, ...message, heapUsedMb: liveHeapMb() });
}

/** The live heap after a full collection: what the process keeps in memory besides its stores. */
function liveHeapMb(): number {
  collectAllGarbage();
  return Math.round(getHeapStatistics().used_heap_size / 2 ** 20);
}

/**
 * `{ cpuProfile: 'start' }` / `{ cpuProfile: 'stop', file }` over IPC (bench/profile.ts): a CPU profile
 * of this process over exactly the window the driver loads it, written as a .cpuprofile. With
 * `heap: true` it samples allocations instead (every one, collected or not: where the garbage comes
 * from), written as a .heapprofile.
 */
function serveCpuProfiles(): void {
  let session: Session | undefined;
  let heap = false;
  const post = (method: string, params?: object) =>
    new Promise<any>((resolve, reject) => session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result))));
  process.on('message', (message: { cpuProfile?: 'start' | 'stop'; file?: string; heap?: boolean }) => {
    if (message?.cpuProfile === 'start') {
      session = new Session();
      session.connect();
      heap = message.heap === true;
      const started = heap
        ? post('HeapProfiler.enable').then(() =>
            post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true }),
          )
        : post('Profiler.enable')
            .then(() => post('Profiler.setSamplingInterval', { interval: 200 }))
            .then(() => post('Profiler.start'));
      void started.then(() => process.send?.({ cpuProfile: 'started' }));
    } else if (message?.cpuProfile === 'stop' && session) {
      void post(heap ? 'HeapProfiler.stopSampling' : 'Profiler.stop').then(({ profile }) => {
        writeFileSync(message.file!, JSON.stringify(profile));
        session!.disconnect();
        session = undefined;
        process.send?.({ cpuProfile: 'written', file: message.file });
      });
    }
  });
}

export function failed(error: unknown): never {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.send?.({ failed: (error as Error).message });
  process.exit(1);
}

/** Exit when the harness goes away (its IPC channel closes) or asks us to stop. */
export function onStop(stop: () => Promise<void>): void {
  let stopping = false;
  const run = () => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => process.exit(0), 5000);
    timer.unref();
    stop().finally(() => process.exit(0));
  };
  process.on('disconnect', run);
  process.once('SIGTERM', run);
  process.once('SIGINT', run);
}

/** Warnings and errors go to stderr (the log file); info messages are only watched for `onInfo`. */
export function benchLogger(onInfo: (msg: string, obj: object) => void = () => {}): Logger {
  const write = (level: string) => (obj: object, msg?: string) => process.stderr.write(`${JSON.stringify({ level, msg, ...obj })}\n`);
  return { info: (obj, msg) => onInfo(msg ?? '', obj), warn: write('warn'), error: write('error'), debug() {} };
}

/**
 * Serves `GET /bench/calls` on a loopback port: each wrapped adapter's call and retry counters, by
 * department; with `phases` (a hub under HUITONG_PHASE_TIMINGS=1), `GET /bench/phases` (the summary of
 * the requests timed since) and `POST /bench/phases/reset` too (bench/phases.ts).
 */
export async function serveCalls(adapters: () => ReadonlyMap<string, RuntimeAdapter>, phases?: () => PhaseCollector | null): Promise<string> {
  const server = http.createServer((req, res) => {
    const collector = phases?.();
    if (collector && req.url === '/bench/phases') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(collector.summary()));
      return;
    }
    if (collector && req.url === '/bench/phases/reset' && req.method === 'POST') {
      collector.reset();
      res.writeHead(204).end();
      return;
    }
    if (req.url !== '/bench/calls') {
      res.writeHead(404).end();
      return;
    }
    const out: Record<string, RuntimeAdapter['calls'] & { retries: RuntimeAdapter['retries'] }> = {};
    for (const [code, adapter] of adapters()) out[code] = { ...adapter.calls, retries: { ...adapter.retries } };
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(out));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  server.unref();
  return `http://127.0.0.1:${(server.address() as { port: number }).port}/bench/calls`;
}
