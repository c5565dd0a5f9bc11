// `npx tsx bench/interleave.ts [--workload applicant-360] [--scale 5] [--rounds 10] [--requests 150]
//   [--concurrency 4] [--without 'serviceItem { code name category }|department { code name }']`
// The in-process hub and the monolith in ONE process, measured in interleaved rounds (order reversed every
// other round): CPU time per request of each, and the median of the per-round hub/monolith ratio. On this
// machine a target's speed drifts ±20 % between runs seconds apart, more than the few percent a change to
// the gateway moves; sharing one process and alternating every few hundred requests cancels that drift
// (the two share a JIT, so this compares costs, it does not replace `npm run bench`). `--without` also
// runs the workload with each given selection cut from its document: what a part of the query costs each.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { demoPaths } from '../src/demo/demo-district.js';
import { copyStores, dataDirFor, startHousing } from './lib/harness.js';
import { median } from './lib/median.js';
import { BENCH_DIR, stopAll, runMain } from './lib/proc.js';
import { startSyncedHub } from './lib/synced-hub.js';
import { workloads, type Fixtures } from './lib/workloads.js';
import { startMonolith } from './monolith/start.js';
import { benchLogger } from './targets/ipc.js';

const { values } = parseArgs({
  options: {
    workload: { type: 'string', default: 'applicant-360' },
    scale: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '10' },
    requests: { type: 'string', default: '150' },
    concurrency: { type: 'string', default: '4' },
    without: { type: 'string', default: '' },
  },
});

async function main() {
  process.env.NODE_ENV = 'production';
  const dir = dataDirFor(Number(values.scale));
  const fixtures = JSON.parse(readFileSync(join(dir, 'fixtures.json'), 'utf8')) as Fixtures;
  const workload = workloads(fixtures).find((w) => w.name === values.workload);
  if (!workload) throw new Error(`no workload ${values.workload} (or no data at scale ${values.scale}: run the benchmark once)`);
  const logDir = join(BENCH_DIR, 'logs', `interleave-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const housing = await startHousing(dir, logDir);
  const envFor = (market: string) => ({
    ...process.env,
    HUITONG_MARKET_DB_URL: `file:${market}`,
    HUITONG_HOUSING_API_URL: housing.ready.url,
    HUITONG_HEALTH_EXPORT_DIR: demoPaths(join(dir, 'base')).healthDir,
  });

  // As the hub-inprocess target: governance off, measured only once the start-up sync is done and vacuumed.
  const hubStores = copyStores(dir, 'interleave-hub');
  const { hub, ready } = await startSyncedHub({ hubDir: hubStores.hub, env: envFor(hubStores.market), governance: false, logger: benchLogger() });
  const sync = await ready;
  if (sync.startsWith('failed')) throw new Error(`identity sync ${sync}`);
  const monolithStores = copyStores(dir, 'interleave-monolith');
  const monolith = await startMonolith({ hub: { dir: monolithStores.hub }, env: envFor(monolithStores.market), logger: benchLogger() });

  const cut = (body: string, selection: string) => {
    const parsed = JSON.parse(body) as { query: string };
    return JSON.stringify({ ...parsed, query: parsed.query.split(selection).join('') });
  };
  const variants = ['', ...values.without.split('|').filter(Boolean)].map((selection) => ({
    label: selection ? `without ${selection}` : workload.name,
    bodies: selection ? workload.bodies.map((b) => cut(b, selection)) : workload.bodies,
  }));
  const targets = [
    { name: 'hub', url: `${hub.url}/graphql` },
    { name: 'monolith', url: monolith.url },
  ];
  let next = 0;
  const load = async (url: string, bodies: string[], n: number) => {
    let left = n;
    await Promise.all(
      Array.from({ length: Number(values.concurrency) }, async () => {
        while (left-- > 0) {
          const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[next++ % bodies.length]! });
          const result = (await response.json()) as { errors?: unknown };
          if (result.errors) throw new Error(`${url}: ${JSON.stringify(result.errors).slice(0, 300)}`);
        }
      }),
    );
  };

  const requests = Number(values.requests);
  const cpu = new Map<string, number[]>();
  for (const v of variants) for (const t of targets) await load(t.url, v.bodies, requests); // warm-up
  for (let round = 0; round < Number(values.rounds); round++) {
    for (const v of variants) {
      for (const t of round % 2 ? [...targets].reverse() : targets) {
        const before = process.cpuUsage();
        await load(t.url, v.bodies, requests);
        const used = process.cpuUsage(before);
        const key = `${v.label}|${t.name}`;
        cpu.set(key, [...(cpu.get(key) ?? []), (used.user + used.system) / 1000 / requests]);
      }
    }
  }
  console.log(
    `${values.workload}, scale ${values.scale}, ${values.rounds} interleaved rounds of ${requests} requests at concurrency ${values.concurrency}; CPU ms per request (median):`,
  );
  for (const v of variants) {
    const hubMs = cpu.get(`${v.label}|hub`)!;
    const monolithMs = cpu.get(`${v.label}|monolith`)!;
    const ratio = median(hubMs.map((h, i) => h / monolithMs[i]!));
    console.log(`  ${v.label}: hub ${median(hubMs).toFixed(2)}, monolith ${median(monolithMs).toFixed(2)}, hub/monolith per round ${ratio.toFixed(3)}`);
  }
  await hub.stop();
  await monolith.stop();
  await stopAll();
}

runMain(main, (message) => process.stderr.write(`${message}\n`));
