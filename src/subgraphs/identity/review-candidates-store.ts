// The review queue in the hub's database: the open candidates of the last sync, each with its
// evidence, and the steward decisions that keep a pair out of it. A pair a steward kept apart is not
// proposed again until new evidence arrives: a compared field of a record in either cluster changed,
// or a record joined either cluster (the clusters' signature differs from the one kept with the decision).

import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';
import type { Cluster, SourcedRecord } from './applicant-cluster.js';
import type { ReviewCandidate } from '../../identity-resolution/index.js';

/** Below every candidate the records do not contradict: contradicted pairs come last in the queue. */
const CONTRADICTED_PENALTY = 1000;

/**
 * A fingerprint of every field of a record the crosswalk keeps and the resolver compares: a record
 * whose fingerprint changed brings new evidence.
 *
 * @example
 * recordFingerprint({ department: 'health', localId: 'H1', kind: null, name: '王小明', identifiers: [], phone: null, address: null });
 */
export function recordFingerprint(r: SourcedRecord): string {
  return JSON.stringify([r.kind, r.name, r.phone, r.address, r.identifiers.map((i) => [i.value, i.claimedType])]);
}

/** A candidate's place in the queue, highest first: the clusters' comparison, contradicted pairs last. */
export function queuePriority(c: Pick<ReviewCandidate, 'reason' | 'clusterScore'>): number {
  return c.reason === 'contradicted' ? c.clusterScore - CONTRADICTED_PENALTY : c.clusterScore;
}

/**
 * Brings the open review candidates to this run's, leaving decided ones and pairs now linked or kept
 * apart out. Only the difference is written: a candidate still open and unchanged keeps its row (and
 * its age in the queue). A rejected pair that new evidence brings back is reopened.
 *
 * @example
 * await saveReviewCandidates(db, result.reviewCandidates, clusters, new Map(records.map((r) => [`${r.department}:${r.localId}`, r])));
 */
export async function saveReviewCandidates(
  db: Kysely<HubDatabase>,
  candidates: readonly ReviewCandidate[],
  clusters: readonly Cluster[],
  records: ReadonlyMap<string, SourcedRecord>,
): Promise<number> {
  const clusterOf = new Map<string, number>();
  clusters.forEach((c, i) => c.records.forEach((r) => clusterOf.set(`${r.department}:${r.localId}`, i)));
  const clusterSignatures = new Map<number, string>();
  const clusterSignature = (i: number) => {
    let s = clusterSignatures.get(i);
    if (s === undefined) {
      const members = clusters[i]!.records.map((r) => {
        const key = `${r.department}:${r.localId}`;
        const record = records.get(key);
        return `${key}=${record ? recordFingerprint(record) : ''}`;
      });
      s = sha256(members.sort().join('\n'));
      clusterSignatures.set(i, s);
    }
    return s;
  };
  const pairSignature = (x: number, y: number) => sha256([clusterSignature(x), clusterSignature(y)].sort().join('|'));
  const pairOf = (x: number, y: number) => (x < y ? `${x}:${y}` : `${y}:${x}`);

  const keptApart = new Set<string>();
  for (const s of await db
    .selectFrom('identity_separations')
    .select(['a_department', 'a_local_id', 'b_department', 'b_local_id', 'clusters_signature'])
    .execute()) {
    const x = clusterOf.get(`${s.a_department}:${s.a_local_id}`);
    const y = clusterOf.get(`${s.b_department}:${s.b_local_id}`);
    if (x === undefined || y === undefined || x === y) continue;
    if (s.clusters_signature === null || s.clusters_signature === pairSignature(x, y)) keptApart.add(pairOf(x, y));
  }

  // Steward decisions may have joined or parted the resolver's clusters: one candidate per pair of clusters still.
  const open: Array<{ c: ReviewCandidate; signature: string }> = [];
  const proposed = new Set<string>();
  for (const c of candidates) {
    const x = clusterOf.get(`${c.a.source}:${c.a.localId}`);
    const y = clusterOf.get(`${c.b.source}:${c.b.localId}`);
    if (x === undefined || y === undefined || x === y) continue;
    const pair = pairOf(x, y);
    if (keptApart.has(pair) || proposed.has(pair)) continue;
    proposed.add(pair);
    open.push({ c, signature: pairSignature(x, y) });
  }

  const pairKey = (a: string, aId: string, b: string, bId: string) => JSON.stringify([a, aId, b, bId]);
  // `score` and `cluster_score` are float4 columns: compare at that precision.
  const rowSignature = (
    score: number,
    evidence: unknown,
    reason: string | null,
    nameHolders: number | null,
    clusterScore: number | null,
    clusters: string | null,
  ) => JSON.stringify([Math.fround(score), evidence, reason, nameHolders, clusterScore === null ? null : Math.fround(clusterScore), clusters]);
  return db.transaction().execute(async (tx) => {
    const held = new Map<string, { id: number; signature: string }>();
    for (const row of await tx
      .selectFrom('identity_review_candidates')
      .select([
        'id',
        'a_department',
        'a_local_id',
        'b_department',
        'b_local_id',
        'score',
        'evidence',
        'reason',
        'name_holders',
        'cluster_score',
        'clusters_signature',
      ])
      .where('status', '=', 'OPEN')
      .execute()) {
      held.set(pairKey(row.a_department, row.a_local_id, row.b_department, row.b_local_id), {
        id: row.id,
        signature: rowSignature(row.score, row.evidence, row.reason, row.name_holders, row.cluster_score, row.clusters_signature),
      });
    }
    const fresh: typeof open = [];
    const stale: number[] = [];
    for (const o of open) {
      const { c } = o;
      const key = pairKey(c.a.source, c.a.localId, c.b.source, c.b.localId);
      const row = held.get(key);
      held.delete(key);
      // Through JSON, as the jsonb column gives it back.
      const evidence = JSON.parse(JSON.stringify(c.evidence)) as unknown;
      if (row?.signature === rowSignature(c.score, evidence, c.reason, c.nameHolders, c.clusterScore, o.signature)) continue;
      if (row) stale.push(row.id);
      fresh.push(o);
    }
    // What is left held is no longer a candidate.
    for (const row of held.values()) stale.push(row.id);
    // One array parameter rather than a list of thousands (see the crosswalk's deletes).
    if (stale.length > 0) await tx.deleteFrom('identity_review_candidates').where(sql<boolean>`id = any(${stale}::int[])`).execute();
    for (let i = 0; i < fresh.length; i += 500) {
      await tx
        .insertInto('identity_review_candidates')
        .values(
          fresh.slice(i, i + 500).map(({ c, signature }) => ({
            a_department: c.a.source,
            a_local_id: c.a.localId,
            b_department: c.b.source,
            b_local_id: c.b.localId,
            score: c.score,
            evidence: JSON.stringify(c.evidence),
            reason: c.reason,
            name_holders: c.nameHolders,
            cluster_score: c.clusterScore,
            priority: queuePriority(c),
            clusters_signature: signature,
          })),
        )
        // A pair rejected before and proposed again (new evidence) is reopened; a confirmed one stays confirmed.
        .onConflict((oc) =>
          oc
            .columns(['a_department', 'a_local_id', 'b_department', 'b_local_id'])
            .doUpdateSet((eb) => ({
              status: 'OPEN',
              score: eb.ref('excluded.score'),
              evidence: eb.ref('excluded.evidence'),
              reason: eb.ref('excluded.reason'),
              name_holders: eb.ref('excluded.name_holders'),
              cluster_score: eb.ref('excluded.cluster_score'),
              priority: eb.ref('excluded.priority'),
              clusters_signature: eb.ref('excluded.clusters_signature'),
              created_at: sql<Date>`now()`,
            }))
            .where('identity_review_candidates.status', '=', 'REJECTED'),
        )
        .execute();
    }
    return stale.length + fresh.length;
  });
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');
