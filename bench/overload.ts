// `npm run bench:load [-- --requests 20000] [--concurrency 50] [--baseline-requests 5000]
//   [--baseline-concurrency 10] [--baseline-after-requests 5000] [--warmup 500] [--timeout-s 10] [--scale 1]
//   [--env NAME=VALUE …] [--label TEXT] [--time-limit-min 120] [--prof]`
// The overload test: the demo district as `npm start` runs it (scale 1, embedded PGlite, settings from the
// environment; bench/targets/demo-hub.ts) in its own process on 127.0.0.1, asked for a 20-permit page as
// the demo data steward — at the baseline concurrency, then at the high one, then at the baseline again
// (the machine's speed drifts over minutes, so the baseline brackets the high phase and the throughput
// target compares against the mean of both) — with a 10 s client timeout. Reports req/s (also per 30 s
// window), latency, timeouts, every status, the deliberate sheds (503 + Retry-After +
// SERVICE_OVERLOADED), /healthz while loaded, and RSS before and after (each right after a full
// collection), with PASS/FAIL per target. Exit code 1 when a target fails. `--env` passes settings to the
// hub (e.g. `--env HUITONG_MAX_IN_FLIGHT=0` for the hub without admission control).
import { execFileSync, fork } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoPaths, ensureDemoData } from '../src/demo/demo-district.js';
import type { PhaseRequest, PhaseResult } from './load/overload-worker.js';
import { summarize } from './lib/cpuprofile.js';
import { machineCpuMs, processCpuMs } from './lib/cpu-time.js';
import { DEMO_STEWARD_KEY, graphql } from './lib/harness.js';
import { SERVER_NODE_FLAGS } from '../src/cli/server-node-flags.js';
import { askChild, BENCH_DIR, memoryMb, sleep, startChild, type Child, runMain } from './lib/proc.js';
import { PAGE_FILTERS } from './lib/workloads.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '20000' },
    concurrency: { type: 'string', default: '50' },
    'baseline-requests': { type: 'string', default: '5000' },
    'baseline-concurrency': { type: 'string', default: '10' },
    'baseline-after-requests': { type: 'string', default: '5000' },
    warmup: { type: 'string', default: '500' },
    'timeout-s': { type: 'string', default: '10' },
    scale: { type: 'string', default: '1' },
    env: { type: 'string', multiple: true, default: [] },
    label: { type: 'string', default: '' },
    'time-limit-min': { type: 'string', default: '120' },
    prof: { type: 'boolean', default: false },
  },
});
const say = (m: string) => process.stderr.write(`[load ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const scale = Number(values.scale);
const timeoutS = Number(values['timeout-s']);
const timeLimitMs = Number(values['time-limit-min']) * 60_000;
const hubEnv = Object.fromEntries(
  values.env.map((kv) => {
    const at = kv.indexOf('=');
    if (at < 1) throw new Error(`--env wants NAME=VALUE, not ${kv}`);
    return [kv.slice(0, at), kv.slice(at + 1)];
  }),
);

type PhaseRole = 'baseline' | 'high' | 'baseline again';

/** The goal of issue 15, finding 10. */
const TARGETS = { maxShedShare: 0.05, maxP99Ms: 1000, maxRssGrowth: 0.1 };

const PERMIT_PAGE_20 = /* GraphQL */ `query PermitPage20($filter: PermitFilter) {
  permits(first: 20, filter: $filter) {
    totalCount
    pageInfo { hasNextPage endCursor }
    nodes {
      id title status appliedAt validUntil
      department { code name }
      applicant { id name kind identifiers { type value } }
      serviceItem { code name category }
    }
  }
}`;
// Rotating filters (month-end cut-offs, with and without a status): distinct requests, as real traffic is.
const BODIES = PAGE_FILTERS.map((filter) => JSON.stringify({ query: PERMIT_PAGE_20, variables: { filter } }));
const HEADERS = { authorization: `Bearer ${DEMO_STEWARD_KEY}` };
/** Throughput is also reported per window of this many seconds, so a rate that drifts during a phase shows. */
const WINDOW_S = 30;

/** The demo district's legacy stores, generated once per scale; each run starts a fresh hub over a copy. */
async function prepare(): Promise<string> {
  const root = join(BENCH_DIR, `.data-demo-${scale}`);
  const base = join(root, 'base');
  if (!existsSync(demoPaths(base).complete)) {
    say(`generating the demo district at scale ${scale} into ${base} (once)…`);
    await ensureDemoData(base, { scale });
  }
  const run = join(root, 'run');
  rmSync(run, { recursive: true, force: true });
  mkdirSync(run, { recursive: true });
  cpSync(demoPaths(base).legacy, demoPaths(run).legacy, { recursive: true });
  rmSync(join(demoPaths(run).marketDir, 'huitong.lock'), { force: true });
  return run;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
/**
 * RSS and live heap of the hub, idle, after a full collection: collect, give the kernel the pages the
 * collector let go (it returns them from background threads, over a few seconds), collect again, read.
 * Read the same way before and after the load, so a difference is memory the hub kept.
 */
async function settled(hub: Child): Promise<{ rssMb: number; heapMb: number; v8: Record<string, number> }> {
  const collect = () =>
    askChild<{ collected?: boolean; heapUsedMb?: number; memory?: NodeJS.MemoryUsage }>(hub, { collect: true }, (m) => m.collected === true);
  await collect();
  await sleep(3000);
  const reply = await collect();
  const m = reply.memory;
  const v8: Record<string, number> = m
    ? { heapTotalMb: mb(m.heapTotal), heapUsedMb: mb(m.heapUsed), externalMb: mb(m.external), arrayBuffersMb: mb(m.arrayBuffers) }
    : {};
  return { rssMb: Math.round(memoryMb(hub.pid).rss * 10) / 10, heapMb: reply.heapUsedMb ?? 0, v8 };
}

/** The commit measured, with `+changes` when the work tree differs from it; null outside a git checkout. */
function gitCommit(): string | null {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: BENCH_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {
      cwd: BENCH_DIR,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return null;
  }
}

/** Share of the machine's CPU time since `before` that was idle and that the hypervisor took (steal), in %. */
function machineShares(before: ReturnType<typeof machineCpuMs>) {
  const now = machineCpuMs();
  const total = now.total - before.total || 1;
  const pct = (n: number) => Math.round((n / total) * 1000) / 10;
  return { idlePct: pct(now.idle - before.idle), stealPct: pct(now.steal - before.steal) };
}

/** Polls /healthz every 250 ms while a phase runs: its slowest answer and any that was not 200. */
function watchHealth(url: string) {
  let stop = false;
  const seen = { probes: 0, not200: 0, maxMs: 0 };
  const done = (async () => {
    while (!stop) {
      const t = performance.now();
      try {
        const r = await fetch(url, { signal: AbortSignal.timeout(timeoutS * 1000) });
        await r.arrayBuffer();
        if (r.status !== 200) seen.not200++;
      } catch {
        seen.not200++;
      }
      seen.probes++;
      seen.maxMs = Math.max(seen.maxMs, Math.round(performance.now() - t));
      await sleep(250);
    }
  })();
  return async () => {
    stop = true;
    await done;
    return seen;
  };
}

async function main() {
  const started = new Date();
  const logDir = join(BENCH_DIR, 'logs', `load-${started.toISOString().replace(/[:.]/g, '-')}`);
  const dataDir = await prepare();
  const hub = await startChild<{ ready: true; url: string; healthUrl: string }>(
    'demo-hub',
    join(BENCH_DIR, 'targets/demo-hub.ts'),
    ['--data-dir', dataDir, '--scale', String(scale)],
    {
      logDir,
      readyTimeoutMs: 10 * 60_000,
      env: hubEnv,
      nodeArgs: [...SERVER_NODE_FLAGS], // as `npm start` runs it
    },
  );
  const { url, healthUrl } = hub.ready;
  say(`demo hub ready at ${url} (pid ${hub.pid}; settings ${JSON.stringify(hubEnv)}); log ${hub.logFile}`);
  const probe = await graphql(url, BODIES[0]!, HEADERS);
  if (probe.status !== 200 || probe.json?.errors || (probe.json?.data?.permits?.nodes?.length ?? 0) !== 20) {
    throw new Error(`the 20-permit page did not answer 20 permits: HTTP ${probe.status} ${JSON.stringify(probe.json).slice(0, 400)}`);
  }

  const worker = fork(join(BENCH_DIR, 'load/overload-worker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('exit', (code) => reject(new Error(`load worker exited (${code})`)));
  });
  const runPhase = (connections: number, amount: number) =>
    new Promise<PhaseResult>((resolve, reject) => {
      const on = (m: { type: string; result?: PhaseResult; message?: string }) => {
        if (m.type === 'result') worker.off('message', on), resolve(m.result!);
        else if (m.type === 'error') worker.off('message', on), reject(new Error(m.message));
      };
      worker.on('message', on);
      worker.send({ type: 'phase', url, connections, amount, timeoutS, bodies: BODIES, headers: HEADERS, windowS: WINDOW_S } satisfies PhaseRequest);
    });
  let peakRssMb = 0;
  const sampler = setInterval(() => (peakRssMb = Math.max(peakRssMb, memoryMb(hub.pid).rss)), 500);
  const deadline = sleep(timeLimitMs).then(() => {
    throw new Error(`time limit of ${values['time-limit-min']} min reached`);
  });
  try {
    const atReady = await settled(hub);
    const warmup = Number(values.warmup);
    if (warmup > 0) {
      say(`warm-up: ${warmup} requests at concurrency ${values['baseline-concurrency']}`);
      await Promise.race([runPhase(Number(values['baseline-concurrency']), warmup), deadline]);
    }
    const before = await settled(hub);
    say(
      `RSS at ready ${atReady.rssMb} MB, after warm-up ${before.rssMb} MB (after a full collection; live heap ${before.heapMb} MB; ${JSON.stringify(before.v8)})`,
    );
    const phases: Array<
      PhaseResult & {
        role: PhaseRole;
        hubCpuMsPerRequest: number;
        machine: ReturnType<typeof machineShares>;
        health: { probes: number; not200: number; maxMs: number };
      }
    > = [];
    const baselineConnections = Number(values['baseline-concurrency']);
    for (const [role, connections, amount] of [
      ['baseline', baselineConnections, Number(values['baseline-requests'])],
      ['high', Number(values.concurrency), Number(values.requests)],
      ['baseline again', baselineConnections, Number(values['baseline-after-requests'])],
    ] as const) {
      if (amount <= 0) continue;
      say(`${role}: ${amount} requests at concurrency ${connections}…`);
      const stopWatch = watchHealth(healthUrl);
      const profiled = values.prof && role === 'high';
      const ask = (message: object, answer: string) => askChild<{ cpuProfile?: string }>(hub, message, (m) => m.cpuProfile === answer);
      if (profiled) await ask({ cpuProfile: 'start' }, 'started');
      const cpuBefore = processCpuMs(hub.pid).total;
      const machineBefore = machineCpuMs();
      const result = await Promise.race([runPhase(connections, amount), deadline]);
      const hubCpuMsPerRequest = Math.round(((processCpuMs(hub.pid).total - cpuBefore) / result.sent) * 10) / 10;
      const machine = machineShares(machineBefore);
      const health = await stopWatch();
      if (profiled) {
        const file = join(logDir, 'demo-hub.cpuprofile');
        await ask({ cpuProfile: 'stop', file }, 'written');
        process.stdout.write(`${summarize(file, 60)}\n`);
      }
      phases.push({ ...result, role, hubCpuMsPerRequest, machine, health });
      say(
        `  c=${connections}: ${result.rps.toFixed(1)} req/s (200s ${result.okRps.toFixed(1)}/s), p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ` +
          `ok ${result.ok}, shed ${result.shed}, timeouts ${result.timeouts}, other ${Object.values(result.other).reduce((s, o) => s + o.count, 0)}, hub CPU ${hubCpuMsPerRequest} ms/request, machine idle ${machine.idlePct} % steal ${machine.stealPct} %, /healthz max ${health.maxMs} ms`,
      );
    }
    // Work the hub still does for timed-out requests finishes first: a request behind it waits for it.
    await graphql(url, BODIES[0]!, HEADERS).catch(() => null);
    // For comparison: straight after one collection, before the collector's pages went back to the kernel.
    await askChild(hub, { collect: true }, (m: { collected?: boolean }) => m.collected === true);
    const rightAfterMb = Math.round(memoryMb(hub.pid).rss * 10) / 10;
    const after = await settled(hub);
    say(`RSS right after the load ${rightAfterMb} MB (one collection); settled ${after.rssMb} MB (after a full collection; ${JSON.stringify(after.v8)})`);
    clearInterval(sampler);
    const high = phases.find((p) => p.role === 'high');
    if (!high) throw new Error('--requests must be above 0: the high-concurrency phase is what this test measures');
    const baselines = phases.filter((p) => p.role !== 'high');
    const baseOkRps = baselines.reduce((s, p) => s + p.okRps, 0) / baselines.length;
    const otherCount = Object.values(high.other).reduce((s, o) => s + o.count, 0) + high.connectionErrors;
    const shedShare = high.shed / high.sent;
    const rssGrowth = (after.rssMb - before.rssMb) / before.rssMb;
    const checks = {
      noTimeouts: { pass: high.timeouts === 0, text: `timeouts ${high.timeouts} (target 0)` },
      shedAtMost5Pct: { pass: shedShare <= TARGETS.maxShedShare, text: `deliberate 503s ${high.shed} = ${(shedShare * 100).toFixed(2)} % (target ≤ 5 %)` },
      everythingElse200: {
        pass: otherCount === 0 && high.ok + high.shed === high.sent,
        text: `answered otherwise ${otherCount} (target 0; 200 ${high.ok} + shed ${high.shed} of ${high.sent})`,
      },
      throughputHolds: baselines.length
        ? {
            pass: high.okRps >= baseOkRps,
            text: `200s/s at c=${high.connections} ${high.okRps.toFixed(1)} vs c=${baselineConnections} ${baseOkRps.toFixed(1)} (${baselines.length > 1 ? `mean of ${baselines.map((p) => p.okRps.toFixed(1)).join(' before and ')} after; ` : ''}${(high.okRps / baseOkRps).toFixed(2)}×; target ≥ 1×)`,
          }
        : { pass: true, text: 'no baseline phase' },
      p99UnderOneSecond: {
        pass: high.p99Ms <= TARGETS.maxP99Ms,
        text: `p99 ${high.p99Ms} ms (target ≤ ${TARGETS.maxP99Ms} ms; timeouts counted as ${timeoutS} s)`,
      },
      rssReturns: {
        pass: rssGrowth <= TARGETS.maxRssGrowth,
        text: `RSS after warm-up ${before.rssMb} MB → after the load ${after.rssMb} MB (${rssGrowth >= 0 ? '+' : ''}${(rssGrowth * 100).toFixed(1)} %; target ≤ +10 %), live heap ${before.heapMb} → ${after.heapMb} MB`,
      },
      healthzNeverShed: {
        pass: phases.every((p) => p.health.not200 === 0),
        text: `/healthz not 200: ${phases.map((p) => p.health.not200).join(' / ')}; slowest ${phases.map((p) => `${p.health.maxMs} ms`).join(' / ')}`,
      },
    };
    const summary = {
      generatedAt: new Date().toISOString(),
      label: values.label,
      commit: gitCommit(),
      machine: {
        cpus: cpus().length,
        model: cpus()[0]?.model ?? '',
        memGb: Math.round(totalmem() / 2 ** 30),
        node: process.version,
        loadAverageAtEnd: loadavg().map((l) => Math.round(l * 100) / 100),
      },
      hubSettings: hubEnv,
      scale,
      timeoutS,
      warmupRequests: warmup,
      rss: {
        atReadyMb: atReady.rssMb,
        afterWarmupMb: before.rssMb,
        afterLoadMb: after.rssMb,
        rightAfterLoadMb: rightAfterMb,
        peakMb: Math.round(peakRssMb * 10) / 10,
        liveHeapAfterWarmupMb: before.heapMb,
        liveHeapAfterLoadMb: after.heapMb,
        v8AfterWarmup: before.v8,
        v8AfterLoad: after.v8,
        growthPct: Math.round(rssGrowth * 1000) / 10,
      },
      phases,
      checks,
      pass: Object.values(checks).every((c) => c.pass),
    };
    const resultsDir = join(BENCH_DIR, 'results');
    mkdirSync(resultsDir, { recursive: true });
    const jsonPath = join(resultsDir, 'load-latest.json');
    writeFileSync(jsonPath, `${JSON.stringify(summary, null, 2)}\n`);
    const lines = [
      `# Overload test${values.label ? ` — ${values.label}` : ''}`,
      '',
      `${summary.generatedAt}${summary.commit ? ` (commit ${summary.commit})` : ''}; demo district scale ${scale} (embedded PGlite), one hub process; 20-permit page as the demo steward, ${BODIES.length} rotating filters; client timeout ${timeoutS} s; load generator in its own process; ` +
        `${summary.machine.cpus} × ${summary.machine.model}, Node ${summary.machine.node}, load average at end ${summary.machine.loadAverageAtEnd.join(' ')}. Hub settings: ${
          Object.keys(hubEnv).length
            ? Object.entries(hubEnv)
                .map(([k, v]) => `${k}=${v}`)
                .join(', ')
            : 'defaults'
        }.`,
      '',
      '| phase | concurrency | requests | req/s | 200s/s | p50 ms | p99 ms | max ms | 200 | shed 503 | timeouts | other | statuses | hub CPU ms/request | machine idle / steal % | /healthz slowest ms |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|---:|',
      ...phases.map(
        (p) =>
          `| ${p.role} | ${p.connections} | ${p.sent} | ${p.rps.toFixed(1)} | ${p.okRps.toFixed(1)} | ${p.p50Ms} | ${p.p99Ms} | ${p.maxMs} | ${p.ok} | ${p.shed} | ${p.timeouts} | ${Object.values(p.other).reduce((s, o) => s + o.count, 0) + p.connectionErrors} | ${Object.entries(
            p.statusCounts,
          )
            .map(([s, n]) => `${s}: ${n}`)
            .join(', ')} | ${p.hubCpuMsPerRequest} | ${p.machine.idlePct} / ${p.machine.stealPct} | ${p.health.maxMs} |`,
      ),
      '',
      ...phases.map(
        (p) => `200s/s, ${p.role} (c=${p.connections}), in windows of ${WINDOW_S} s: ${p.okRpsByWindow.join(', ') || '(shorter than one window)'}.`,
      ),
      '',
      `RSS (idle, after full collections: collect, wait 3 s, collect, read): at ready ${atReady.rssMb} MB, after ${warmup} warm-up requests ${before.rssMb} MB, after the load ${after.rssMb} MB (${rightAfterMb} MB straight after one collection, before its pages went back to the kernel); peak ${summary.rss.peakMb} MB.`,
      '',
      '**Targets**',
      '',
      ...Object.values(checks).map((c) => `- ${c.text}: ${c.pass ? 'PASS' : 'FAIL'}`),
      ...phases.flatMap((p) => Object.entries(p.other).map(([k, v]) => `- c=${p.connections}: ${v.count} × ${k} — ${v.sample.slice(0, 160)}`)),
      '',
    ];
    writeFileSync(join(resultsDir, 'load-latest.md'), lines.join('\n'));
    process.stdout.write(`${lines.join('\n')}\nJSON: ${jsonPath}\n`);
    return summary.pass ? 0 : 1;
  } finally {
    clearInterval(sampler);
    worker.kill('SIGKILL');
    await hub.stop();
  }
}

runMain(main, say);
