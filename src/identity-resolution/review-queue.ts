// The review queue a steward works through: one candidate per pair of clusters (linking two records
// links their clusters, so a second pair between the same clusters would ask the same question twice),
// each with the evidence behind it and why the resolver did not link it itself, strongest first.

import type { ConstrainedUnionFind } from './constrained-clustering.js';
import type { FeatureTable } from './features.js';
import type { GroupComparison, PairScorer } from './fellegi-sunter.js';
import type { Evidence, RecordRef, ReviewCandidate, ReviewReason } from './types.js';

/** Bits of agreement besides the name from which a candidate is more than a shared name. */
const CORROBORATED_BITS = 2;

/** A review pair as rows, scored. */
export interface ReviewPair {
  a: number;
  b: number;
  score: number;
}

/**
 * Builds the queue from review pairs already sorted strongest first and oriented by record key:
 * keeps the first pair between each two clusters, compares the two clusters as wholes (per field the
 * best level any two members reach) and orders the candidates: clusters the records say are two
 * applicants (a field disagreeing at its best level) last, then by the clusters' comparison, then
 * by the pair's score; ties by record keys.
 *
 * @example
 * const queue = buildReviewQueue(table, uf, scorer, state.review, linkThreshold);
 * queue[0]?.reason; // 'name-only'
 */
export function buildReviewQueue(
  t: FeatureTable,
  uf: ConstrainedUnionFind,
  scorer: PairScorer,
  pairs: readonly ReviewPair[],
  linkThreshold: number,
): ReviewCandidate[] {
  const firstOfClusters = new Map<string, ReviewPair>();
  for (const p of pairs) {
    const x = uf.find(p.a);
    const y = uf.find(p.b);
    const key = x < y ? `${x}:${y}` : `${y}:${x}`;
    if (!firstOfClusters.has(key)) firstOfClusters.set(key, p);
  }
  const wanted = new Set<number>();
  for (const p of firstOfClusters.values()) {
    wanted.add(uf.find(p.a));
    wanted.add(uf.find(p.b));
  }
  const members = new Map<number, number[]>();
  for (let r = 0; r < t.size; r++) {
    if (t.removed[r] === 1) continue;
    const root = uf.find(r);
    if (!wanted.has(root)) continue;
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    list.push(r);
  }
  const queue: Array<ReviewCandidate & { contradicted: boolean; clusterScore: number }> = [];
  for (const p of firstOfClusters.values()) {
    const evidence: Evidence[] = [];
    const score = scorer.score(p.a, p.b, evidence);
    const group = scorer.compareGroups(members.get(uf.find(p.a))!, members.get(uf.find(p.b))!);
    const nameValue = t.cols.name[p.a] !== 0 && t.cols.name[p.a] === t.cols.name[p.b] ? t.cols.name[p.a]! : 0;
    const contradicted = group.veto || group.conflict;
    queue.push({
      a: t.refs[p.a]!,
      b: t.refs[p.b]!,
      score: round(score),
      evidence,
      nameHolders: nameValue === 0 ? 0 : t.counts[nameValue]!,
      clusterScore: round(group.total),
      reason: reasonOf(group, score, linkThreshold),
      contradicted,
    });
  }
  queue.sort(
    (x, y) =>
      Number(x.contradicted) - Number(y.contradicted) || y.clusterScore - x.clusterScore || y.score - x.score || compareRefs(x.a, y.a) || compareRefs(x.b, y.b),
  );
  return queue.map(({ contradicted: _, ...candidate }) => candidate);
}

/** Why the resolver left the pair to a steward (see `ReviewReason`). */
function reasonOf(group: GroupComparison, score: number, linkThreshold: number): ReviewReason {
  if (group.veto || group.conflict) return 'contradicted';
  if (group.besidesName < CORROBORATED_BITS) return 'name-only';
  if (Math.max(score, group.total) < linkThreshold) return 'below-threshold';
  return 'rival-bearers';
}

const round = (x: number) => Math.round(x * 100) / 100;

function compareRefs(a: RecordRef, b: RecordRef): number {
  return a.source < b.source ? -1 : a.source > b.source ? 1 : a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0;
}
