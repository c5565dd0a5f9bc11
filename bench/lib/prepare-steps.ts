// What data preparation does the same on either engine (bench/targets/prepare.ts on PGlite,
// bench/lib/pg-prepare.ts on PostgreSQL): the identity-code stamp, the fixtures, the central copy's load.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Kysely, sql } from 'kysely';
import type { RuntimeAdapter } from '../../src/adapters/core/runtime-adapter.js';
import { adapterKinds } from '../../src/adapters/kinds.js';
import { openRuntimeAdapter } from '../../src/gateway/departments/department-opener.js';
import { listDepartments } from '../../src/gateway/departments/registry-store.js';
import { seedDemoCatalogue, startDemoSystems } from '../../src/demo/demo-district.js';
import { benchRegistrySeed } from './bench-registry.js';
import { type Hub, startHub } from '../../src/gateway/hub.js';
import { encodeGlobalId } from '../../src/schema/index.js';
import type { HubDatabase } from '../../src/storage/index.js';
import type { CentralDatabase } from '../central/central-database.js';
import { type LoadReport, loadCentralCopy } from '../central/load.js';
import { benchLogger } from '../targets/ipc.js';
import type { Fixtures } from './workloads.js';

const SEARCH_CANDIDATES = ['规划', '政策', '通知', '公告', '卫生', '住房', '市场', '许可', '办法', '实施', '年度', '信息'];

/**
 * A hash of what decides how records link into applicants (the identity subgraph, identifier rules,
 * adapters): a hub template made with other code is re-synced once.
 *
 * @example
 * if (storedStamp !== identityCodeStamp()) await resync();
 */
export function identityCodeStamp(): string {
  const hash = createHash('sha256');
  const root = fileURLToPath(new URL('../../src/', import.meta.url));
  for (const folder of ['subgraphs/identity', 'schema/identifiers', 'adapters']) {
    const files = (readdirSync(join(root, folder), { recursive: true }) as string[]).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts')).sort();
    for (const f of files) hash.update(f).update(readFileSync(join(root, folder, f)));
  }
  return hash.digest('hex');
}

/**
 * The central copy's stamp: the hub template it was loaded from (its markers) and the loader's code.
 *
 * @example
 * const stamp = centralStamp([completedAt, identityCode]);
 */
export function centralStamp(hubTemplateMarkers: readonly string[]): string {
  const hash = createHash('sha256');
  for (const marker of hubTemplateMarkers) hash.update(marker);
  const loaderDir = fileURLToPath(new URL('../central/', import.meta.url));
  for (const f of ['central-database.ts', 'load.ts']) hash.update(f).update(readFileSync(join(loaderDir, f)));
  return hash.digest('hex');
}

/**
 * Loads an empty central database from a hub database and each enabled department's system (its
 * adapter opened with `env`, a bulk export's deadline).
 *
 * @example
 * await loadCentralFrom({ hub: hub.db, central: central.db, env: demo.env, dataDir, say });
 */
export async function loadCentralFrom(options: {
  hub: Kysely<HubDatabase>;
  central: Kysely<CentralDatabase>;
  env: Record<string, string | undefined>;
  dataDir: string;
  say: (message: string) => void;
}): Promise<LoadReport> {
  const adapters = new Map<string, RuntimeAdapter>();
  try {
    const logger = benchLogger();
    for (const entry of await listDepartments(options.hub)) {
      if (entry.adapterKind === 'catalogue' || !entry.enabled) continue;
      // One read of everything per department: a deadline for a bulk export, not for a request.
      const opening = { kinds: adapterKinds, env: options.env, dataDir: options.dataDir, deadlineMs: 60 * 60_000, logger };
      adapters.set(entry.code, await openRuntimeAdapter(entry, opening, { strict: true }));
    }
    return await loadCentralCopy({ hub: options.hub, central: options.central, adapters, say: options.say });
  } finally {
    await Promise.all([...adapters.values()].map((a) => a.close()));
  }
}

/**
 * The workloads' variables from a synced hub database: applicants with records in every department,
 * search terms that match disclosure items.
 *
 * @example
 * writeFileSync(join(dir, 'fixtures.json'), JSON.stringify(await buildFixtures(hub.db), null, 2));
 */
export async function buildFixtures(db: Kysely<HubDatabase>): Promise<Fixtures & { applicantRecords: Array<{ department_code: string; n: number }> }> {
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

/**
 * Builds a scale's hub database template, in PGlite (`{ hubDataDir }`) or PostgreSQL (`{ databaseUrl,
 * dataDir }`): the hub over the demo district's legacy stores in `base`, the catalogue seeded and every
 * department's identities synced (re-synced up to twice when the start-up sync missed a department, to
 * see why and to recover); `env` points the demo systems at other stores (the market database on
 * PostgreSQL); `withHub` runs on the hub before it stops (fixtures).
 *
 * @example
 * await buildHubTemplate({ hubDataDir: 'bench/.data-5/hub-template.building' }, base, say, { withHub: async (hub) => {} });
 */
export async function buildHubTemplate(
  location: { hubDataDir: string } | { databaseUrl: string; dataDir: string },
  base: string,
  say: (m: string) => void,
  options: { env?: Record<string, string>; withHub?: (hub: Hub) => Promise<void> } = {},
): Promise<void> {
  const demo = await startDemoSystems(base, options.env ?? {});
  try {
    const hub = await startHub({
      ...location,
      port: 0,
      registrySeed: benchRegistrySeed(demo.env),
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
      await options.withHub?.(hub);
    } finally {
      await hub.stop();
    }
  } finally {
    await demo.stop();
  }
}
