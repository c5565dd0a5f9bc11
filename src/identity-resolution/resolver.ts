// The resolver: normalise → deterministic identifier links → blocking → Fellegi–Sunter scores →
// constrained clustering → name groups → review queue. resolveIdentities runs it over a full set of
// records; resolveIncremental re-resolves only the part of the record graph that new, changed or
// removed records touch, and gives the same clusters a full run over the same records would (tested).

import {
  BLOCK_FIELDS,
  brokenCandidates,
  buildBlockIndex,
  buildTypoIndex,
  candidatePartners,
  forEachCandidatePair,
  holders,
  rowsWithKey,
  sameHardIdentifier,
  shareKey,
  validValueKey,
  type BlockIndex,
  type BrokenCandidates,
} from './blocking.js';
import { ConstrainedUnionFind } from './constrained-clustering.js';
import { FeatureTable, FIELDS, hashKey } from './features.js';
import { PairScorer, VETO, type GroupComparison } from './fellegi-sunter.js';
import { buildReviewQueue } from './review-queue.js';
import type { RecordRef, ResolutionOptions, ResolutionRecord, ResolutionStats, ResolvedCluster, ReviewCandidate } from './types.js';

type Settings = Required<ResolutionOptions>;

const DEFAULTS: Settings = {
  linkThreshold: 19,
  nameOnlyThreshold: 17,
  reviewThreshold: 8,
  maxBlockSize: 40,
  population: 1_000_000,
  defaultAreaCode: '020',
  linkOnRareNameAlone: false,
};

/**
 * Bits a cluster must agree on besides the name to join another cluster bearing that name when some
 * third cluster bearing it shows that two applicants share the name (a shared phone's +1 is not enough).
 */
const CORROBORATION_BITS = 2;

/** Everything a later incremental call needs; opaque to callers. */
export interface ResolutionState {
  readonly settings: Settings;
  readonly table: FeatureTable;
  readonly uf: ConstrainedUnionFind;
  /** Broken-identifier row → what it may stand for (valid identifiers held one typo away; keys of all). */
  readonly candidates: Map<number, BrokenCandidates>;
  /** Review pairs as rows, kept between calls. */
  review: Array<{ a: number; b: number; score: number }>;
}

export interface ResolutionResult {
  clusters: ResolvedCluster[];
  reviewCandidates: ReviewCandidate[];
  stats: ResolutionStats;
  /** Pass to resolveIncremental with new, changed or removed records. */
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
  const state: ResolutionState = { settings, table, uf: new ConstrainedUnionFind(table), candidates: new Map(), review: [] };
  for (let r = 0; r < table.size; r++) setCandidates(state, r);
  const index = buildBlockIndex(table);
  const ti = buildTypoIndex(index, state.candidates);
  const rows = new Int32Array(table.size);
  for (let r = 0; r < rows.length; r++) rows[r] = r;
  const stats = emptyStats();
  const scorer = new PairScorer(table, settings.population, index, state.candidates, settings.maxBlockSize);
  clusterRows(state, index, scorer, rows, (visit) => forEachCandidatePair(table, index, settings.maxBlockSize, ti, visit), stats);
  return finish(state, scorer, stats);
}

/**
 * Resolves new, changed or removed records against an earlier result without recomputing
 * everything: only the records that share a value or an identifier relation with them, and the
 * clusters and candidate-graph components those belong to, are re-clustered. The outcome equals a
 * full run over the records held afterwards. `previous` is updated in place and returned as `state`.
 *
 * @example
 * let result = resolveIdentities(initial);
 * result = resolveIncremental(result.state, [{ source: 'health', localId: 'H9', name: '王小明', phone: '13800138000' }]);
 * result = resolveIncremental(result.state, [], [{ source: 'health', localId: 'H9' }]);
 */
export function resolveIncremental(previous: ResolutionState, changed: readonly ResolutionRecord[], removed: readonly RecordRef[] = []): ResolutionResult {
  const state = previous;
  const { table, settings, uf } = state;
  const c = table.cols;
  const touchedValues = new Set<number>();
  /** Valid identifiers that appeared or disappeared somewhere: broken values naming them must look again. */
  const touchedValid = new Set<number>();
  const seeds = new Set<number>();
  const oldCluster = new Set<number>();
  const noteValues = (row: number) => {
    for (const f of FIELDS) {
      const v = c[f][row]!;
      if (v === 0) continue;
      touchedValues.add(v);
      if (f === 'uscc' || f === 'rid' || f === 'org') touchedValid.add(validValueKey(f, valueText(table, v)));
    }
  };
  const oldSize = table.size;
  for (const ref of removed) {
    const row = table.rowOf.get(`${ref.source}\u0001${ref.localId}`);
    if (row === undefined || table.removed[row] === 1) continue;
    noteValues(row);
    oldCluster.add(uf.find(row));
    table.remove(ref);
    seeds.add(row);
  }
  for (const rec of changed) {
    const existing = table.rowOf.get(`${rec.source}\u0001${rec.localId}`);
    if (existing !== undefined) {
      noteValues(existing);
      oldCluster.add(uf.find(existing));
    }
    const row = table.upsert(rec);
    seeds.add(row);
    noteValues(row);
  }
  uf.growTo(table.size);
  // New rows start as singletons; changed rows keep their old cluster until re-clustered below.
  for (let r = oldSize; r < table.size; r++) uf.reset(r);

  // Identifier relations: a changed broken value gets new candidates; a valid identifier that appeared
  // or disappeared changes the targets of every broken value naming it (found through its key).
  for (const row of seeds) setCandidates(state, row);
  const index = buildBlockIndex(table);
  let ti = buildTypoIndex(index, state.candidates);
  let refreshed = false;
  for (const key of touchedValid) {
    for (const r of rowsWithKey(ti, key)) {
      setCandidates(state, r);
      touchedValues.add(c.broken[r]!);
      refreshed = true;
    }
  }
  if (refreshed) ti = buildTypoIndex(index, state.candidates);
  const scorer = new PairScorer(table, settings.population, index, state.candidates, settings.maxBlockSize);

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
  // matter (hard links, pairs scoring at least the review threshold, and a name's whole block, which
  // name-group decisions read).
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
    const name = c.name[x]!;
    if (name !== 0) {
      const block = holders(index, name);
      if (block.length <= settings.maxBlockSize) for (const o of block) push(o);
    }
    candidatePartners(table, index, settings.maxBlockSize, ti, x, (o, hard) => {
      if (inRegion[o] === 1) return;
      if (hard || scorer.score(x, o) >= settings.reviewThreshold) push(o);
    });
  }
  const rows = Int32Array.from(queue).sort();
  const regionPairs = (visit: (a: number, b: number) => void) => {
    const seen = new Set<number>();
    for (const x of rows) {
      candidatePartners(table, index, settings.maxBlockSize, ti, x, (o, hard) => {
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

function setCandidates(state: ResolutionState, row: number): void {
  const t = state.table;
  const b = t.cols.broken[row]!;
  if (b === 0) state.candidates.delete(row);
  else state.candidates.set(row, brokenCandidates(t, valueText(t, b)));
}

/**
 * Clusters `rows` (all rows, or an incremental region closed under candidate edges): hard identifier
 * links, then scored links strongest first under the never-merge rules, then name groups.
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
  // Ties broken by the records' key hashes (lower, then higher), never by row numbers.
  const lo = new Uint32Array(ls.length);
  const hi = new Uint32Array(ls.length);
  for (let i = 0; i < ls.length; i++) {
    const x = h[la[i]!]!;
    const y = h[lb[i]!]!;
    lo[i] = Math.min(x, y);
    hi[i] = Math.max(x, y);
  }
  order.sort(
    (i, j) =>
      ls[j]! - ls[i]! || lo[i]! - lo[j]! || hi[i]! - hi[j]! || compareRefs(t.refs[la[i]!]!, t.refs[la[j]!]!) || compareRefs(t.refs[lb[i]!]!, t.refs[lb[j]!]!),
  );
  for (const i of order) {
    const a = la[i]!;
    const b = lb[i]!;
    if (uf.find(a) === uf.find(b)) continue;
    if (uf.tryMerge(a, b)) stats.probabilisticLinks++;
    else stats.refusedLinks++;
  }

  // 3. Name groups: the clusters step 2 left that bear one name.
  nameGroups(state, index, scorer, rows, stats, band);

  for (const p of band) if (uf.find(p.a) !== uf.find(p.b) && uf.compatible(p.a, p.b)) state.review.push(p);
}

/**
 * Step 3. For each name (block up to `maxBlockSize` records), the clusters bearing it are compared
 * as wholes (`PairScorer.compareGroups`: per field the best level any two members reach).
 *
 * - When no two of them contradict each other (no never-merge rule, no field disagreeing at its best
 *   level), nothing in the records says the name has two bearers: clusters whose comparison reaches
 *   `nameOnlyThreshold` are one applicant. A rare name does (≈ 19.9 bits as one holder's); a
 *   two-character name (15.5) or a very common one (9.9) needs agreement besides the name.
 * - When two of them contradict each other, two applicants bear the name. A cluster then joins
 *   another only with agreement besides the name (`CORROBORATION_BITS`), and only when it fits no
 *   cluster contradicting that one (else it could be either applicant's).
 *
 * Everything else that scores at least `reviewThreshold` goes to review. Decisions are taken against
 * the clusters step 2 left and applied in an order fixed by the names' hashes, each merge checked
 * again against the clusters as they then are; so neither input order nor incremental regions
 * change them.
 */
function nameGroups(
  state: ResolutionState,
  index: BlockIndex,
  scorer: PairScorer,
  rows: Int32Array,
  stats: ResolutionStats,
  band: Array<{ a: number; b: number; score: number }>,
): void {
  const { table: t, uf, settings } = state;
  const c = t.cols;
  const h = t.keyHash;
  const byHash = (x: number, y: number) => h[x]! - h[y]! || compareRefs(t.refs[x]!, t.refs[y]!);

  // Names whose holders (a block of 2..maxBlockSize) lie in more than one cluster; most lie in one.
  const names: number[] = [];
  const seenName = new Set<number>();
  const involved = new Set<number>();
  for (const r of rows) {
    const v = c.name[r]!;
    if (v === 0 || seenName.has(v)) continue;
    seenName.add(v);
    const block = holders(index, v);
    if (block.length < 2 || block.length > settings.maxBlockSize) continue;
    const first = uf.find(block[0]!);
    let split = false;
    for (let k = 1; k < block.length && !split; k++) split = uf.find(block[k]!) !== first;
    if (!split) continue;
    names.push(v);
    for (const o of block) involved.add(uf.find(o));
  }
  if (names.length === 0) return;
  const members = new Map<number, number[]>();
  for (const r of rows) {
    const root = uf.find(r);
    if (!involved.has(root)) continue;
    let list = members.get(root);
    if (!list) members.set(root, (list = []));
    list.push(r);
  }
  // A cluster's representative (its first member by hash) orders clusters independently of row numbers.
  const rep = new Map<number, number>();
  for (const [root, list] of members)
    rep.set(
      root,
      list.reduce((best, r) => (byHash(r, best) < 0 ? r : best)),
    );
  const ordered = names
    .map((v) => ({ v, key: hashKey(t.texts[v] ?? '') }))
    .sort((x, y) => x.key - y.key || compareText(t.texts[x.v] ?? '', t.texts[y.v] ?? ''));

  const merges: Array<[number, number]> = [];
  for (const { v } of ordered) {
    const roots = [...new Set(Array.from(holders(index, v), (r) => uf.find(r)))].sort((x, y) => byHash(rep.get(x)!, rep.get(y)!));
    const k = roots.length;
    if (k < 2) continue;
    const cmp: Array<Array<GroupComparison | null>> = roots.map(() => roots.map(() => null));
    let contradiction = false;
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        stats.comparisons++;
        const x = uf.compatible(roots[i]!, roots[j]!) ? scorer.compareGroups(members.get(roots[i]!)!, members.get(roots[j]!)!) : CONTRADICTION;
        cmp[i]![j] = cmp[j]![i] = x;
        if (x.veto || x.conflict) contradiction = true;
      }
    }
    const fits = (i: number, j: number) => {
      const x = cmp[i]![j]!;
      return !x.veto && !x.conflict;
    };
    // Clusters holding nothing but the name ("bare") attach last: to the one applicant the others
    // form, never between two (a bare record fitting two clusters would chain them).
    const bare = roots.map((root) => members.get(root)!.every((r) => t.isNameOnly(r)));
    const linked = new Set<string>();
    const comp = roots.map((_, i) => i);
    const compOf = (i: number): number => (comp[i] === i ? i : (comp[i] = compOf(comp[i]!)));
    const link = (i: number, j: number) => {
      merges.push([roots[i]!, roots[j]!]);
      linked.add(`${i},${j}`);
      comp[compOf(i)] = compOf(j);
    };
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        if (bare[i] || bare[j] || !fits(i, j)) continue;
        const x = cmp[i]![j]!;
        if (x.total < settings.nameOnlyThreshold) continue;
        const corroborated = x.besidesName >= CORROBORATION_BITS;
        if (!contradiction) {
          // Agreement besides the name, or (when the caller accepts it) the rare name alone.
          if (corroborated || settings.linkOnRareNameAlone) link(i, j);
        } else if (corroborated) {
          // Neither may also fit a cluster that contradicts the other: then it could be either applicant's.
          let exclusive = true;
          for (let m = 0; m < k && exclusive; m++) {
            if (m !== i && m !== j && fits(i, m) !== fits(j, m)) exclusive = false;
          }
          if (exclusive) link(i, j);
        }
      }
    }
    const others = new Set<number>();
    for (let i = 0; i < k; i++) if (!bare[i]) others.add(compOf(i));
    const firstBare = bare.indexOf(true);
    for (let i = 0; i < k; i++) {
      if (!bare[i]) continue;
      if (others.size === 1) {
        // The one applicant the others form: join its cluster with the best comparison.
        let target = -1;
        for (let j = 0; j < k; j++) if (!bare[j] && fits(i, j) && (target < 0 || cmp[i]![j]!.total > cmp[i]![target]!.total)) target = j;
        if (target >= 0 && cmp[i]![target]!.total >= settings.nameOnlyThreshold) link(Math.min(i, target), Math.max(i, target));
      } else if (others.size === 0 && i !== firstBare && cmp[firstBare]![i]!.total >= settings.nameOnlyThreshold) {
        link(firstBare, i); // only bare records bear the name: one applicant
      }
    }
    for (let i = 0; i < k; i++) {
      for (let j = i + 1; j < k; j++) {
        if (linked.has(`${i},${j}`) || compOf(i) === compOf(j) || !fits(i, j) || cmp[i]![j]!.total < settings.reviewThreshold) continue;
        band.push(bestPair(t, scorer, members.get(roots[i]!)!, members.get(roots[j]!)!));
      }
    }
  }

  // Apply, each merge checked against the clusters as they now are (another name's merges may have
  // grown them into a contradiction).
  const current = new Map(members);
  for (const [a, b] of merges) {
    const x = uf.find(a);
    const y = uf.find(b);
    if (x === y) continue;
    const mx = current.get(x)!;
    const my = current.get(y)!;
    const check = uf.compatible(x, y) ? scorer.compareGroups(mx, my) : CONTRADICTION;
    if (check.veto || check.conflict) {
      stats.refusedLinks++;
      continue;
    }
    uf.union(x, y);
    stats.probabilisticLinks++;
    const root = uf.find(x);
    current.delete(x);
    current.delete(y);
    current.set(root, mx.concat(my));
  }
}

const CONTRADICTION: GroupComparison = { veto: true, total: VETO, besidesName: VETO, conflict: true };

/** The strongest-scoring pair between two clusters, for the review queue (ties: the pair first by hash). */
function bestPair(t: FeatureTable, scorer: PairScorer, a: readonly number[], b: readonly number[]): { a: number; b: number; score: number } {
  let best = { a: a[0]!, b: b[0]!, score: -Infinity };
  const h = t.keyHash;
  const rank = (x: number, y: number) => {
    const lo = h[x]! < h[y]! || (h[x] === h[y] && compareRefs(t.refs[x]!, t.refs[y]!) < 0) ? x : y;
    return [lo, lo === x ? y : x] as const;
  };
  for (const x of a) {
    for (const y of b) {
      const s = scorer.score(x, y);
      if (s < best.score) continue;
      if (s === best.score) {
        const [p1, p2] = rank(x, y);
        const [q1, q2] = rank(best.a, best.b);
        if (h[p1]! > h[q1]! || (h[p1] === h[q1] && h[p2]! >= h[q2]!)) continue;
      }
      best = { a: x, b: y, score: s };
    }
  }
  return best;
}

const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function compareRefs(a: RecordRef, b: RecordRef): number {
  return a.source < b.source ? -1 : a.source > b.source ? 1 : a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0;
}

function finish(state: ResolutionState, scorer: PairScorer, stats: ResolutionStats): ResolutionResult {
  const { table: t, uf } = state;
  const label = new Int32Array(t.size).fill(-1);
  const rootLabel = new Map<number, number>();
  const clusters: ResolvedCluster[] = [];
  let records = 0;
  for (let r = 0; r < t.size; r++) {
    if (t.removed[r] === 1) continue;
    records++;
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
  // Orient each pair by its records' keys (not row numbers, which depend on the order records came
  // in); drop pairs a later merge made moot; dedupe; strongest first.
  for (const p of state.review) if (compareRefs(t.refs[p.a]!, t.refs[p.b]!) > 0) [p.a, p.b] = [p.b, p.a];
  const seen = new Set<number>();
  state.review = state.review.filter((p) => {
    const key = p.a * 0x4000000 + p.b;
    if (seen.has(key) || uf.find(p.a) === uf.find(p.b) || t.removed[p.a] === 1 || t.removed[p.b] === 1) return false;
    seen.add(key);
    return true;
  });
  state.review.sort((x, y) => y.score - x.score || compareRefs(t.refs[x.a]!, t.refs[y.a]!) || compareRefs(t.refs[x.b]!, t.refs[y.b]!));
  const reviewCandidates = buildReviewQueue(t, uf, scorer, state.review, state.settings.linkThreshold);
  stats.records = records;
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
 * uncapped block (name, phone, address, invalid value), a typo relation, or two slips of one number.
 * For evaluation.
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
  for (const f of BLOCK_FIELDS) {
    const v = c[f][x]!;
    if (v !== 0 && v === c[f][y] && t.counts[v]! <= state.settings.maxBlockSize) return true;
  }
  const cx = state.candidates.get(x);
  const cy = state.candidates.get(y);
  const holds = (cand: BrokenCandidates | undefined, r: number) =>
    cand !== undefined && (cand.targets.includes(c.uscc[r]!) || cand.targets.includes(c.rid[r]!) || cand.targets.includes(c.org[r]!));
  return holds(cx, y) || holds(cy, x) || (cx !== undefined && cy !== undefined && shareKey(cx.keys, cy.keys));
}
