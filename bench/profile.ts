// `npx tsx bench/profile.ts --target hub-inprocess --workload permit-page-200 [--duration 10]
//   [--connections 10] [--prof | --heap] [--scale 5] [--after heavy-nested [--after-duration 30]] [--postgres URL]`
// A profiling driver for one target and one workload: starts the target as the benchmark does (its own
// process(es), same stores), loads it with autocannon from this process for a warm-up and then
// `--duration` seconds, prints req/s and latency, and with `--prof` runs the target's processes under
// the inspector's CPU profiler over exactly the measured window (bench/targets/ipc.ts) and prints the
// top self-time functions and packages of each process's profile; `--heap` samples allocations
// instead (bytes allocated per function, garbage included: what the collector's time is spent on).
// `--after W` first loads the target with workload W, as the full benchmark's rounds leave it (each
// workload runs after the others).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { graphql, prepareData, startHousing, startTarget, type TargetName } from './lib/harness.js';
import { summarize } from './lib/cpuprofile.js';
import { machineCpuMs, processCpuMs } from './lib/cpu-time.js';
import { dropTargetCopies } from './lib/pg-databases.js';
import { askChild, BENCH_DIR, stopAll, type Child, runMain } from './lib/proc.js';
import { workloads } from './lib/workloads.js';

const { values } = parseArgs({
  options: {
    target: { type: 'string', default: 'hub-inprocess' },
    workload: { type: 'string', default: 'permit-page-200' },
    duration: { type: 'string', default: '10' },
    warmup: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    scale: { type: 'string', default: '5' },
    prof: { type: 'boolean', default: false },
    heap: { type: 'boolean', default: false },
    top: { type: 'string', default: '45' },
    after: { type: 'string' },
    'after-duration': { type: 'string', default: '30' },
    postgres: { type: 'string' },
  },
});
// The stores on PostgreSQL as `npm run bench -- --postgres URL` puts them (the server's CPU is in no profile).
const postgres = values.postgres ? { adminUrl: values.postgres, scale: Number(values.scale) } : undefined;
const say = (m: string) => process.stderr.write(`[profile] ${m}\n`);

async function main() {
  const logDir = join(BENCH_DIR, 'logs', `profile-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const profDir = join(logDir, 'cpuprofiles');
  mkdirSync(profDir, { recursive: true });
  const { dir, fixtures } = await prepareData(Number(values.scale), logDir, say, { postgres });
  const byName = (name: string) => {
    const found = workloads(fixtures).find((w) => w.name === name);
    if (!found) throw new Error(`no workload ${name}`);
    return found;
  };
  const workload = byName(values.workload);
  const housing = await startHousing(dir, logDir);
  const target = await startTarget(values.target as TargetName, dir, housing.ready.url, logDir, { postgres });
  say(`${target.name} ready at ${target.url} ${JSON.stringify(target.info)}`);
  // A workload that answers with errors measures the error path: stop, as `npm run bench` does.
  const probe = await graphql(target.url, workload.bodies[0]!, target.headers);
  if (probe.status !== 200 || probe.json?.errors)
    throw new Error(`${workload.name} on ${target.name}: HTTP ${probe.status} ${JSON.stringify(probe.json?.errors ?? probe.json).slice(0, 500)}`);
  let next = 0;
  const load = (duration: number, bodies = workload.bodies) =>
    autocannon({
      url: target.url,
      connections: Number(values.connections),
      duration,
      timeout: 60,
      // The target's own headers too: the governed hub is asked as the demo steward, as in `npm run bench`.
      requests: [
        {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...target.headers },
          setupRequest: (req) => ({ ...req, body: bodies[next++ % bodies.length]! }),
        },
      ],
    });
  if (values.after) {
    say(`loading with ${values.after} for ${values['after-duration']} s first`);
    await load(Number(values['after-duration']), byName(values.after).bodies);
  }
  await load(Number(values.warmup));
  const ask = (p: Child, message: object, answer: string) => askChild<{ cpuProfile?: string }>(p, message, (m) => m.cpuProfile === answer);
  const profiling = values.prof || values.heap;
  const extension = values.heap ? 'heapprofile' : 'cpuprofile';
  if (profiling) await Promise.all(target.processes.map((p) => ask(p, { cpuProfile: 'start', heap: values.heap }, 'started')));
  const cpuBefore = target.processes.map((p) => processCpuMs(p.pid));
  const machineBefore = machineCpuMs();
  const selfBefore = process.cpuUsage();
  const result = await load(Number(values.duration));
  const cpuUsed = target.processes.map((p, i) => {
    const now = processCpuMs(p.pid);
    return { user: now.user - cpuBefore[i]!.user, system: now.system - cpuBefore[i]!.system };
  });
  const machineUsed = machineCpuMs().busy - machineBefore.busy;
  const selfUsed = process.cpuUsage(selfBefore);
  if (profiling) {
    await Promise.all(target.processes.map((p) => ask(p, { cpuProfile: 'stop', file: join(profDir, `${p.name}.${extension}`) }, 'written')));
  }
  say(
    `${target.name} ${workload.name}: ${(result.requests.total / result.duration).toFixed(1)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms, non2xx ${result.non2xx}, errors ${result.errors}`,
  );
  // CPU time per request is steadier than req/s when other work shares the machine.
  const perRequest = (ms: number) => (ms / result.requests.total).toFixed(2);
  say(
    `CPU ms per request: ${target.processes.map((p, i) => `${p.name} ${perRequest(cpuUsed[i]!.user + cpuUsed[i]!.system)} (system ${perRequest(cpuUsed[i]!.system)})`).join(', ')}`,
  );
  // The rest of the machine: the database server's share shows here (the load generator's is its own line).
  const targetUsed = cpuUsed.reduce((sum, used) => sum + used.user + used.system, 0);
  const loader = (selfUsed.user + selfUsed.system) / 1000;
  say(`CPU ms per request elsewhere: load generator ${perRequest(loader)}, everything else on the machine ${perRequest(machineUsed - targetUsed - loader)}`);
  for (const p of target.processes) await p.stop();
  await housing.stop();
  await stopAll();
  if (postgres) await dropTargetCopies(postgres.adminUrl, postgres.scale);
  if (profiling) {
    for (const f of readdirSync(profDir).filter((f) => f.endsWith(`.${extension}`)))
      process.stdout.write(`${summarize(join(profDir, f), Number(values.top))}\n`);
  } else rmSync(profDir, { recursive: true, force: true });
}

runMain(main, say);
