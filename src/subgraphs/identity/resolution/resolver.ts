// The resolver: normalise → deterministic identifier links → blocking → Fellegi–Sunter scores →
// constrained clustering → review queue. resolveIdentities runs it over a full set of records;
// resolveIncremental re-resolves only the part of the record graph that new or changed records touch,
// and gives the same clusters a full run over the same records would (tested).

import { buildBlockIndex, candidatePartners, forEachCandidatePair, holders, oneTypoVariants, sameHardIdentifier, typoTargetIds, type BlockIndex } from './blocking.js';
import { ConstrainedUnionFind } from './constrained-clustering.js';
import { FeatureTable, FIELDS } from './features.js';
import { PairScorer } from './fellegi-sunter.js';
import type { Evidence, RecordRef, ResolutionOptions, ResolutionRecord, ResolutionStats, ResolvedCluster, ReviewCandidate } from './types.js';

type Settings = Required<ResolutionOptions>;

const DEFAULTS: Settings = { linkThreshold: 19, nameOnlyThreshold: 17, reviewThreshold: 8, maxBlockSize: 40, population: 1_000_000, defaultAreaCode: '020' };

/** Everything a later incremental call needs; opaque to callers. */
export interface ResolutionState {
  readonly settings: Settings;
  readonly table: FeatureTable;
  readonly uf: ConstrainedUnionFind;
  /** Broken-identifier row → value ids of valid identifiers one typo away. */
  readonly typoTargets: Map<number, number[]>;
  /** Review pairs as rows, kept between calls. */
  review: Array<{ a: number; b: number; score: number }>;
}

export interface ResolutionResult {
  clusters: ResolvedCluster[];
  reviewCandidates: ReviewCandidate[];
  stats: ResolutionStats;
  /** Pass to resolveIncremental with new or changed records. */
  state: ResolutionState;
  /** Cluster label of a record (as in `clusters[i].id`), or -1 if unknown. */
  labelOf(source: string, localId: string): number;
}

/**
 * Resolves department records into applicants. A repeated (source, localId) is one record, the last
 * occurrence winning.
 *
 * @example
 * const { clusters, reviewCandidates } = resolveIdentities([
 *   { source: 'market', localId: '7', name: '广州市恒丰餐饮管理有限公司', idNumber: '91350200776049653A' },
 *   { source: 'health', localId: 'H1', name: '恒丰餐饮管理有限责任公司', idNumber: '77604965-3' },
 * ]);
 * clusters.length; // 1
 */
export function resolveIdentities(records: Iterable<ResolutionRecord>, options: ResolutionOptions = {}): ResolutionResult {
  const settings: Settings = { ...DEFAULTS, ...options };
  const table = new FeatureTable(settings.defaultAreaCode);
  for (const r of records) table.upsert(r);
  const state: ResolutionState = { settings, table, uf: new ConstrainedUnionFind(table), typoTargets: new Map(), review: [] };
  for (let r = 0; r < table.size; r++) setTypoTargets(state, r);
  const index = buildBlockIndex(table);
  const rows = new Int32Array(table.size);
  for (let r = 0; r < rows.length; r++) rows[r] = r;
  const stats = emptyStats();
  const scorer = new PairScorer(table, settings.population);
  for (const [row, targets] of state.typoTargets) scorer.typoTargets.set(row, targets);
  clusterRows(state, index, scorer, rows, (visit) => forEachCandidatePair(table, index, settings.maxBlockSize, state.typoTargets, visit), stats);
  return finish(state, scorer, stats);
}

/**
 * Resolves new or changed records against an earlier result without recomputing everything: only the
 * records that share a value or a typo relation with them, and the clusters and candidate-graph
 * components those belong to, are re-clustered. The outcome equals a full run over all records.
 *
 * @example
 * let result = resolveIdentities(initial);
 * result = resolveIncremental(result.state, [{ source: 'health', localId: 'H9', name: '王小明', phone: '13800138000' }]);
 */
export function resolveIncremental(previous: ResolutionState, changed: readonly ResolutionRecord[]): ResolutionResult {
  const state = previous;
  const { table, settings } = state;
  const touchedValues = new Set<number>();
  const seeds = new Set<number>();
  const oldCluster = new Set<number>();
  const noteValues = (row: number) => {
    for (const f of FIELDS) {
      const v = table.cols[f][row]!;
      if (v !== 0) touchedValues.add(v);
    }
  };
  const oldSize = table.size;
  for (const rec of changed) {
    const existing = table.rowOf.get(`${rec.source}\u0001${rec.localId}`);
    if (existing !== undefined) {
      noteValues(existing);
      oldCluster.add(state.uf.find(existing));
    }
    const row = table.upsert(rec);
    seeds.add(row);
    noteValues(row);
  }
  const uf = state.uf;
  uf.growTo(table.size);
  // New rows start as singletons; changed rows keep their old cluster until re-clustered below.
  for (let r = oldSize; r < table.size; r++) uf.reset(r);

  // Typo relations: a changed broken value gets new targets; a changed valid identifier may be the
  // target of an existing broken value, found through its one-typo variants.
  for (const row of seeds) setTypoTargets(state, row);
  for (const row of seeds) {
    for (const f of ['uscc', 'rid', 'org'] as const) {
      const v = table.cols[f][row]!;
      if (v === 0) continue;
      const text = valueText(table, v);
      for (const variant of oneTypoVariants(text)) {
        const b = table.lookup('broken', variant);
        if (b !== 0 && table.counts[b]! > 0) touchedValues.add(b);
      }
    }
  }
  const index = buildBlockIndex(table);
  for (const v of touchedValues) for (const r of holders(index, v)) if (table.cols.broken[r] !== 0) setTypoTargets(state, r);
  const reverseTypo = new Map<number, number[]>();
  for (const [row, targets] of state.typoTargets) {
    for (const v of targets) {
      for (const o of holders(index, v)) {
        let list = reverseTypo.get(o);
        if (!list) reverseTypo.set(o, (list = []));
        list.push(row);
      }
    }
  }

  const scorer = new PairScorer(table, settings.population);
  for (const [row, targets] of state.typoTargets) scorer.typoTargets.set(row, targets);

  // Old cluster membership, to pull in whole clusters.
  const members = new Map<number, number[]>();
  const clusterMembers = (root: number): number[] => {
    if (members.size === 0) {
      for (let r = 0; r < table.size; r++) {
        const root2 = uf.find(r);
        let list = members.get(root2);
        if (!list) members.set(root2, (list = []));
        list.push(r);
      }
    }
    return members.get(root) ?? [];
  };

  // Region: seeds, holders of touched values, their old clusters, closed over candidate edges that
  // matter (hard links and pairs scoring at least the review threshold).
  const inRegion = new Uint8Array(table.size);
  const queue: number[] = [];
  const push = (r: number) => {
    if (inRegion[r] === 1) return;
    inRegion[r] = 1;
    queue.push(r);
  };
  for (const r of seeds) push(r);
  for (const v of touchedValues) for (const r of holders(index, v)) push(r);
  for (const root of oldCluster) for (const r of clusterMembers(root)) push(r);
  for (let qi = 0; qi < queue.length; qi++) {
    const x = queue[qi]!;
    for (const r of clusterMembers(uf.find(x))) push(r);
    candidatePartners(table, index, settings.maxBlockSize, state.typoTargets, reverseTypo, x, (o, hard) => {
      if (inRegion[o] === 1) return;
      if (hard || scorer.score(x, o) >= settings.reviewThreshold) push(o);
    });
  }
  const rows = Int32Array.from(queue).sort();
  const regionPairs = (visit: (a: number, b: number) => void) => {
    const seen = new Set<number>();
    for (const x of rows) {
      candidatePartners(table, index, settings.maxBlockSize, state.typoTargets, reverseTypo, x, (o, hard) => {
        if (hard) return;
        const a = Math.min(x, o);
        const b = Math.max(x, o);
        const key = a * 0x4000000 + b;
        if (seen.has(key) || sameHardIdentifier(table, a, b)) return;
        seen.add(key);
        visit(a, b);
      });
    }
  };
  state.review = state.review.filter((p) => inRegion[p.a] !== 1 && inRegion[p.b] !== 1);
  const stats = emptyStats();
  clusterRows(state, index, scorer, rows, regionPairs, stats);
  return finish(state, scorer, stats);
}

function emptyStats(): ResolutionStats {
  return { records: 0, clusters: 0, deterministicLinks: 0, comparisons: 0, probabilisticLinks: 0, refusedLinks: 0, reviewCandidates: 0 };
}

function valueText(t: FeatureTable, v: number): string {
  return t.texts[v] ?? '';
}

function setTypoTargets(state: ResolutionState, row: number): void {
  const t = state.table;
  const b = t.cols.broken[row]!;
  if (b === 0) {
    state.typoTargets.delete(row);
    return;
  }
  const targets = typoTargetIds(t, valueText(t, b));
  if (targets.length > 0) state.typoTargets.set(row, targets);
  else state.typoTargets.delete(row);
}

/**
 * Clusters `rows` (all rows, or an incremental region closed under candidate edges): hard identifier
 * links, then scored links strongest first under the never-merge rules, then name-only records.
 */
function clusterRows(
  state: ResolutionState,
  index: BlockIndex,
  scorer: PairScorer,
  rows: Int32Array,
  pairs: (visit: (a: number, b: number) => void) => void,
  stats: ResolutionStats,
): void {
  const { table: t, uf, settings } = state;
  const c = t.cols;
  for (const r of rows) uf.reset(r);

  // 1. Deterministic links: same valid USCC or resident ID; a legacy org code joins the one USCC holding it.
  for (const r of rows) {
    for (const f of ['uscc', 'rid'] as const) {
      const v = c[f][r]!;
      if (v !== 0 && uf.union(r, holders(index, v)[0]!)) stats.deterministicLinks++;
    }
  }
  const orgDone = new Set<number>();
  for (const r of rows) {
    const v = c.org[r]!;
    if (v === 0 || orgDone.has(v)) continue;
    orgDone.add(v);
    const h = holders(index, v);
    let uscc = 0;
    let distinct = 0;
    for (const o of h) {
      const u = c.uscc[o]!;
      if (u === 0) continue;
      if (uscc === 0) {
        uscc = u;
        distinct = 1;
      } else if (u !== uscc) {
        distinct = 2;
        break;
      }
    }
    // Two USCCs share the org code: the legacy records cannot choose between them (scored instead).
    if (distinct >= 2) continue;
    for (let k = 1; k < h.length; k++) if (uf.union(h[0]!, h[k]!)) stats.deterministicLinks++;
  }

  // 2. Scored links, strongest first, each merge checked against the never-merge rules.
  const la: number[] = [];
  const lb: number[] = [];
  const ls: number[] = [];
  const band: Array<{ a: number; b: number; score: number }> = [];
  pairs((a, b) => {
    if (t.isNameOnly(a) || t.isNameOnly(b)) return; // decided in step 3, knowing their rivals
    stats.comparisons++;
    const s = scorer.score(a, b);
    if (s >= settings.linkThreshold) {
      la.push(a);
      lb.push(b);
      ls.push(s);
    } else if (s >= settings.reviewThreshold) band.push({ a, b, score: s });
  });
  const order = Array.from(ls.keys());
  const h = t.keyHash;
  const tie = (i: number) => {
    const x = h[la[i]!]!;
    const y = h[lb[i]!]!;
    return x < y ? [x, y] : [y, x];
  };
  order.sort((i, j) => {
    const d = ls[j]! - ls[i]!;
    if (d !== 0) return d;
    const [a1, a2] = tie(i);
    const [b1, b2] = tie(j);
    return a1! - b1! || a2! - b2! || compareRefs(t.refs[la[i]!]!, t.refs[la[j]!]!) || compareRefs(t.refs[lb[i]!]!, t.refs[lb[j]!]!);
  });
  for (const i of order) {
    const a = la[i]!;
    const b = lb[i]!;
    if (uf.find(a) === uf.find(b)) continue;
    if (uf.tryMerge(a, b)) stats.probabilisticLinks++;
    else stats.refusedLinks++;
  }

  // 3. Lone records: records left alone by step 2 (their only link to their applicant is the name,
  //    e.g. a phone or address the others lack), then records holding nothing but a name. Each joins
  //    the one cluster bearing its name when its evidence against that cluster taken whole (per field
  //    the best level any member reaches, the name weighted as held by one applicant) reaches
  //    `nameOnlyThreshold`. Another cluster bearing the name that cannot join that one (a rival
  //    applicant) sends the record to review instead. Decisions of a level are taken against the
  //    clusters the previous level left, so neither input order nor incremental regions change them.
  const members = new Map<number, number[]>();
  for (const r of rows) {
    const root = uf.find(r);
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    list.push(r);
  }
  const byHash = (x: number, y: number) => h[x]! - h[y]! || compareRefs(t.refs[x]!, t.refs[y]!);
  const singles = Array.from(rows).filter((r) => c.name[r] !== 0 && !t.isNameOnly(r) && members.get(uf.find(r))!.length === 1).sort(byHash);
  const nameOnly = Array.from(rows).filter((r) => t.isNameOnly(r)).sort(byHash);

  /** Candidate clusters of lone record r: roots of name-block members scoring ≥ review, best member each. */
  const candidates = (r: number) => {
    const best = new Map<number, { row: number; score: number }>();
    const nameOnlyPeers: number[] = [];
    const block = holders(index, c.name[r]!);
    if (block.length > settings.maxBlockSize) return null;
    const own = uf.find(r);
    for (const o of block) {
      if (o === r) continue;
      stats.comparisons++;
      const s = scorer.score(r, o);
      if (s < settings.reviewThreshold) continue;
      if (t.isNameOnly(o)) {
        if (s >= settings.nameOnlyThreshold) nameOnlyPeers.push(o);
        continue;
      }
      const root = uf.find(o);
      if (root === own) continue;
      const cur = best.get(root);
      if (!cur || s > cur.score || (s === cur.score && compareRefs(t.refs[o]!, t.refs[cur.row]!) < 0)) best.set(root, { row: o, score: s });
    }
    return { best, nameOnlyPeers };
  };
  const clusterOf = (root: number) => members.get(root) ?? [];
  // `corroborate`: a record holding more than a name must agree with the cluster on something besides
  // the name. Without that its evidence is the name alone, and a rare name alone is not proof: on the
  // evaluation sets (seeds 7, 11, 20240601) attaching such records raised recall by ~0.015 but fused
  // 9–24 pairs of different applicants who share a rare name. They go to review instead.
  const attachable = (r: number, root: number, row: number, corroborate = false) => {
    if (!uf.compatible(r, row)) return false;
    const p = scorer.profileScore(r, clusterOf(root));
    return p.total >= settings.nameOnlyThreshold && (!corroborate || p.besidesName > 0);
  };

  // 3a. Singletons with more than a name: the anchor is the one candidate cluster of two or more
  //     records; every other candidate (a singleton) must itself be attachable to that anchor.
  const singleSet = new Set(singles);
  const anchorOf = new Map<number, number>();
  const pending: Array<{ r: number; root: number; row: number; others: number[] }> = [];
  const review3a: Array<{ a: number; b: number; score: number }> = [];
  const singleCands = new Map<number, Map<number, { row: number; score: number }>>();
  for (const r of singles) {
    const cand = candidates(r);
    if (cand !== null && cand.best.size > 0) singleCands.set(r, cand.best);
  }
  for (const r of singles) {
    const best = singleCands.get(r);
    if (best === undefined) continue;
    const anchors = [...best].filter(([root]) => !singleSet.has(root) || clusterOf(root).length > 1);
    let decided = false;
    if (anchors.length === 1) {
      const [root, { row }] = anchors[0]!;
      if (attachable(r, root, row, true)) {
        const others = [...best.keys()].filter((x) => x !== root);
        pending.push({ r, root, row, others });
        anchorOf.set(r, root);
        decided = true;
      }
    } else if (anchors.length === 0 && best.size === 1) {
      // Two singletons that are each other's only candidate (below the link threshold in step 2,
      // e.g. a rare name and an address written as one record but not the other agreeing besides).
      const [s0] = best.keys();
      const theirs = singleCands.get(s0!);
      if (theirs !== undefined && theirs.size === 1 && theirs.has(r) && attachable(r, s0!, s0!, true)) {
        if (byHash(r, s0!) < 0) pending.push({ r, root: s0!, row: s0!, others: [] });
        decided = true;
      }
    }
    if (!decided) for (const { row, score } of best.values()) review3a.push({ a: Math.min(r, row), b: Math.max(r, row), score });
  }
  for (const p of pending) {
    // Every other candidate singleton must join the same anchor, else two applicants bear the name.
    if (p.others.every((o) => anchorOf.get(o) === p.root)) {
      if (uf.tryMerge(p.r, p.row)) stats.probabilisticLinks++;
      else band.push({ a: Math.min(p.r, p.row), b: Math.max(p.r, p.row), score: scorer.score(p.r, p.row) });
    } else {
      band.push({ a: Math.min(p.r, p.row), b: Math.max(p.r, p.row), score: scorer.score(p.r, p.row) });
    }
  }
  for (const p of review3a) band.push(p);

  // 3b. Records holding nothing but a name: linked only when one cluster bears that name; with
  //     rivals they go to review (the common-name case, 张伟 with nothing else, is truly ambiguous).
  // Membership after 3a's merges.
  members.clear();
  for (const r of rows) {
    const root = uf.find(r);
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    list.push(r);
  }
  const decisions: Array<{ r: number; row: number; peers: number[]; review: Array<{ a: number; b: number; score: number }> }> = [];
  for (const r of nameOnly) {
    const cand = candidates(r);
    if (cand === null) continue;
    const review: Array<{ a: number; b: number; score: number }> = [];
    let row = -1;
    if (cand.best.size === 1) {
      const [root, only] = [...cand.best][0]!;
      if (attachable(r, root, only.row)) row = only.row;
    }
    if (row < 0) for (const { row: o, score } of cand.best.values()) review.push({ a: Math.min(r, o), b: Math.max(r, o), score });
    decisions.push({ r, row, peers: cand.best.size === 0 ? cand.nameOnlyPeers : [], review });
  }
  for (const d of decisions) {
    if (d.row >= 0) {
      if (uf.tryMerge(d.r, d.row)) stats.probabilisticLinks++;
      else band.push({ a: Math.min(d.r, d.row), b: Math.max(d.r, d.row), score: scorer.score(d.r, d.row) });
    }
    for (const o of d.peers) uf.tryMerge(d.r, o);
    for (const p of d.review) band.push(p);
  }
  for (const p of band) if (uf.find(p.a) !== uf.find(p.b) && uf.compatible(p.a, p.b)) state.review.push(p);
}

function compareRefs(a: RecordRef, b: RecordRef): number {
  return a.source < b.source ? -1 : a.source > b.source ? 1 : a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0;
}

function finish(state: ResolutionState, scorer: PairScorer, stats: ResolutionStats): ResolutionResult {
  const { table: t, uf } = state;
  const label = new Int32Array(t.size).fill(-1);
  const rootLabel = new Map<number, number>();
  const clusters: ResolvedCluster[] = [];
  for (let r = 0; r < t.size; r++) {
    const root = uf.find(r);
    let l = rootLabel.get(root);
    if (l === undefined) {
      l = clusters.length;
      rootLabel.set(root, l);
      clusters.push({ id: l, kind: null, records: [] });
    }
    label[r] = l;
    const cl = clusters[l]!;
    cl.records.push(t.refs[r]!);
    if (cl.kind === null) cl.kind = t.kindOf(r);
  }
  // Drop review pairs a later merge made moot; dedupe; strongest first.
  const seen = new Set<number>();
  state.review = state.review.filter((p) => {
    const key = p.a * 0x4000000 + p.b;
    if (seen.has(key) || uf.find(p.a) === uf.find(p.b)) return false;
    seen.add(key);
    return true;
  });
  state.review.sort((x, y) => y.score - x.score || compareRefs(t.refs[x.a]!, t.refs[y.a]!) || compareRefs(t.refs[x.b]!, t.refs[y.b]!));
  const reviewCandidates: ReviewCandidate[] = state.review.map((p) => {
    const evidence: Evidence[] = [];
    const score = scorer.score(p.a, p.b, evidence);
    return { a: t.refs[p.a]!, b: t.refs[p.b]!, score: Math.round(score * 100) / 100, evidence };
  });
  stats.records = t.size;
  stats.clusters = clusters.length;
  stats.reviewCandidates = reviewCandidates.length;
  return {
    clusters,
    reviewCandidates,
    stats,
    state,
    labelOf: (source, localId) => {
      const row = t.rowOf.get(`${source}\u0001${localId}`);
      return row === undefined ? -1 : label[row]!;
    },
  };
}

/**
 * True when blocking puts the two records in reach of each other: one identifier group, a shared
 * uncapped block (name, phone, address, invalid value), or a typo relation. For evaluation.
 *
 * @example
 * blockedTogether(result.state, { source: 'market', localId: '7' }, { source: 'health', localId: 'H1' }); // true
 */
export function blockedTogether(state: ResolutionState, a: RecordRef, b: RecordRef): boolean {
  const t = state.table;
  const x = t.rowOf.get(`${a.source}\u0001${a.localId}`);
  const y = t.rowOf.get(`${b.source}\u0001${b.localId}`);
  if (x === undefined || y === undefined) return false;
  const c = t.cols;
  if (sameHardIdentifier(t, x, y) || (c.org[x] !== 0 && c.org[x] === c.org[y])) return true;
  for (const f of ['name', 'phone', 'addr', 'broken'] as const) {
    const v = c[f][x]!;
    if (v !== 0 && v === c[f][y] && t.counts[v]! <= state.settings.maxBlockSize) return true;
  }
  const tx = state.typoTargets.get(x);
  const ty = state.typoTargets.get(y);
  const holds = (targets: number[] | undefined, r: number) => targets !== undefined && (targets.includes(c.uscc[r]!) || targets.includes(c.rid[r]!) || targets.includes(c.org[r]!));
  return holds(tx, y) || holds(ty, x);
}
