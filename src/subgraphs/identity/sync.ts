import type { Kysely } from 'kysely';
import type { ApplicantRecord } from '../../schema/model.js';
import type { HubDatabase } from '../../storage/index.js';
import { saveClusters, storedRecords } from './crosswalk-store.js';
import { linkDeterministically, type SourcedRecord } from './deterministic-linker.js';

/** Where a sync reads one department's applicant records from, page by page. */
export interface ApplicantSource {
  department: string;
  pages(): AsyncIterable<ApplicantRecord[]>;
}

export interface SyncReport {
  records: number;
  applicants: number;
  merged: number;
  /** Departments whose records could not be read this time: their previous records were kept. */
  failed: Array<{ department: string; error: string }>;
}

/**
 * Pulls every department's applicant records, links them, and saves the crosswalk. A department that
 * fails keeps the records of its last good sync, so one system down never unlinks its applicants.
 *
 * @example
 * const report = await syncIdentity(db, sources, (n) => process.stderr.write(`\r${n} records`));
 */
export async function syncIdentity(
  db: Kysely<HubDatabase>,
  sources: readonly ApplicantSource[],
  onProgress: (records: number) => void = () => {},
): Promise<SyncReport> {
  const records: SourcedRecord[] = [];
  const failed: SyncReport['failed'] = [];
  const synced: string[] = [];
  await Promise.all(
    sources.map(async (source) => {
      const mine: SourcedRecord[] = [];
      try {
        for await (const page of source.pages()) {
          for (const r of page) mine.push({ ...r, department: source.department });
          onProgress(records.length + mine.length);
        }
        records.push(...mine);
        synced.push(source.department);
      } catch (error) {
        failed.push({ department: source.department, error: (error as Error).message });
      }
    }),
  );
  records.push(...(await storedRecords(db, failed.map((f) => f.department))));
  // Departments answer in any order; linking (and the name each applicant gets) must not depend on it.
  const ordered = dedupeRecords(records).sort((a, b) => compareText(a.department, b.department) || compareText(a.localId, b.localId));
  const { applicants, merged } = await saveClusters(db, linkDeterministically(ordered));
  if (synced.length > 0) await db.updateTable('departments').set({ last_synced_at: new Date() }).where('code', 'in', synced).execute();
  return { records: records.length, applicants, merged, failed };
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A repeated (department, local id) is the same record: the last one read wins. */
function dedupeRecords(records: SourcedRecord[]): SourcedRecord[] {
  const byKey = new Map<string, SourcedRecord>();
  for (const r of records) byKey.set(`${r.department}:${r.localId}`, r);
  return [...byKey.values()];
}
