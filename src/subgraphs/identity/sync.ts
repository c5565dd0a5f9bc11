import { sql, type Kysely } from 'kysely';
import type { ApplicantRecord } from '../../schema/model.js';
import type { HubDatabase } from '../../storage/index.js';
import { saveClusters, storedRecords, type CrosswalkWrites } from './crosswalk-store.js';
import { makeCluster, toLinkedRecord, type Cluster, type SourcedRecord } from './applicant-cluster.js';
import { fromApplicantRecord, type ReviewCandidate } from '../../identity-resolution/index.js';
import { recordFingerprint, saveReviewCandidates } from './review-candidates-store.js';
import type { ThreadRecord } from './resolver-protocol.js';
import { ResolverMemory } from './resolver-thread.js';
import { saveKindReviews } from './kind-reviews.js';
import { collectAllGarbage } from './full-collection.js';
import { applyStewardDecisions, loadStewardDecisions } from './steward-decisions.js';
import { withSyncLock } from './sync-lock.js';

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
  /**
   * How the resolver ran: `full` over every record (the first sync of a process), or `incremental`
   * over the records added, changed or removed since the previous sync (`changed`, `removed`).
   */
  resolution: { mode: 'full' | 'incremental'; changed: number; removed: number };
  /** Crosswalk rows this sync inserted, updated or deleted: only what differs from the last one. */
  written: CrosswalkWrites;
  /** Where the time went, ms: reading the departments, resolving (stewards' decisions included), saving. */
  timings: { readMs: number; resolveMs: number; saveMs: number };
}

export interface SyncOptions {
  /** Called as records are read, with the count so far. */
  onProgress?: (records: number) => void;
  /**
   * `VACUUM ANALYZE` the crosswalk after a sync that wrote rows: for embedded PGlite, which has no
   * autovacuum, so that every sync would otherwise leave the tables (and each read of them) a little larger.
   */
  vacuum?: boolean;
  /**
   * Departments not read this time whose stored records stay as they are (a disabled department): like
   * a department that failed, its records keep their links until it is enabled again or purged.
   */
  retain?: readonly string[];
  /**
   * The hub's PostgreSQL, shared with other processes (replicas, `huitong sync`): the sync then holds
   * an advisory lock there, so one process syncs at a time (`sync-lock.ts`). Unset on PGlite (one owner).
   */
  databaseUrl?: string;
}

/** Each database's resolver state, kept between syncs in the resolver's own thread. */
const memories = new WeakMap<Kysely<HubDatabase>, ResolverMemory>();
/** Syncs of one database run one after another (a timer and a manual sync may overlap). */
const running = new WeakMap<Kysely<HubDatabase>, Promise<unknown>>();

/**
 * Pulls every department's applicant records, links them, and saves the crosswalk. A department that
 * fails keeps the records of its last good sync, so one system down never unlinks its applicants.
 * The first sync of a process resolves every record; later ones resolve only the records added,
 * changed or removed since, against the clusters kept from the previous sync (`resolveIncremental`,
 * which gives the clusters a full run would). Resolving runs in its own thread, which also keeps that
 * state: the thread serving requests neither waits for it nor carries its memory.
 *
 * @example
 * const report = await syncIdentity(db, sources, { vacuum: backend === 'pglite', onProgress: (n) => process.stderr.write(`\r${n} records`) });
 */
export async function syncIdentity(db: Kysely<HubDatabase>, sources: readonly ApplicantSource[], options: SyncOptions = {}): Promise<SyncReport> {
  const previous = running.get(db) ?? Promise.resolve();
  const { databaseUrl } = options;
  const once = databaseUrl
    ? () =>
        withSyncLock(db, databaseUrl, (othersSynced) => {
          // Another replica changed the crosswalk since this process's last sync: resolve in full.
          if (othersSynced) forgetSyncState(db);
          return syncOnce(db, sources, options);
        })
    : () => syncOnce(db, sources, options);
  // A sync reads every department's records into this thread: gigabytes of garbage once it ends, which V8
  // gives back only slowly while requests keep it busy. One full collection returns it now, for one pause
  // per sync, short beside the sync itself.
  const run = previous
    .catch(() => {})
    .then(once)
    .finally(collectAllGarbage);
  running.set(db, run);
  return run;
}

async function syncOnce(
  db: Kysely<HubDatabase>,
  sources: readonly ApplicantSource[],
  { onProgress = () => {}, vacuum = false, retain = [] }: SyncOptions,
): Promise<SyncReport> {
  const started = performance.now();
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
  const failedCodes = [...new Set([...failed.map((f) => f.department), ...retain])];
  // The records last saved for a department that could not be read are still its records.
  for (const r of await storedRecords(db, failedCodes)) records.push(r);
  // Departments answer in any order; linking (and the name each applicant gets) must not depend on it.
  const ordered = dedupeRecords(records).sort((a, b) => compareText(a.department, b.department) || compareText(a.localId, b.localId));
  let memory = memories.get(db);
  if (!memory) memories.set(db, (memory = new ResolverMemory()));
  const read = performance.now();
  const { clusters, reviewCandidates, resolution, changedKeys } = await resolveRecords(db, ordered, memory, failedCodes);
  const resolved = performance.now();
  // What this process saved last time is what the crosswalk holds for every record it did not see change
  // (stewards move records between applicants, never edit them), so only those need comparing in full.
  const { applicants, merged, written } = await saveClusters(
    db,
    clusters,
    changedKeys && ((department, localId) => changedKeys.has(`${department}:${localId}`)),
  );
  // Records holding a value that may be a person's number, left undecided: a person's, for a steward to review.
  const reviewWrites =
    (await saveReviewCandidates(db, reviewCandidates, clusters, new Map(ordered.map((r) => [recordKey(r), r])))) +
    (await saveKindReviews(
      db,
      clusters.flatMap((c) => c.records.filter((r) => r.ambiguous)),
    ));
  if (vacuum && written.applicants + written.records + written.identifiers + reviewWrites > 0) {
    await sql`VACUUM ANALYZE applicants, applicant_records, applicant_identifiers, identity_review_candidates`.execute(db);
  }
  if (synced.length > 0) await db.updateTable('departments').set({ last_synced_at: new Date() }).where('code', 'in', synced).execute();
  // Only now does the crosswalk hold what was resolved: until here, a failure leaves the next sync a full one.
  memory.commit();
  const timings = { readMs: Math.round(read - started), resolveMs: Math.round(resolved - read), saveMs: Math.round(performance.now() - resolved) };
  return { records: records.length, applicants, merged, failed, resolution, written, timings };
}

/**
 * The one resolver the sync, the steward API and the offline command share (in the resolver thread),
 * then the stewards' decisions on top: clusters ready to save, and the pairs left for review. After a
 * committed resolve, only the records added, changed or removed since are resolved again; `keep`:
 * departments whose records were not read this time but taken from the crosswalk (unchanged).
 * Without a memory, a one-off full resolve.
 *
 * @example
 * await saveClusters(db, (await resolveRecords(db, records)).clusters);
 */
export async function resolveRecords(
  db: Kysely<HubDatabase>,
  records: readonly SourcedRecord[],
  memory?: ResolverMemory,
  keep: readonly string[] = [],
): Promise<{
  clusters: Cluster[];
  reviewCandidates: ReviewCandidate[];
  resolution: SyncReport['resolution'];
  /** Incremental: the records added or changed since the kept state (`department:localId`). */
  changedKeys?: Set<string>;
}> {
  const once = memory ? undefined : new ResolverMemory();
  const result = await (memory ?? once!).resolve(records.map(toThreadRecord), keep).finally(() => once?.forget());
  const groups: string[][] = [];
  for (let c = 0; c + 1 < result.offsets.length; c++) {
    const keys: string[] = [];
    for (let i = result.offsets[c]!; i < result.offsets[c + 1]!; i++) keys.push(recordKey(records[result.members[i]!]!));
    groups.push(keys);
  }
  const byKey = new Map(records.map((r) => [recordKey(r), r]));
  const decisions = await loadStewardDecisions(db);
  const decided = applyStewardDecisions(groups, decisions);
  const clusters = decided
    .filter((g) => g.keys.length > 0)
    .map((g) => {
      const cluster = makeCluster(g.keys.map((k) => toLinkedRecord(byKey.get(k)!, decisions.kinds.get(k))));
      return g.pinnedId ? { ...cluster, pinnedId: g.pinnedId } : cluster;
    });
  const changedKeys = result.changed && new Set(Array.from(result.changed, (i) => recordKey(records[i]!)));
  const resolution = { mode: result.mode, changed: result.changed?.length ?? records.length, removed: result.removed.length };
  return { clusters, reviewCandidates: result.reviewCandidates, resolution, ...(changedKeys ? { changedKeys } : {}) };
}

/**
 * Drops what the process keeps of `db`'s last sync (the hub stopped); a later sync of it runs in full.
 *
 * @example
 * forgetSyncState(hub.db);
 */
export function forgetSyncState(db: Kysely<HubDatabase>): void {
  memories.get(db)?.forget();
  memories.delete(db);
}

/** What the resolver reads of a record, and a fingerprint of every field the crosswalk keeps of it. */
function toThreadRecord(r: SourcedRecord): ThreadRecord {
  return { ...fromApplicantRecord(r), fingerprint: recordFingerprint(r) };
}

const recordKey = (r: SourcedRecord) => `${r.department}:${r.localId}`;

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** A repeated (department, local id) is the same record: the last one read wins. */
function dedupeRecords(records: SourcedRecord[]): SourcedRecord[] {
  const byKey = new Map<string, SourcedRecord>();
  for (const r of records) byKey.set(`${r.department}:${r.localId}`, r);
  return [...byKey.values()];
}
