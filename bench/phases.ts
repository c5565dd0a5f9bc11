// `npx tsx bench/phases.ts [--scale 5] [--targets hub-inprocess,hub-governed] [--workloads a,b]
//   [--duration 10] [--warmup 3] [--connections 1] [--postgres URL]`
// Where a hub request's time goes: each hub target started as the benchmark starts it (its own process,
// the same stores) with HUITONG_PHASE_TIMINGS=1, each workload run for a warm-up and then `--duration`
// seconds, and the phases of the requests of that window summarised (mean and median per phase) from the
// target's /bench/phases route. One connection by default, so a request's phases are its own rather than
// its share of ten interleaved ones. Prints the tables and writes bench/results/phases-latest.md and .json.
// Timed runs pay for the timing: their req/s are not the benchmark's (`npm run bench` runs untimed).
// With `--postgres URL` the stores are PostgreSQL databases as in `npm run bench -- --postgres` (writes
// phases-pg-latest.*).
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { PhaseSummary } from '../src/gateway/observability/phase-timings.js';
import { graphql, prepareData, startHousing, startTarget, type Target, type TargetName } from './lib/harness.js';
import { LoadGenerator } from './lib/load-generator.js';
import { dropTargetCopies, serverVersion } from './lib/pg-databases.js';
import { BENCH_DIR, stopAll, runMain } from './lib/proc.js';
import { workloads as allWorkloads } from './lib/workloads.js';

const { values } = parseArgs({
  options: {
    scale: { type: 'string', default: '5' },
    targets: { type: 'string', default: 'hub-inprocess,hub-governed' },
    workloads: { type: 'string' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '1' },
    postgres: { type: 'string' },
  },
});
const say = (m: string) => process.stderr.write(`[phases ${new Date().toISOString().slice(11, 19)}] ${m}\n`);

type Summary = { requests: number; wall: PhaseSummary; phases: PhaseSummary[]; inFlight: PhaseSummary[] };

/** What each phase is, for the report (pipeline phases first, then what they hold). */
const PHASE_LABELS: Array<[string, string]> = [
  ['parse', 'parse'],
  ['validate', 'validate (with the abuse limits and query cost)'],
  ['operation', 'operation resolved (plugins; governance: purpose, grants)'],
  ['execution', 'execution'],
  ['response', 'response (audit append, error order)'],
  ['execution without a subgraph call', '— of which execution with no subgraph call in flight (gateway resolvers, merging)'],
  ['planning', '— of which planning (delegation documents: prepared plans, page requests)'],
  ['merge', '— of which merge (result annotation, cross-department merge, connection)'],
  ['governance', '— of which governance: purpose and grants, field checks and masking'],
  ['audit', '— of which governance: the audit event and its append'],
  ['serialise', '— of which serialisation (the response JSON)'],
];

const ms = (x: number) => x.toFixed(2);

function table(summary: Summary): string[] {
  const wall = summary.wall.meanMs || 1;
  const lines = ['| phase | mean ms | p50 ms | share of mean wall |', '|---|---:|---:|---:|'];
  lines.push(`| **wall** (request start to last work) | ${ms(summary.wall.meanMs)} | ${ms(summary.wall.p50Ms)} | 100 % |`);
  const byName = new Map(summary.phases.map((p) => [p.phase, p]));
  for (const [name, label] of PHASE_LABELS) {
    const p = byName.get(name);
    if (p) lines.push(`| ${label} | ${ms(p.meanMs)} | ${ms(p.p50Ms)} | ${((100 * p.meanMs) / wall).toFixed(1)} % |`);
  }
  const flights = [...summary.inFlight].sort((a, b) => (a.phase === 'any subgraph' ? -1 : b.phase === 'any subgraph' ? 1 : a.phase.localeCompare(b.phase)));
  for (const p of flights) {
    const label = p.phase.startsWith('backend:')
      ? `in flight: ${p.phase.slice(8)}'s legacy system (backend)`
      : p.phase.startsWith('department:')
        ? `in flight: ${p.phase.slice(11)} subgraph (delegation wall)`
        : p.phase === 'any subgraph'
          ? 'in flight: any subgraph (the union of the subgraph rows)'
          : `in flight: ${p.phase} subgraph${p.phase === 'identity' ? ' (identity lookups)' : ''}`;
    lines.push(`| ${label} | ${ms(p.meanMs)} | ${ms(p.p50Ms)} | ${((100 * p.meanMs) / wall).toFixed(1)} % |`);
  }
  return lines;
}

async function main() {
  process.env.HUITONG_PHASE_TIMINGS = '1';
  const logDir = join(BENCH_DIR, 'logs', `phases-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(logDir, { recursive: true });
  const scale = Number(values.scale);
  const postgres = values.postgres ? { adminUrl: values.postgres, scale } : undefined;
  const database = postgres ? await serverVersion(postgres.adminUrl) : 'pglite';
  const { dir, fixtures } = await prepareData(scale, logDir, say, { postgres });
  const selected = allWorkloads(fixtures).filter((w) => !values.workloads || values.workloads.split(',').includes(w.name));
  const load = new LoadGenerator();
  const housing = await startHousing(dir, logDir);
  const targets: Target[] = [];
  const results: Array<{ target: string; workload: string; rps: number; p50Ms: number; summary: Summary }> = [];
  try {
    await load.ready;
    for (const name of values.targets.split(',') as TargetName[]) {
      if (!name.startsWith('hub-')) throw new Error(`${name}: only the hub targets are timed by phase`);
      targets.push(await startTarget(name, dir, housing.ready.url, logDir, { postgres }));
      say(`${name} ready`);
    }
    for (const w of selected) {
      for (const t of targets) {
        const probe = await graphql(t.url, w.bodies[0]!, t.headers);
        if (probe.status !== 200 || probe.json?.errors)
          throw new Error(`${w.name} on ${t.name}: ${JSON.stringify(probe.json?.errors ?? probe.status).slice(0, 300)}`);
        const run = (durationS: number) => load.run({ url: t.url, connections: Number(values.connections), durationS, bodies: w.bodies, headers: t.headers });
        await run(Number(values.warmup));
        // The gateway's process serves /bench/phases (the first calls URL is its own for the in-process hubs).
        const phasesUrl = t.callsUrls[0]!.replace('/bench/calls', '/bench/phases');
        const gatewayPhasesUrl = t.name === 'hub-http' ? undefined : phasesUrl;
        if (!gatewayPhasesUrl) throw new Error('hub-http: its gateway serves no calls route; time the in-process hubs');
        await fetch(`${gatewayPhasesUrl}/reset`, { method: 'POST' });
        const measured = await run(Number(values.duration));
        // Requests still in flight when the run ended finish meanwhile.
        await new Promise((resolve) => setTimeout(resolve, 500));
        const summary = (await (await fetch(gatewayPhasesUrl)).json()) as Summary;
        results.push({ target: t.name, workload: w.name, rps: measured.rps, p50Ms: measured.p50Ms, summary });
        say(`${w.name} on ${t.name}: ${summary.requests} requests timed, wall mean ${ms(summary.wall.meanMs)} ms`);
      }
    }
  } finally {
    load.stop();
    await Promise.all(targets.flatMap((t) => t.processes.map((p) => p.stop())));
    await housing.stop();
    await stopAll();
    if (postgres) await dropTargetCopies(postgres.adminUrl, postgres.scale);
  }

  const uptime = execFileSync('uptime', { encoding: 'utf8' }).trim();
  const lines = [
    `# Where a hub request's time goes — scale ${scale}, database: ${database}, ${new Date().toISOString()}`,
    '',
    `\`npx tsx bench/phases.ts --scale ${scale} --targets ${values.targets} --duration ${values.duration} --connections ${values.connections}${postgres ? ' --postgres URL' : ''}\` ` +
      `(HUITONG_PHASE_TIMINGS=1). Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}, Node ${process.version}; load: \`${uptime}\`.`,
    '',
    'Mean and median over every request of the measured window. The first five rows are consecutive and add up to at most the wall time;',
    'the "of which" rows are synchronous work inside them; the "in flight" rows are the wall time some call to that subgraph (or legacy',
    'system) was outstanding — calls to different departments run at the same time, so these overlap one another and the rows above.',
    "Timed runs pay for the timing (and serialise each response once more to time it): their req/s are not the benchmark's.",
    '',
  ];
  for (const r of results) {
    lines.push(`## ${r.workload} — ${r.target} (${r.summary.requests} requests, ${r.rps.toFixed(1)} req/s timed, client p50 ${r.p50Ms} ms)`, '');
    lines.push(...table(r.summary), '');
  }
  const markdown = `${lines.join('\n')}\n`;
  mkdirSync(join(BENCH_DIR, 'results'), { recursive: true });
  const stem = postgres ? 'phases-pg-latest' : 'phases-latest';
  writeFileSync(join(BENCH_DIR, 'results', `${stem}.md`), markdown);
  writeFileSync(
    join(BENCH_DIR, 'results', `${stem}.json`),
    `${JSON.stringify({ generatedAt: new Date().toISOString(), scale, database, uptime, results }, null, 2)}\n`,
  );
  process.stdout.write(markdown);
}

runMain(main, say);
