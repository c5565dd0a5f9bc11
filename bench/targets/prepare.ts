// Prepares a scale's data once: the demo district's legacy stores (bench/.data-<scale>/base), a hub
// database template with the catalogue loaded and identities synced (hub-template), and fixtures.json
// (real identifiers and search terms the workloads rotate through). Later runs find the markers.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import type { RuntimeAdapter } from '../../src/adapters/core/runtime-adapter.js';
import { adapterKinds } from '../../src/adapters/kinds.js';
import { demoRegistrySeed, ensureDemoData, seedDemoCatalogue, startDemoSystems } from '../../src/demo/demo-district.js';
import { openRuntimeAdapter } from '../../src/gateway/departments/department-opener.js';
import { listDepartments } from '../../src/gateway/departments/registry-store.js';
import { startHub } from '../../src/gateway/hub.js';
import { encodeGlobalId } from '../../src/schema/index.js';
import { type HubDatabase, openDatabase } from '../../src/storage/index.js';
import type { CentralDatabase } from '../central/central-database.js';
import { loadCentralCopy } from '../central/load.js';
import { startSyncedHub } from '../lib/synced-hub.js';
import { announce, benchLogger, failed } from './ipc.js';

const { values } = parseArgs({ options: { scale: { type: 'string' }, dir: { type: 'string' } } });
const scale = Number(values.scale);
const dir = values.dir!;
const say = (m: string) => process.stderr.write(`${new Date().toISOString()} ${m}\n`);

const SEARCH_CANDIDATES = ['规划', '政策', '通知', '公告', '卫生', '住房', '市场', '许可', '办法', '实施', '年度', '信息'];

async function main() {
  const base = join(dir, 'base');
  const started = performance.now();
  await ensureDemoData(base, { scale, onProgress: say });
  const generatedS = (performance.now() - started) / 1000;
  const template = join(dir, 'hub-template');
  let syncS = 0;
  if (!existsSync(join(template, '.complete'))) {
    const building = join(dir, 'hub-template.building');
    rmSync(building, { recursive: true, force: true });
    const demo = await startDemoSystems(base, {});
    const t = performance.now();
    try {
      say('building the hub database template (catalogue + identity sync)…');
      const hub = await startHub({
        hubDataDir: building,
        port: 0,
        registrySeed: demoRegistrySeed,
        env: demo.env,
        syncIntervalMs: 0,
        deadlineMs: Number(process.env.HUITONG_DEPARTMENT_DEADLINE_MS ?? 5000),
        logger: benchLogger((msg, obj) => say(`${msg} ${JSON.stringify(obj)}`)),
      });
      try {
        await seedDemoCatalogue(hub.db, base);
        // The start-up sync's log names failed departments only: re-sync to see why, and to recover.
        for (let attempt = 0; attempt < 2; attempt++) {
          const synced = await hub.db.selectFrom('applicant_records').select('department_code').distinct().execute();
          if (synced.length >= 3) break;
          const report = await hub.sync();
          say(`re-sync: ${report.records} records; failed ${JSON.stringify(report.failed)}`);
        }
        syncS = (performance.now() - t) / 1000;
        const fixtures = await buildFixtures(hub.db);
        writeFileSync(join(dir, 'fixtures.json'), JSON.stringify(fixtures, null, 2));
      } finally {
        await hub.stop();
      }
    } finally {
      await demo.stop();
    }
    writeFileSync(join(building, '.complete'), new Date().toISOString());
    writeFileSync(join(building, '.identity-code'), identityCodeStamp());
    renameSync(building, template);
  }
  syncS += await resyncIfIdentityChanged(base, template);
  const centralS = await ensureCentralTemplate(base, template);
  announce({ generatedS, syncS, centralS });
}

/** What decides how records link into applicants: the identity subgraph, identifier rules, adapters. */
function identityCodeStamp(): string {
  const hash = createHash('sha256');
  const root = fileURLToPath(new URL('../../src/', import.meta.url));
  for (const folder of ['subgraphs/identity', 'schema/identifiers', 'adapters']) {
    const files = (readdirSync(join(root, folder), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    for (const f of files) hash.update(f).update(readFileSync(join(root, folder, f)));
  }
  return hash.digest('hex');
}

/**
 * The hub targets sync identities at start with the code of the day; the monolith reads the template as
 * it is. When the linking code changed since the template was made, re-sync the template once, so every
 * target answers with the same applicants (and the hubs' start-up syncs change nothing).
 */
async function resyncIfIdentityChanged(base: string, template: string): Promise<number> {
  const stampFile = join(template, '.identity-code');
  const stamp = identityCodeStamp();
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return 0;
  say('identity code changed since the hub template was made: re-syncing the template…');
  const t = performance.now();
  const demo = await startDemoSystems(base, {});
  try {
    const { hub, ready } = await startSyncedHub({
      hubDir: template,
      env: demo.env,
      governance: false,
      logger: { ...benchLogger(), error: (obj, msg) => say(`${msg} ${JSON.stringify(obj)}`) },
    });
    // A hub over an existing database syncs in the background at start: wait for that one.
    await ready;
    await hub.stop();
  } finally {
    await demo.stop();
  }
  rmSync(join(template, 'huitong.lock'), { force: true });
  writeFileSync(stampFile, stamp);
  return (performance.now() - t) / 1000;
}

/**
 * The central copy target's database (bench/central/), loaded once from the legacy stores and the hub
 * template's crosswalk; loaded again when the template (its identities) or the loader changed.
 */
async function ensureCentralTemplate(base: string, hubTemplate: string): Promise<number> {
  const target = join(dir, 'central-template');
  const hash = createHash('sha256');
  for (const name of ['.complete', '.identity-code']) hash.update(readFileSync(join(hubTemplate, name)));
  const loaderDir = fileURLToPath(new URL('../central/', import.meta.url));
  for (const f of ['central-database.ts', 'load.ts']) hash.update(f).update(readFileSync(join(loaderDir, f)));
  const stamp = hash.digest('hex');
  const stampFile = join(target, '.source');
  if (existsSync(stampFile) && readFileSync(stampFile, 'utf8') === stamp) return 0;
  say('loading the central copy (every department into one indexed database)…');
  const t = performance.now();
  const building = join(dir, 'central-template.building');
  rmSync(building, { recursive: true, force: true });
  const demo = await startDemoSystems(base, {});
  const hub = await openDatabase<HubDatabase>({ dir: hubTemplate });
  const central = await openDatabase<CentralDatabase>({ dir: building });
  const adapters = new Map<string, RuntimeAdapter>();
  try {
    const logger = benchLogger();
    for (const entry of await listDepartments(hub.db)) {
      if (entry.adapterKind === 'catalogue' || !entry.enabled) continue;
      // One read of everything per department: a deadline for a bulk export, not for a request.
      const options = { kinds: adapterKinds, env: demo.env, dataDir: join(dir, 'central-load'), deadlineMs: 60 * 60_000, logger };
      adapters.set(entry.code, await openRuntimeAdapter(entry, options, { strict: true }));
    }
    const report = await loadCentralCopy({ hub: hub.db, central: central.db, adapters, say });
    say(`central copy loaded: ${JSON.stringify(report)}`);
  } finally {
    await Promise.all([...adapters.values()].map((a) => a.close()));
    await central.close();
    await hub.close();
    await demo.stop();
  }
  rmSync(join(building, 'huitong.lock'), { force: true });
  rmSync(join(hubTemplate, 'huitong.lock'), { force: true });
  rmSync(target, { recursive: true, force: true });
  writeFileSync(join(building, '.source'), stamp);
  renameSync(building, target);
  return (performance.now() - t) / 1000;
}

async function buildFixtures(db: Awaited<ReturnType<typeof startHub>>['db']) {
  // Applicants with a record in every department (so a 360° view asks all of them), most records first.
  const rows = await sql<{ applicant_id: string }>`
    select applicant_id from applicant_records group by applicant_id
    having count(distinct department_code) = 3 order by count(*) desc, applicant_id limit 40`.execute(db);
  const ids = rows.rows.map((r) => r.applicant_id);
  if (ids.length === 0) throw new Error('no applicant has records in every department');
  const identifiers = await db.selectFrom('applicant_identifiers').select(['applicant_id', 'type', 'value']).where('applicant_id', 'in', ids).execute();
  const applicants = ids.flatMap((id) => {
    const ident = identifiers.find((i) => i.applicant_id === id && i.type !== 'ORG_CODE') ?? identifiers.find((i) => i.applicant_id === id);
    return ident ? [{ id: encodeGlobalId('Applicant', id), identifier: ident.value }] : [];
  });
  const searchTerms: string[] = [];
  for (const term of SEARCH_CANDIDATES) {
    const n = await db
      .selectFrom('disclosure_items')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('title', 'ilike', `%${term}%`)
      .executeTakeFirstOrThrow();
    if (Number(n.n) > 0) searchTerms.push(term);
  }
  if (searchTerms.length === 0) searchTerms.push('规划');
  const counts = await sql<{
    department_code: string;
    n: number;
  }>`select department_code, count(*)::int as n from applicant_records group by 1 order by 1`.execute(db);
  return { applicants, searchTerms, applicantRecords: counts.rows };
}

main().catch(failed);
