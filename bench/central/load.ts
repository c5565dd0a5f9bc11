// The central copy's loader: every department's permits read through the hub's own adapters (so the
// same mapping — statuses, dates, service item codes — and the same bad-record rule), the hub's identity
// crosswalk, catalogue and disclosure items copied, all written into one normalised schema. Run once per
// scale by data preparation (bench/targets/prepare.ts); its time is not part of any measurement.
import type { Kysely } from 'kysely';
import type { RuntimeAdapter } from '../../src/adapters/core/runtime-adapter.js';
import type { HubDatabase } from '../../src/storage/index.js';
import { disclosureTokenColumns } from '../../src/subgraphs/catalogue/full-text.js';
import { type CentralDatabase, createCentralIndexes, createCentralTables } from './central-database.js';

/** Rows per INSERT: well under PostgreSQL's 65,535 parameters at 14 columns. */
const CHUNK = 1000;
/** One read per department: every permit, in the list order (a page of "all of them"). */
const EVERYTHING = 100_000_000;

export interface LoadReport {
  permits: Record<string, number>;
  applicants: number;
  disclosureItems: number;
  durationMs: number;
}

async function insertAll<T extends keyof CentralDatabase & string>(
  db: Kysely<CentralDatabase>,
  table: T,
  rows: ReadonlyArray<CentralDatabase[T]>,
): Promise<void> {
  for (let i = 0; i < rows.length; i += CHUNK)
    await db
      .insertInto(table)
      .values(rows.slice(i, i + CHUNK) as never)
      .execute();
}

/**
 * Fills an empty central database from the hub's database (crosswalk, catalogue, disclosure items) and
 * each department's adapter (its permits), then indexes it.
 *
 * @example
 * const report = await loadCentralCopy({ hub: hubDb, central: centralDb, adapters, say: console.log });
 */
export async function loadCentralCopy(options: {
  hub: Kysely<HubDatabase>;
  central: Kysely<CentralDatabase>;
  adapters: ReadonlyMap<string, RuntimeAdapter>;
  say?: (message: string) => void;
}): Promise<LoadReport> {
  const { hub, central, adapters } = options;
  const say = options.say ?? (() => {});
  const started = performance.now();
  await createCentralTables(central);

  const departments = await hub.selectFrom('departments').select(['code', 'name', 'last_synced_at']).execute();
  await insertAll(
    central,
    'departments',
    departments.map((d) => ({ ...d, serves_permits: adapters.has(d.code) })),
  );
  await insertAll(central, 'service_items', await hub.selectFrom('service_items').selectAll().execute());
  const applicants = await hub.selectFrom('applicants').select(['id', 'kind', 'name', 'merged_into']).execute();
  await insertAll(central, 'applicants', applicants);
  await insertAll(central, 'applicant_identifiers', await hub.selectFrom('applicant_identifiers').select(['type', 'value', 'applicant_id']).execute());
  const records = await hub.selectFrom('applicant_records').select(['department_code', 'local_id', 'applicant_id', 'name']).execute();
  await insertAll(central, 'applicant_records', records);
  const applicantOf = new Map(records.map((r) => [`${r.department_code}:${r.local_id}`, r.applicant_id]));

  const disclosures = await hub
    .selectFrom('disclosure_items')
    .select(['id', 'title', 'category', 'publisher_code', 'published_at', 'body', 'mode', 'title_tokens', 'body_tokens'])
    .execute();
  // The hub's own segmenter cuts the words (full-text.ts), so a search finds the same items in both.
  await insertAll(
    central,
    'disclosure_items',
    disclosures.map((d) => (d.title_tokens === null || d.body_tokens === null ? { ...d, ...disclosureTokenColumns(d) } : d)),
  );

  const permitCounts: Record<string, number> = {};
  for (const [code, adapter] of adapters) {
    const t = performance.now();
    const [page] = await adapter.listPermits([{ first: EVERYTHING }]);
    const rows = page!.permits.map((p) => ({
      department_code: code,
      local_id: p.localId,
      applicant_id: p.applicantLocalId === null ? null : (applicantOf.get(`${code}:${p.applicantLocalId}`) ?? null),
      applicant_local_id: p.applicantLocalId,
      service_item_code: p.serviceItemCode,
      title: p.title,
      status: p.status,
      raw_status: p.rawStatus,
      applied_at: p.appliedAt === null ? null : new Date(p.appliedAt),
      decided_at: p.decidedAt === null ? null : new Date(p.decidedAt),
      valid_until: p.validUntil,
      statutory_days: p.statutoryDays,
      committed_days: p.committedDays,
      actual_days: p.actualDays,
    }));
    await insertAll(central, 'permits', rows);
    permitCounts[code] = rows.length;
    say(`central copy: ${rows.length} ${code} permits loaded in ${Math.round(performance.now() - t)} ms`);
  }
  say('central copy: indexing…');
  await createCentralIndexes(central);
  return { permits: permitCounts, applicants: applicants.length, disclosureItems: disclosures.length, durationMs: Math.round(performance.now() - started) };
}
