// `npm run bench [-- --quick] [--scale N] [--duration S] [--rounds N] [--connections N]
//   [--targets a,b] [--workloads a,b] [--time-limit-min N] [--postgres URL] [--prepare-only] [--check-only]`
// Benchmarks every workload against every target (hub-inprocess, hub-http, monolith, hub-governed,
// central), each target in its own processes, the load generator in another, alternating targets round
// by round. Prints a table and writes bench/results/latest.json and latest.md (quick-latest.* with --quick).
// With `--postgres URL` (a server the bench may create databases on) the hub databases, the market legacy
// store and the central copy are PostgreSQL databases there, as a district deploys them; the reports are
// then latest-pg.* / quick-pg-latest.*.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import type { RunResult } from './load/autocannon-worker.js';
import { LoadGenerator } from './lib/load-generator.js';
import { median } from './lib/median.js';
import {
  callDelta,
  DEPARTMENTS,
  graphql,
  type PgStores,
  type PreparationTimes,
  prepareData,
  readCalls,
  startHousing,
  startTarget,
  TARGET_NAMES,
  type Target,
  type TargetName,
} from './lib/harness.js';
import { dropTargetCopies, serverVersion } from './lib/pg-databases.js';
import { BENCH_DIR, memoryMb, resetPeak, stopAll, type Child, runMain } from './lib/proc.js';
import { workloads as allWorkloads, type Workload } from './lib/workloads.js';
import { comparable } from './lib/comparable.js';

const { values } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    duration: { type: 'string' },
    warmup: { type: 'string' },
    rounds: { type: 'string' },
    connections: { type: 'string' },
    targets: { type: 'string' },
    workloads: { type: 'string' },
    'deadline-ms': { type: 'string' },
    'time-limit-min': { type: 'string' },
    postgres: { type: 'string' },
    'prepare-only': { type: 'boolean', default: false },
    'check-only': { type: 'boolean', default: false },
  },
});
const quick = values.quick!;
const config = {
  scale: Number(values.scale ?? (quick ? 5 : 200)),
  durationS: Number(values.duration ?? (quick ? 5 : 15)),
  warmupS: Number(values.warmup ?? (quick ? 2 : 5)),
  rounds: Number(values.rounds ?? (quick ? 2 : 5)),
  connections: Number(values.connections ?? 10),
  timeLimitMin: Number(values['time-limit-min'] ?? (quick ? 10 : 120)),
};
const targetNames = (values.targets?.split(',') ?? [...TARGET_NAMES]) as TargetName[];
const postgres: PgStores | undefined = values.postgres ? { adminUrl: values.postgres, scale: config.scale } : undefined;
const logDir = join(BENCH_DIR, 'logs', new Date().toISOString().replace(/[:.]/g, '-'));
// Every target process (and data preparation) reads its department deadline from here.
// At ≥ 1M permits a sync page can take longer than an interactive request's default 5 s.
const deadlineMs = values['deadline-ms'] ?? (quick ? undefined : '60000');
if (deadlineMs) process.env.HUITONG_DEPARTMENT_DEADLINE_MS = deadlineMs;
const say = (m: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${m}\n`);
const deadline = Date.now() + config.timeLimitMin * 60_000;
// The machine is shared: its load (1, 5, 15 min averages) at the start and end of the run goes in the report.
const loadAtStart = loadavg().map((x) => Math.round(x * 100) / 100);

interface Sample extends RunResult {
  calls: Record<string, { calls: number; retries: number; sharedCounts: number }>;
  peakRssMb: number;
}

const round = (x: number, digits = 1) => Math.round(x * 10 ** digits) / 10 ** digits;
/** A ratio against its floor, shown to three places so a ratio just under the floor never reads as on it. */
const floorCheck = (label: string, ratio: number, floor: number) => `${label}: ${ratio.toFixed(3)}× ${ratio >= floor ? 'PASS' : 'FAIL'}`;

async function measure(target: Target, workload: Workload, load: LoadGenerator, durationS: number): Promise<Sample> {
  for (const p of target.processes) if (p.proc.exitCode !== null || p.proc.signalCode !== null) throw new Error(`${p.name} has exited (log: ${p.logFile})`);
  const resetOk = target.processes.every((p) => resetPeak(p.pid));
  const before = await readCalls(target);
  const result = await load.run({ url: target.url, connections: config.connections, durationS, bodies: workload.bodies, headers: target.headers });
  // Requests still in flight when the run ended are served (and call departments): wait until the
  // counters settle, then divide by requests sent.
  let after = await readCalls(target);
  for (let i = 0; i < 40; i++) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    const again = await readCalls(target);
    const settled = JSON.stringify(again) === JSON.stringify(after);
    after = again;
    if (settled) break;
  }
  const peakRssMb = target.processes.reduce((sum, p) => sum + memoryMb(p.pid).peak, 0);
  if (!resetOk) say('warning: could not reset VmHWM; peak RSS is since process start');
  return { ...result, calls: callDelta(before, after), peakRssMb };
}

async function main() {
  mkdirSync(logDir, { recursive: true });
  say(
    `mode ${quick ? 'quick' : 'full'}: scale ${config.scale}, ${config.rounds} round(s) × ${config.durationS} s per workload and target, warm-up ${config.warmupS} s, ${config.connections} connections; logs in ${relative(process.cwd(), logDir)}`,
  );
  // The engine of the run's SQL stores (the hub databases, the market legacy store, the central copy).
  const database = postgres ? await serverVersion(postgres.adminUrl) : 'pglite';
  say(`database: ${database}`);
  const { dir, fixtures, times } = await prepareData(config.scale, logDir, say, { postgres });
  if (values['prepare-only']) return 0;
  const selected = allWorkloads(fixtures).filter((w) => !values.workloads || values.workloads.split(',').includes(w.name));

  const load = new LoadGenerator();
  let housing: Child<{ ready: true; url: string }> | undefined;
  const targets: Target[] = [];
  try {
    await load.ready;
    housing = await startHousing(dir, logDir);
    for (const name of targetNames) {
      const t = performance.now();
      targets.push(await startTarget(name, dir, housing.ready.url, logDir, { postgres }));
      const info = targets.at(-1)!.info;
      say(`${name} ready in ${((performance.now() - t) / 1000).toFixed(1)} s${Object.keys(info).length ? ` ${JSON.stringify(info)}` : ''}`);
    }

    // Every workload answers without errors on every target, and the same data as the monolith.
    const mismatches: string[] = [];
    for (const w of selected) {
      const reference = targets.find((t) => t.name === 'monolith') ?? targets[0]!;
      const expected = await graphql(reference.url, w.bodies[0]!, reference.headers);
      for (const t of targets) {
        const got = t === reference ? expected : await graphql(t.url, w.bodies[0]!, t.headers);
        if (got.status !== 200 || got.json?.errors)
          throw new Error(`${w.name} on ${t.name}: HTTP ${got.status} ${JSON.stringify(got.json?.errors ?? got.json).slice(0, 500)}`);
        if (JSON.stringify(comparable(got.json.data)) !== JSON.stringify(comparable(expected.json.data)))
          mismatches.push(`${w.name}: ${t.name} differs from ${reference.name}`);
      }
    }
    if (mismatches.length) say(`WARNING, responses differ:\n  ${mismatches.join('\n  ')}`);
    else say(`responses checked: every target returns the same data for every workload`);
    if (values['check-only']) return mismatches.length ? 1 : 0;

    for (const w of selected) for (const t of targets) await measure(t, w, load, config.warmupS);
    say('warm-up done');

    const samples = new Map<string, Sample[]>();
    let stoppedEarly = false;
    for (let r = 0; r < config.rounds && !stoppedEarly; r++) {
      for (const w of selected) {
        const order = targets.map((_, i) => targets[(i + r) % targets.length]!);
        for (const t of order) {
          if (Date.now() > deadline) {
            stoppedEarly = true;
            break;
          }
          const sample = await measure(t, w, load, config.durationS);
          const key = `${w.name}|${t.name}`;
          samples.set(key, [...(samples.get(key) ?? []), sample]);
          say(
            `round ${r + 1}/${config.rounds} ${w.name.padEnd(18)} ${t.name.padEnd(14)} ${round(sample.rps).toString().padStart(8)} req/s  p50 ${sample.p50Ms} ms  p99 ${sample.p99Ms} ms${sample.graphqlErrors + sample.non2xx + sample.errors ? `  ERRORS ${sample.graphqlErrors + sample.non2xx + sample.errors} ${sample.errorSample ?? ''}` : ''}`,
          );
        }
      }
    }
    if (stoppedEarly) say(`time limit of ${config.timeLimitMin} min reached: stopped early, figures are from the rounds completed`);

    const report = buildReport(selected, targets, samples, dir, stoppedEarly, database, times);
    mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
    const stem = postgres ? (quick ? 'quick-pg-latest' : 'latest-pg') : quick ? 'quick-latest' : 'latest';
    const jsonPath = join(BENCH_DIR, 'results', `${stem}.json`);
    const mdPath = join(BENCH_DIR, 'results', `${stem}.md`);
    writeFileSync(jsonPath, `${JSON.stringify(report.json, null, 2)}\n`);
    writeFileSync(mdPath, report.markdown);
    process.stdout.write(`${report.markdown}\n`);
    process.stdout.write(`JSON: ${jsonPath}\nMarkdown: ${mdPath}\n`);
    return 0;
  } finally {
    load.stop();
    await Promise.all(targets.flatMap((t) => t.processes.map((p) => p.stop())));
    await housing?.stop();
    await stopAll();
    // The targets' copies (gigabytes at scale 200); the templates stay for the next run.
    if (postgres) await dropTargetCopies(postgres.adminUrl, postgres.scale);
  }
}

function buildReport(
  selected: Workload[],
  targets: Target[],
  samples: Map<string, Sample[]>,
  dir: string,
  stoppedEarly: boolean,
  database: string,
  preparationS: PreparationTimes,
) {
  const json = {
    generatedAt: new Date().toISOString(),
    mode: quick ? 'quick' : 'full',
    database,
    preparationS,
    config: { ...config, targets: targets.map((t) => t.name), dataDir: relative(process.cwd(), dir) },
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model ?? 'unknown',
      memoryGb: round(totalmem() / 2 ** 30),
      node: process.version,
      loadAverageStart: loadAtStart,
      loadAverageEnd: loadavg().map((x) => round(x, 2)),
    },
    stoppedEarly,
    notes: [
      'hub-inprocess, hub-http: governance off (the bare gateway against the monolith); hub-governed: the in-process hub with governance on (sharing classes, grants, masking, audit trail), every request as the demo data steward (Authorization: Bearer demo-steward-key); its cost is the ratio hub-governed/hub-inprocess',
      'rps: completed requests / duration, median over rounds; p50/p99: autocannon latency percentiles, median over rounds',
      'peakRssMb: kernel VmHWM of the target process(es) (hub-http: gateway + 3 subgraph processes), reset before each run; max over rounds',
      'backendCallsPerRequest: RuntimeAdapter calls (listPermits + getPermits + listApplicants) of all departments during the runs (counters read after in-flight requests drain) / requests sent; retries of failed attempts included',
      'sharedCountsPerRequest: count calls (countPermits: the totals several requests missed, counted in one call; a department declaring a freshness bound) / requests sent — apart from the budget, which is about batching a request’s own reads',
      `database: the engine of the hub databases, the market legacy store and the central copy in this run (pglite: embedded, one copy per target; postgresql: a database per target copied from a prepared template, analysed before measuring, the server's memory counted in no target's peak RSS); housing (a JSON API) and health (CSV files) are no SQL stores`,
      `central: the central copy (bench/central/) — every department loaded once into one indexed database on the engine of the hub store (${database}), served by plain resolvers; it reads no department system while serving. hub ÷ central is each hub target's req/s over its req/s`,
      'retriesPerRequest: of those calls, retries of a failed attempt (a transient failure: connection refused or reset, a 5xx) / requests sent. The budget of ≤ 1 call per department per nesting level is about batching, so it is checked on calls less retries; retries are shown beside it',
    ],
    workloads: selected.map((w) => {
      const rows = targets.map((t) => {
        const s = samples.get(`${w.name}|${t.name}`) ?? [];
        const requests = s.reduce((n, x) => n + x.requests, 0);
        const sent = s.reduce((n, x) => n + x.sent, 0);
        const perDept: Record<string, number> = {};
        const retriesPerDept: Record<string, number> = {};
        for (const code of DEPARTMENTS) {
          perDept[code] = sent ? round(s.reduce((n, x) => n + (x.calls[code]?.calls ?? 0), 0) / sent, 3) : 0;
          retriesPerDept[code] = sent ? round(s.reduce((n, x) => n + (x.calls[code]?.retries ?? 0), 0) / sent, 3) : 0;
        }
        return {
          name: t.name,
          rps: round(median(s.map((x) => x.rps))),
          p50Ms: round(median(s.map((x) => x.p50Ms))),
          p99Ms: round(median(s.map((x) => x.p99Ms))),
          peakRssMb: round(Math.max(0, ...s.map((x) => x.peakRssMb))),
          backendCallsPerRequest: round(
            Object.values(perDept).reduce((a, b) => a + b, 0),
            3,
          ),
          backendCallsPerRequestByDepartment: perDept,
          retriesPerRequest: round(
            Object.values(retriesPerDept).reduce((a, b) => a + b, 0),
            3,
          ),
          retriesPerRequestByDepartment: retriesPerDept,
          sharedCountsPerRequest: sent ? round(s.reduce((n, x) => n + Object.values(x.calls).reduce((m, c) => m + c.sharedCounts, 0), 0) / sent, 3) : 0,
          rpsByRound: s.map((x) => round(x.rps)),
          requests,
          failed: s.reduce((n, x) => n + x.graphqlErrors + x.non2xx + x.errors, 0),
          rounds: s.length,
        };
      });
      const mono = rows.find((r) => r.name === 'monolith');
      // Kept to four places: a floor is checked on this, not on the two places the tables show.
      const ratios: Record<string, number> = {};
      for (const r of rows) if (mono && r !== mono && mono.rps > 0) ratios[`${r.name}/monolith`] = round(r.rps / mono.rps, 4);
      const central = rows.find((r) => r.name === 'central');
      for (const r of rows) if (central && r !== central && central.rps > 0) ratios[`${r.name}/central`] = round(r.rps / central.rps, 4);
      const bare = rows.find((r) => r.name === 'hub-inprocess');
      const governed = rows.find((r) => r.name === 'hub-governed');
      if (bare && governed && bare.rps > 0) ratios['hub-governed/hub-inprocess'] = round(governed.rps / bare.rps, 4);
      return { name: w.name, description: w.description, backendCallBudgetPerDepartment: w.departmentLevels, targets: rows, ratios };
    }),
  };

  const lines: string[] = [];
  lines.push(`# Huitong benchmark — ${json.mode} run, database: ${database}, ${json.generatedAt}`, '');
  lines.push(
    `Scale ${config.scale} (${relative(process.cwd(), dir)}), ${config.rounds} round(s) × ${config.durationS} s per workload and target after a ${config.warmupS} s warm-up, ${config.connections} connections, load generator in its own process. Machine: ${json.machine.cpus} × ${json.machine.cpuModel}, ${json.machine.memoryGb} GB, Node ${json.machine.node}; load average (1/5/15 min) ${json.machine.loadAverageStart.join(' / ')} at the start, ${json.machine.loadAverageEnd.join(' / ')} at the end.${stoppedEarly ? ' **Stopped early at the time limit.**' : ''}`,
    '',
  );
  const prepared = Object.entries(preparationS).filter(([, s]) => s > 0);
  if (prepared.length)
    lines.push(`Data preparation in this run (s; steps not listed were reused): ${prepared.map(([step, s]) => `${step} ${s}`).join(', ')}.`, '');
  lines.push('| workload | target | req/s | p50 ms | p99 ms | peak RSS MB | backend calls/req (market/housing/health) | vs monolith | vs central | failed |');
  lines.push('|---|---|---:|---:|---:|---:|---|---:|---:|---:|');
  for (const w of json.workloads) {
    for (const r of w.targets) {
      const d = r.backendCallsPerRequestByDepartment;
      const ratio = w.ratios[`${r.name}/monolith`];
      const toCentral = w.ratios[`${r.name}/central`];
      const retried = `${r.retriesPerRequest ? `, ${r.retriesPerRequest} of them retries` : ''}${r.sharedCountsPerRequest ? `; + ${r.sharedCountsPerRequest} shared counts` : ''}`;
      lines.push(
        `| ${w.name} | ${r.name} | ${r.rps} | ${r.p50Ms} | ${r.p99Ms} | ${r.peakRssMb} | ${r.backendCallsPerRequest} (${d.market}/${d.housing}/${d.health}${retried}) | ${r.name === 'monolith' ? '1.00' : (ratio?.toFixed(2) ?? '–')} | ${r.name === 'central' ? '1.00' : (toCentral?.toFixed(2) ?? '–')} | ${r.failed} |`,
      );
    }
  }
  const overhead = json.workloads.filter((w) => w.ratios['hub-governed/hub-inprocess'] !== undefined);
  lines.push(
    '',
    overhead.length
      ? `_Governance: hub-inprocess, hub-http run with governance off; hub-governed is the in-process hub with governance on, asked as the demo data steward. Its req/s relative to hub-inprocess: ${overhead.map((w) => `${w.name} ${w.ratios['hub-governed/hub-inprocess']!.toFixed(2)}×`).join(', ')}._`
      : '_Governance: the hub targets run with governance off; the governed target (hub-governed) was not part of this run._',
    '',
  );
  const hubs = ['hub-inprocess', 'hub-http', 'hub-governed'];
  const againstCentral = json.workloads.filter((w) => hubs.some((h) => w.ratios[`${h}/central`] !== undefined));
  if (againstCentral.length) {
    lines.push(
      `_Hub ÷ central copy (req/s): ${againstCentral
        .map(
          (w) =>
            `${w.name} ${hubs.flatMap((h) => (w.ratios[`${h}/central`] !== undefined ? [`${h} ${w.ratios[`${h}/central`]!.toFixed(2)}×`] : [])).join(', ')}`,
        )
        .join('; ')}._`,
      '',
    );
  }
  lines.push('Requests/s of each round (the table gives their median):', '');
  for (const w of json.workloads) lines.push(`- ${w.name}: ${w.targets.map((r) => `${r.name} ${r.rpsByRound.join(' / ')}`).join('; ')}`);
  lines.push('', '## Targets', '');
  for (const w of json.workloads) {
    const checks: string[] = [];
    const inproc = w.ratios['hub-inprocess/monolith'];
    const http = w.ratios['hub-http/monolith'];
    if (w.name !== 'disclosure-search') {
      if (inproc !== undefined) checks.push(floorCheck('in-process ≥ 0.8× monolith', inproc, 0.8));
      if (http !== undefined) checks.push(floorCheck('HTTP subgraphs ≥ 0.5× monolith', http, 0.5));
    }
    // Issue #16's targets against the central copy (set for scale 200 on PostgreSQL; shown at every scale).
    const inprocCentral = w.ratios['hub-inprocess/central'];
    const httpCentral = w.ratios['hub-http/central'];
    if (inprocCentral !== undefined) checks.push(floorCheck('in-process ≥ 0.5× central', inprocCentral, 0.5));
    if (httpCentral !== undefined) checks.push(floorCheck('HTTP subgraphs ≥ 0.35× central', httpCentral, 0.35));
    // The central copy reads no department system while serving: no call budget to check.
    for (const r of w.targets.filter((t) => t.name !== 'monolith' && t.name !== 'central')) {
      const worst = Math.max(...DEPARTMENTS.map((code) => round(r.backendCallsPerRequestByDepartment[code]! - r.retriesPerRequestByDepartment[code]!, 3)));
      const budget = w.backendCallBudgetPerDepartment;
      const retried = r.retriesPerRequest ? ` (plus ${r.retriesPerRequest} retries/request)` : '';
      checks.push(
        `${r.name} ≤ ${budget} call(s) per department per request (${budget} nesting level(s)), retries aside: max ${worst}${retried} ${worst <= budget + 1e-9 ? 'PASS' : 'FAIL'}`,
      );
    }
    lines.push(`- **${w.name}** — ${checks.join('; ')}`);
  }
  lines.push('');
  return { json, markdown: `${lines.join('\n')}\n` };
}

const hardStop = setTimeout(
  () => {
    say('hard time limit exceeded: killing every child process');
    void stopAll().finally(() => process.exit(1));
  },
  (config.timeLimitMin + 15) * 60_000,
);
hardStop.unref();

runMain(main, say);
