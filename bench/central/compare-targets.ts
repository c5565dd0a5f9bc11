// `npx tsx bench/central/compare-targets.ts [--scale 5] [--targets monolith,central] [--postgres URL]`: sends EVERY request
// body of every workload (the run itself compares only the first) to the targets and reports each whose
// data differs from the first target's, cursors aside. Exit code 1 when any differs.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { graphql, prepareData, startHousing, startTarget, type Target, type TargetName } from '../lib/harness.js';
import { dropTargetCopies } from '../lib/pg-databases.js';
import { BENCH_DIR, stopAll } from '../lib/proc.js';
import { workloads } from '../lib/workloads.js';
import { comparable } from '../lib/comparable.js';

const { values } = parseArgs({
  options: { scale: { type: 'string', default: '5' }, targets: { type: 'string', default: 'monolith,central' }, postgres: { type: 'string' } },
});
const postgres = values.postgres ? { adminUrl: values.postgres, scale: Number(values.scale) } : undefined;
const say = (m: string) => process.stderr.write(`[compare] ${m}\n`);

async function main() {
  const logDir = join(BENCH_DIR, 'logs', `compare-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  mkdirSync(logDir, { recursive: true });
  const { dir, fixtures } = await prepareData(Number(values.scale), logDir, say, { postgres });
  const housing = await startHousing(dir, logDir);
  const targets: Target[] = [];
  let differ = 0;
  let compared = 0;
  try {
    for (const name of values.targets.split(',') as TargetName[]) targets.push(await startTarget(name, dir, housing.ready.url, logDir, { postgres }));
    for (const w of workloads(fixtures)) {
      for (const body of w.bodies) {
        const answers = await Promise.all(targets.map((t) => graphql(t.url, body, t.headers)));
        const texts = answers.map((a) => JSON.stringify(a.json?.errors ?? comparable(a.json?.data)));
        compared++;
        for (let i = 1; i < targets.length; i++) {
          if (texts[i] !== texts[0]) {
            differ++;
            say(`${w.name} ${body.slice(body.indexOf('"variables"'))}: ${targets[i]!.name} differs from ${targets[0]!.name}`);
          }
        }
      }
    }
    say(`${compared} requests compared across ${targets.map((t) => t.name).join(', ')}: ${differ} differ`);
  } finally {
    await Promise.all(targets.flatMap((t) => t.processes.map((p) => p.stop())));
    await housing.stop();
    await stopAll();
    if (postgres) await dropTargetCopies(postgres.adminUrl, postgres.scale);
  }
  process.exit(differ ? 1 : 0);
}

main().catch(async (error: unknown) => {
  say(`failed: ${(error as Error).stack ?? String(error)}`);
  await stopAll();
  process.exit(1);
});
