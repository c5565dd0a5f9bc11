// Pairwise evaluation of a resolution against the generator's truth.

import { foldText } from './text-fold.js';
import type { EvaluationSet } from './evaluation-generator.js';
import { blockedTogether, type ResolutionResult } from './resolver.js';

export interface EvaluationReport {
  records: number;
  entities: number;
  clusters: number;
  truePairs: number;
  predictedPairs: number;
  correctPairs: number;
  precision: number;
  /** Recall over the achievable true pairs: those not touching a truly ambiguous record (see below). */
  recall: number;
  f1: number;
  /** Recall over all true pairs, ambiguous ones included (for honesty). */
  recallAllPairs: number;
  /** Clusters holding records of more than one true applicant. */
  fusedEntities: number;
  /**
   * Clusters holding records of more than one true applicant once the truly ambiguous records (below)
   * are left out: the fusions a resolver could have avoided. `fusedEntities` counts them all.
   */
  fusedEntitiesAchievable: number;
  /** Share of achievable true pairs that blocking puts in reach of each other directly. */
  blockingRecall: number;
  /**
   * Records holding nothing but a name that more than one true applicant bears: no method can tell
   * whose they are. Their true pairs are excluded from `recall` (counted in `recallAllPairs`).
   */
  ambiguousRecords: number;
  excludedTruePairs: number;
  reviewCandidates: number;
  /** Review candidates per record (the queue's size as a share of the records). */
  reviewCandidateShare: number;
  /** Review candidates joining two records of one true applicant. */
  trueCandidates: number;
  /**
   * Recall over the achievable true pairs once a steward has linked every true candidate (and kept
   * apart the others): what automatic links plus the queue can reach.
   */
  recallWithCandidates: number;
  /** Share of the true candidates that sit in the first half of the queue (as ordered). */
  trueCandidatesInFirstHalf: number;
  /**
   * The most any order could put there: the first half has ⌈n/2⌉ places, so a queue made mostly of
   * true candidates cannot hold 80 % of them in its first half, however well ordered.
   */
  trueCandidatesInFirstHalfBest: number;
}

const pairs = (n: number) => (n * (n - 1)) / 2;

/**
 * Scores a resolution of an evaluation set.
 *
 * @example
 * const set = generateEvaluationSet({ entities: 1000 });
 * evaluateResolution(set, resolveIdentities(set.records)).precision; // ≥ 0.999
 */
export function evaluateResolution(set: EvaluationSet, result: ResolutionResult): EvaluationReport {
  const { records, truth } = set;
  const n = records.length;
  const label = new Int32Array(n);
  for (let i = 0; i < n; i++) label[i] = result.labelOf(records[i]!.source, records[i]!.localId);

  // Names borne by more than one applicant, in comparison form.
  const bearers = new Map<string, number>();
  for (const name of set.entityNames) {
    const k = foldText(name);
    bearers.set(k, (bearers.get(k) ?? 0) + 1);
  }
  const ambiguous = new Uint8Array(n);
  let ambiguousRecords = 0;
  for (let i = 0; i < n; i++) {
    if (set.nameOnly[i] === 1 && (bearers.get(foldText(set.entityNames[truth[i]!]!)) ?? 0) > 1) {
      ambiguous[i] = 1;
      ambiguousRecords++;
    }
  }

  const clusterSize = new Map<number, number>();
  const entitySize = new Map<number, number>();
  const entitySizeAchievable = new Map<number, number>();
  const cell = new Map<string, number>();
  const cellAchievable = new Map<string, number>();
  const entitiesOfCluster = new Map<number, Set<number>>();
  const entitiesOfClusterAchievable = new Map<number, Set<number>>();
  for (let i = 0; i < n; i++) {
    const c = label[i]!;
    const e = truth[i]!;
    clusterSize.set(c, (clusterSize.get(c) ?? 0) + 1);
    entitySize.set(e, (entitySize.get(e) ?? 0) + 1);
    const key = `${c}:${e}`;
    cell.set(key, (cell.get(key) ?? 0) + 1);
    if (ambiguous[i] === 0) {
      entitySizeAchievable.set(e, (entitySizeAchievable.get(e) ?? 0) + 1);
      cellAchievable.set(key, (cellAchievable.get(key) ?? 0) + 1);
    }
    let set2 = entitiesOfCluster.get(c);
    if (!set2) entitiesOfCluster.set(c, (set2 = new Set()));
    set2.add(e);
    if (ambiguous[i] === 0) {
      let set3 = entitiesOfClusterAchievable.get(c);
      if (!set3) entitiesOfClusterAchievable.set(c, (set3 = new Set()));
      set3.add(e);
    }
  }
  let predictedPairs = 0;
  for (const s of clusterSize.values()) predictedPairs += pairs(s);
  let truePairs = 0;
  for (const s of entitySize.values()) truePairs += pairs(s);
  let achievablePairs = 0;
  for (const s of entitySizeAchievable.values()) achievablePairs += pairs(s);
  let correctPairs = 0;
  for (const s of cell.values()) correctPairs += pairs(s);
  let correctAchievable = 0;
  for (const s of cellAchievable.values()) correctAchievable += pairs(s);
  let fusedEntities = 0;
  for (const s of entitiesOfCluster.values()) if (s.size > 1) fusedEntities++;
  let fusedEntitiesAchievable = 0;
  for (const s of entitiesOfClusterAchievable.values()) if (s.size > 1) fusedEntitiesAchievable++;

  // Blocking recall over achievable true pairs.
  const byEntity = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    if (ambiguous[i] === 1) continue;
    const e = truth[i]!;
    let list = byEntity.get(e);
    if (!list) byEntity.set(e, (list = []));
    list.push(i);
  }
  let blocked = 0;
  for (const list of byEntity.values()) {
    for (let x = 0; x < list.length; x++) {
      for (let y = x + 1; y < list.length; y++) if (blockedTogether(result.state, records[list[x]!]!, records[list[y]!]!)) blocked++;
    }
  }

  // Links plus the queue: union the clusters of every true candidate, as a steward would link them.
  const rowOf = new Map<string, number>();
  for (let i = 0; i < n; i++) rowOf.set(`${records[i]!.source}\u0001${records[i]!.localId}`, i);
  const parent = new Map<number, number>();
  const find = (x: number): number => {
    let p = parent.get(x) ?? x;
    while (p !== (parent.get(p) ?? p)) p = parent.get(p) ?? p;
    parent.set(x, p);
    return p;
  };
  const queue = result.reviewCandidates;
  let trueCandidates = 0;
  let trueInFirstHalf = 0;
  queue.forEach((cand, position) => {
    const a = rowOf.get(`${cand.a.source}\u0001${cand.a.localId}`);
    const b = rowOf.get(`${cand.b.source}\u0001${cand.b.localId}`);
    if (a === undefined || b === undefined || truth[a] !== truth[b]) return;
    trueCandidates++;
    if (position < queue.length / 2) trueInFirstHalf++;
    const x = find(label[a]!);
    const y = find(label[b]!);
    if (x !== y) parent.set(x, y);
  });
  const cellLinked = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    if (ambiguous[i] === 1) continue;
    const key = `${find(label[i]!)}:${truth[i]!}`;
    cellLinked.set(key, (cellLinked.get(key) ?? 0) + 1);
  }
  let correctLinked = 0;
  for (const s of cellLinked.values()) correctLinked += pairs(s);

  const precision = predictedPairs === 0 ? 1 : correctPairs / predictedPairs;
  const recall = achievablePairs === 0 ? 1 : correctAchievable / achievablePairs;
  return {
    records: n,
    entities: set.entityNames.length,
    clusters: clusterSize.size,
    truePairs,
    predictedPairs,
    correctPairs,
    precision,
    recall,
    f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    recallAllPairs: truePairs === 0 ? 1 : correctPairs / truePairs,
    fusedEntities,
    fusedEntitiesAchievable,
    blockingRecall: achievablePairs === 0 ? 1 : blocked / achievablePairs,
    ambiguousRecords,
    excludedTruePairs: truePairs - achievablePairs,
    reviewCandidates: queue.length,
    reviewCandidateShare: n === 0 ? 0 : queue.length / n,
    trueCandidates,
    recallWithCandidates: achievablePairs === 0 ? 1 : correctLinked / achievablePairs,
    trueCandidatesInFirstHalf: trueCandidates === 0 ? 1 : trueInFirstHalf / trueCandidates,
    trueCandidatesInFirstHalfBest: trueCandidates === 0 ? 1 : Math.min(1, Math.ceil(queue.length / 2) / trueCandidates),
  };
}
