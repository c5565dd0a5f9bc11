// npm run bench:identity-sync -- --records 500000 [--database-url URL]: the identity sync as the hub
// runs it, over generated department exports (the evaluation generator's records): a first sync
// (full resolution into an empty crosswalk), a second with nothing changed, a third with 1 % of records
// changed and 0.2 % dropped. Prints each sync's wall time and what it wrote. Embedded PGlite in a
// temporary directory unless a PostgreSQL URL is given (its database must be empty: it is migrated).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { migrateToLatest, openDatabase, type HubDatabase } from '../src/storage/index.js';
import { asDepartmentRecords, sourcesOf } from '../src/subgraphs/identity/evaluation-sources.js';
import { generateEvaluationSet } from '../src/identity-resolution/index.js';
import { syncIdentity } from '../src/subgraphs/identity/sync.js';

const { values } = parseArgs({ options: { records: { type: 'string' }, 'database-url': { type: 'string' }, seed: { type: 'string' } } });
const target = Number(values.records ?? 100_000);
if (!(target > 0)) {
  process.stderr.write('usage: bench-identity-sync --records N [--database-url URL]\n');
  process.exit(2);
}
const set = generateEvaluationSet({ seed: Number(values.seed ?? 1), entities: Math.max(1, Math.round(target / 2.8)) });
const first = asDepartmentRecords(set.records.slice(0, target));
// The next night's exports: every 100th record edited (a phone retyped), every 500th dropped.
const third = first.filter((_, i) => i % 500 !== 499).map((r, i) => (i % 100 === 0 ? { ...r, phone: r.phone ? null : '020-83330000' } : r));

const dir = values['database-url'] ? null : mkdtempSync(join(tmpdir(), 'huitong-sync-bench-'));
const database = await openDatabase<HubDatabase>(values['database-url'] ? { url: values['database-url'] } : { dir: dir! });
try {
  await migrateToLatest(database.db);
  const lines: string[] = [`records          ${first.length} (${database.backend})`];
  for (const [label, records] of [
    ['first sync', first],
    ['unchanged', first],
    ['1 % changed', third],
  ] as const) {
    const start = performance.now();
    // As the hub runs it: on PGlite (no autovacuum), VACUUM ANALYZE after a sync that wrote rows.
    const report = await syncIdentity(database.db, sourcesOf(records), { vacuum: database.backend === 'pglite' });
    const s = (performance.now() - start) / 1000;
    const { mode, changed, removed } = report.resolution;
    lines.push(
      `${label.padEnd(16)} ${s.toFixed(1)} s  (${mode}: ${changed} changed, ${removed} removed; ${report.applicants} applicants; rows written ${JSON.stringify(report.written)}; ms ${JSON.stringify(report.timings)})`,
    );
  }
  lines.push(`peak RSS         ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB`, '');
  process.stdout.write(lines.join('\n'));
} finally {
  await database.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
}
