// `npm run bench:soak [-- --requests N] [--concurrency N] [--target hub-inprocess|hub-http]
//   [--scale N] [--flap-ms MS] [--warmup N] [--time-limit-min N]`
// Sends N requests (default 20,000) at 50 concurrency mixing the four workloads while the housing
// department flaps: its fake legacy API (hub-inprocess) or its subgraph process (hub-http) is stopped
// and started again on the same port every --flap-ms. Passes when no request failed other than with
// housing's DEPARTMENT_UNAVAILABLE error, and the target's RSS at the end is at most 10 % above after warm-up
// (both read right after a full collection).
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { SoakRequest, SoakResult } from './load/soak-worker.js';
import {
  benchServiceKeyEnv,
  DEPARTMENTS,
  graphql,
  prepareData,
  startHousing,
  startSubgraph,
  startTarget,
  type Target,
  type TargetName,
} from './lib/harness.js';
import { askChild, BENCH_DIR, memoryMb, sleep, stopAll, type Child, runMain } from './lib/proc.js';
import { workloads } from './lib/workloads.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    target: { type: 'string', default: 'hub-inprocess' },
    scale: { type: 'string', default: '5' },
    'flap-ms': { type: 'string', default: '3000' },
    warmup: { type: 'string' },
    'deadline-ms': { type: 'string' },
    'time-limit-min': { type: 'string', default: '40' },
  },
});
const total = Number(values.requests);
const concurrency = Number(values.concurrency);
const targetName = values.target as TargetName;
const flapMs = Number(values['flap-ms']);
const warmup = Number(values.warmup ?? Math.max(1, Math.round(total * 0.1)));
const timeLimitMs = Number(values['time-limit-min']) * 60_000;
const logDir = join(BENCH_DIR, 'logs', `soak-${new Date().toISOString().replace(/[:.]/g, '-')}`);
// Every target process (and data preparation) reads its department deadline from here.
if (values['deadline-ms']) process.env.HUITONG_DEPARTMENT_DEADLINE_MS = values['deadline-ms'];
const say = (m: string) => process.stderr.write(`[soak ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
if (!['hub-inprocess', 'hub-http'].includes(targetName)) throw new Error('--target must be hub-inprocess or hub-http');

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

const rssMb = (t: Target) => t.processes.reduce((sum, p) => sum + memoryMb(p.pid).rss, 0);
/**
 * RSS and live heap right after a full collection in every process of the target: read at both ends
 * of the soak in that same state, so a difference is growth, not where the collector happened to be.
 */
async function settledMemory(t: Target): Promise<{ rss: number; heap: number }> {
  const replies = await Promise.all(
    t.processes.map((p) => askChild<{ collected?: boolean; heapUsedMb?: number }>(p, { collect: true }, (m) => m.collected === true)),
  );
  return { rss: rssMb(t), heap: replies.reduce((sum, m) => sum + (m.heapUsedMb ?? 0), 0) };
}

async function main() {
  const started = Date.now();
  const { dir, fixtures } = await prepareData(Number(values.scale), logDir, say);
  const mix = workloads(fixtures).map((w) => ({ name: w.name, bodies: w.bodies }));
  const housingPort = await freePort();
  const subgraphPort = await freePort();
  let housing: Child<{ ready: true; url: string }> | undefined = await startHousing(dir, logDir, targetName === 'hub-inprocess' ? housingPort : 0);
  const housingUrl = housing.ready.url;
  const target = await startTarget(targetName, dir, housingUrl, logDir, { housingSubgraphPort: subgraphPort });
  say(
    `${targetName} ready at ${target.url}; ${total} requests, concurrency ${concurrency}, warm-up ${warmup}, housing flapping every ${flapMs} ms (${targetName === 'hub-inprocess' ? 'fake legacy API' : 'subgraph process'})`,
  );

  // What flaps: the legacy API (in-process departments) or the housing subgraph process (HTTP).
  let flapping: Child | undefined = targetName === 'hub-inprocess' ? housing : target.housingSubgraph;
  const envFor = () => ({ HUITONG_MARKET_DB_URL: '', HUITONG_HOUSING_API_URL: housingUrl, HUITONG_HEALTH_EXPORT_DIR: '', ...benchServiceKeyEnv(dir) });
  const bringUp = async () => {
    for (let attempt = 0; attempt < 5; attempt++) {
      try {
        if (targetName === 'hub-inprocess') flapping = housing = await startHousing(dir, logDir, housingPort, 'housing-legacy');
        else {
          flapping = await startSubgraph('housing', envFor(), logDir, subgraphPort);
          target.processes[2] = flapping; // its memory counts for the target
          target.housingSubgraph = flapping;
        }
        return;
      } catch (error) {
        say(`restart failed (${(error as Error).message.split('\n')[0]}); retrying`);
        await sleep(500);
      }
    }
    throw new Error('could not restart housing');
  };

  const worker = fork(join(BENCH_DIR, 'load/soak-worker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('exit', (code) => reject(new Error(`soak worker exited (${code})`)));
    });
    let warm = { rss: 0, heap: 0 };
    let peakRss = 0;
    let flaps = 0;
    let finished = false;
    const result = new Promise<SoakResult>((resolve, reject) => {
      worker.on('message', (message: { type: string; done?: number; failed?: number; coded?: number; result?: SoakResult; message?: string }) => {
        if (message.type === 'warm') {
          void settledMemory(target).then((m) => {
            warm = m;
            say(`warm-up done after ${message.done} requests: RSS ${m.rss.toFixed(1)} MB, live heap ${m.heap} MB (after a full collection); flapping starts`);
          });
        } else if (message.type === 'progress')
          say(`${message.done}/${total} done, ${message.coded} housing-coded, ${message.failed} failed, RSS ${rssMb(target).toFixed(1)} MB`);
        else if (message.type === 'done') resolve(message.result!);
        else if (message.type === 'error') reject(new Error(message.message));
      });
      worker.once('exit', (code) => reject(new Error(`soak worker exited (${code})`)));
    });
    worker.send({ type: 'soak', url: target.url, total, concurrency, warmup, department: 'housing', workloads: mix } satisfies SoakRequest);

    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(target))), 500);
    const flapper = (async () => {
      while (!warm.rss && !finished) await sleep(100);
      while (!finished && Date.now() - started < timeLimitMs) {
        await flapping?.stop();
        flaps++;
        await sleep(flapMs);
        await bringUp();
        if (finished) break;
        await sleep(flapMs);
      }
    })();
    const timeout = sleep(timeLimitMs).then(() => {
      throw new Error(`time limit of ${timeLimitMs / 60_000} min reached`);
    });
    const soakResult = await Promise.race([result, timeout]);
    const end = await settledMemory(target);
    const endRss = end.rss;
    finished = true;
    clearInterval(sampler);
    await flapper;
    if (flapping && (flapping.proc.exitCode !== null || flapping.proc.signalCode !== null)) await bringUp();

    // Recovery: with housing back, a 360° view answers without errors again (the circuit must close).
    const t = performance.now();
    let recoveredMs: number | null = null;
    const probe = mix[0]!.bodies[0]!;
    while (performance.now() - t < 60_000) {
      const r = await graphql(target.url, probe).catch(() => null);
      if (r?.status === 200 && !r.json?.errors) {
        recoveredMs = Math.round(performance.now() - t);
        break;
      }
      await sleep(250);
    }

    const growth = warm.rss ? (endRss - warm.rss) / warm.rss : 0;
    // Flat: no more than 10 % above the warm-up reading (ending lower, once the load has stopped, is no leak).
    const memoryFlat = growth <= 0.1;
    const summary = {
      generatedAt: new Date().toISOString(),
      target: targetName,
      requests: soakResult.sent,
      concurrency,
      flaps,
      flapMs,
      ok: soakResult.ok,
      housingCodedErrors: soakResult.departmentCoded,
      failed: soakResult.failed,
      failures: soakResult.failures,
      byWorkload: soakResult.byWorkload,
      rps: Math.round(soakResult.rps * 10) / 10,
      p50Ms: soakResult.p50Ms,
      p99Ms: soakResult.p99Ms,
      durationS: Math.round(soakResult.durationS),
      rssAfterWarmupMb: Math.round(warm.rss * 10) / 10,
      rssAtEndMb: Math.round(endRss * 10) / 10,
      rssGrowthPct: Math.round(growth * 1000) / 10,
      liveHeapAfterWarmupMb: warm.heap,
      liveHeapAtEndMb: end.heap,
      peakRssMb: Math.round(peakRss * 10) / 10,
      recoveredAfterFlappingMs: recoveredMs,
      pass: { noFailures: soakResult.failed === 0, memoryFlat, recovered: recoveredMs !== null },
    };
    mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
    const path = join(BENCH_DIR, 'results', 'soak-latest.json');
    writeFileSync(path, `${JSON.stringify(summary, null, 2)}\n`);
    const lines = [
      `soak: ${summary.requests} requests at concurrency ${concurrency} against ${targetName} in ${summary.durationS} s (${summary.rps} req/s, p50 ${summary.p50Ms} ms, p99 ${summary.p99Ms} ms)`,
      `housing flapped ${flaps} time(s) (down ${flapMs} ms / up ${flapMs} ms)`,
      `ok ${summary.ok}, housing DEPARTMENT_UNAVAILABLE only ${summary.housingCodedErrors}, failed ${summary.failed} ${summary.failed === 0 ? 'PASS' : 'FAIL'}`,
      ...Object.entries(soakResult.failures).map(([k, v]) => `  ${v.count} × ${k} — ${v.sample.slice(0, 200)}`),
      `RSS after warm-up ${summary.rssAfterWarmupMb} MB, at end ${summary.rssAtEndMb} MB (${summary.rssGrowthPct >= 0 ? '+' : ''}${summary.rssGrowthPct} %), peak ${summary.peakRssMb} MB; live heap ${summary.liveHeapAfterWarmupMb} → ${summary.liveHeapAtEndMb} MB: ${memoryFlat ? 'flat (at most 10 % above) PASS' : 'NOT flat FAIL'}`,
      `recovered (no errors) ${recoveredMs === null ? 'NOT within 60 s FAIL' : `${recoveredMs} ms after housing came back`}`,
      `JSON: ${path}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return summary.pass.noFailures && memoryFlat && recoveredMs !== null ? 0 : 1;
  } finally {
    worker.kill('SIGKILL');
    await Promise.all(target.processes.map((p) => p.stop()));
    await housing?.stop();
    await stopAll();
    void DEPARTMENTS;
  }
}

runMain(main, say);
