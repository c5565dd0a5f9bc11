import type { Kysely } from 'kysely';
import type { ApplicantRecord } from '../../schema/model.js';
import type { HubDatabase } from '../../storage/index.js';
import { saveClusters, storedRecords } from './crosswalk-store.js';
import { makeCluster, toLinkedRecord, type Cluster, type SourcedRecord } from './applicant-cluster.js';
import { fromApplicantRecord, resolveIdentities, type ReviewCandidate } from './resolution/index.js';
import { applyStewardDecisions, loadStewardDecisions } from './steward-decisions.js';

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
      // A batch job can afford patience: a department that fails is read again from the start, twice.
      for (let attempt = 1; ; attempt++) {
        const mine: SourcedRecord[] = [];
        try {
          for await (const page of source.pages()) {
            for (const r of page) mine.push({ ...r, department: source.department });
            onProgress(records.length + mine.length);
          }
          // Not push(...mine): spreading a department's records as arguments overflows the stack at scale.
          for (const r of mine) records.push(r);
          synced.push(source.department);
          return;
        } catch (error) {
          if (attempt < 3) {
            await new Promise((resolve) => setTimeout(resolve, 200 * attempt));
            continue;
          }
          failed.push({ department: source.department, error: (error as Error).message });
          return;
        }
      }
    }),
  );
  for (const r of await storedRecords(db, failed.map((f) => f.department))) records.push(r);
  // Departments answer in any order; linking (and the name each applicant gets) must not depend on it.
  const ordered = dedupeRecords(records).sort((a, b) => compareText(a.department, b.department) || compareText(a.localId, b.localId));
  const { clusters, reviewCandidates } = await resolveRecords(db, ordered);
  const { applicants, merged } = await saveClusters(db, clusters);
  await saveReviewCandidates(db, reviewCandidates, clusters);
  if (synced.length > 0) await db.updateTable('departments').set({ last_synced_at: new Date() }).where('code', 'in', synced).execute();
  return { records: records.length, applicants, merged, failed };
}

/**
 * The one resolver the sync, the steward API and the offline command share, then the stewards'
 * decisions on top: clusters ready to save, and the pairs left for review.
 */
export async function resolveRecords(db: Kysely<HubDatabase>, records: readonly SourcedRecord[]): Promise<{ clusters: Cluster[]; reviewCandidates: ReviewCandidate[] }> {
  const result = resolveIdentities(records.map(fromApplicantRecord));
  const byKey = new Map(records.map((r) => [`${r.department}:${r.localId}`, r]));
  const groups = result.clusters.map((c) => c.records.map((r) => `${r.source}:${r.localId}`));
  const decided = applyStewardDecisions(groups, await loadStewardDecisions(db));
  const clusters = decided
    .filter((g) => g.keys.length > 0)
    .map((g) => {
      const cluster = makeCluster(g.keys.map((k) => toLinkedRecord(byKey.get(k)!)));
      return g.pinnedId ? { ...cluster, pinnedId: g.pinnedId } : cluster;
    });
  return { clusters, reviewCandidates: result.reviewCandidates };
}

/** Replaces the open review candidates with this run's, leaving decided ones and pairs now linked out. */
async function saveReviewCandidates(db: Kysely<HubDatabase>, candidates: readonly ReviewCandidate[], clusters: readonly Cluster[]): Promise<void> {
  const clusterOf = new Map<string, number>();
  clusters.forEach((c, i) => c.records.forEach((r) => clusterOf.set(`${r.department}:${r.localId}`, i)));
  const open = candidates.filter((c) => clusterOf.get(`${c.a.source}:${c.a.localId}`) !== clusterOf.get(`${c.b.source}:${c.b.localId}`));
  await db.transaction().execute(async (tx) => {
    await tx.deleteFrom('identity_review_candidates').where('status', '=', 'OPEN').execute();
    for (let i = 0; i < open.length; i += 500) {
      await tx
        .insertInto('identity_review_candidates')
        .values(
          open.slice(i, i + 500).map((c) => ({
            a_department: c.a.source,
            a_local_id: c.a.localId,
            b_department: c.b.source,
            b_local_id: c.b.localId,
            score: c.score,
            evidence: JSON.stringify(c.evidence),
          })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
    }
  });
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A repeated (department, local id) is the same record: the last one read wins. */
function dedupeRecords(records: SourcedRecord[]): SourcedRecord[] {
  const byKey = new Map<string, SourcedRecord>();
  for (const r of records) byKey.set(`${r.department}:${r.localId}`, r);
  return [...byKey.values()];
}
