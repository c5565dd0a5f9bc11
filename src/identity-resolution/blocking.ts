// Blocking: only records that share a value (name, phone, address, an invalid identifier string), or
// whose identifiers are one typo apart, or whose broken identifiers are slips of one number, are ever
// compared, so cost grows with the number of records times the (capped) block size, not with its
// square. Blocks are a CSR index over interned value ids.

import type { FeatureTable, Field } from './features.js';
import { identifierCandidates } from './identifier-evidence.js';

/**
 * Fields whose shared values pair records, in dedupe order (a pair is scored in the first block it
 * shares). A person name's toneless pinyin pairs homophone spellings (梁锋莉 / 梁峰莉) that an input
 * method produced and no other shared value brings together.
 */
export const BLOCK_FIELDS: readonly Field[] = ['name', 'phone', 'addr', 'broken', 'pinyin'];
/** Fields indexed so hard links and typo lookups find a value's holders. */
const INDEXED_FIELDS: readonly Field[] = ['uscc', 'rid', 'org', 'broken', 'name', 'phone', 'addr', 'pinyin'];

/** Rows holding each value id: members[start[v] .. start[v+1]). */
export interface BlockIndex {
  start: Int32Array;
  members: Int32Array;
}

/**
 * What a broken identifier may stand for: `targets`, value ids of valid identifiers held in the data
 * one typo away (or the organisation code inside it); `keys`, hashes of every such candidate, held or
 * not, sorted (two broken values sharing a key are two slips of one number).
 */
export interface BrokenCandidates {
  targets: number[];
  keys: Float64Array;
}

/**
 * Counting-sort index of the rows holding each value, over the indexed fields; linear time.
 *
 * @example
 * const index = buildBlockIndex(table);
 * const v = table.cols.phone[0]!; index.members.subarray(index.start[v]!, index.start[v + 1]!); // rows sharing row 0's phone
 */
export function buildBlockIndex(t: FeatureTable): BlockIndex {
  const nValues = t.counts.length;
  const start = new Int32Array(nValues + 1);
  for (const f of INDEXED_FIELDS) {
    const col = t.cols[f];
    for (let r = 0; r < t.size; r++) {
      const v = col[r]!;
      if (v !== 0) start[v + 1]!++;
    }
  }
  for (let v = 0; v < nValues; v++) start[v + 1]! += start[v]!;
  const fill = start.slice(0, nValues);
  const members = new Int32Array(start[nValues]!);
  for (const f of INDEXED_FIELDS) {
    const col = t.cols[f];
    for (let r = 0; r < t.size; r++) {
      const v = col[r]!;
      if (v !== 0) members[fill[v]!++] = r;
    }
  }
  return { start, members };
}

/** Rows holding value v. */
export function holders(index: BlockIndex, v: number): Int32Array {
  return index.members.subarray(index.start[v]!, index.start[v + 1]!);
}

/** True when the two rows are already one applicant by a valid identifier (no need to score them). */
export function sameHardIdentifier(t: FeatureTable, a: number, b: number): boolean {
  const c = t.cols;
  return (c.uscc[a] !== 0 && c.uscc[a] === c.uscc[b]) || (c.rid[a] !== 0 && c.rid[a] === c.rid[b]);
}

const FIELD_OF_TYPE = { USCC: 'uscc', RESIDENT_ID: 'rid', ORG_CODE: 'org' } as const;
const TYPE_OF_FIELD = { uscc: 'USCC', rid: 'RESIDENT_ID', org: 'ORG_CODE' } as const;

/**
 * A 53-bit hash of an identifier candidate (type and value), exact in a double. Collisions between
 * different candidates are ~2^-53 per pair: harmless for blocking, and scoring compares keys only.
 */
export function candidateKey(type: keyof typeof FIELD_OF_TYPE, value: string): number {
  let h1 = 0x811c9dc5;
  let h2 = 0x01000193 ^ type.length;
  const s = `${type}:${value}`;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995) ^ (h2 >>> 15);
  }
  return (h1 >>> 0) * 0x200000 + ((h2 >>> 0) & 0x1fffff);
}

/** The key a valid identifier value held in `field` answers to. */
export function validValueKey(field: 'uscc' | 'rid' | 'org', value: string): number {
  return candidateKey(TYPE_OF_FIELD[field], value);
}

/**
 * The candidates of a broken value: targets held in the data (a count > 0) and the keys of all.
 *
 * @example
 * brokenCandidates(table, 'B11010519491231003X'.slice(1)).targets; // [id of RID 11010519491231002X] when some row holds it
 */
export function brokenCandidates(t: FeatureTable, broken: string): BrokenCandidates {
  const targets: number[] = [];
  const cands = identifierCandidates(broken);
  const keys = new Float64Array(cands.length);
  cands.forEach((n, i) => {
    keys[i] = candidateKey(n.type, n.value);
    const id = t.lookup(FIELD_OF_TYPE[n.type], n.value);
    if (id !== 0 && t.counts[id]! > 0) targets.push(id);
  });
  keys.sort();
  return { targets, keys };
}

/** True when two sorted key arrays share a key. */
export function shareKey(a: Float64Array, b: Float64Array): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) return true;
    if (x < y) i++;
    else j++;
  }
  return false;
}

/**
 * Per call: who points at whom through broken identifiers. `reverseTypo` maps a row holding a target
 * to the broken rows targeting it; `keyRows` lists (key, broken row) sorted by key.
 */
export interface TypoIndex {
  candidates: Map<number, BrokenCandidates>;
  reverseTypo: Map<number, number[]>;
  keys: Float64Array;
  rows: Int32Array;
}

export function buildTypoIndex(index: BlockIndex, candidates: Map<number, BrokenCandidates>): TypoIndex {
  const reverseTypo = new Map<number, number[]>();
  let n = 0;
  for (const [row, c] of candidates) {
    n += c.keys.length;
    for (const v of c.targets) {
      for (const o of holders(index, v)) {
        if (o === row) continue;
        let list = reverseTypo.get(o);
        if (!list) reverseTypo.set(o, (list = []));
        list.push(row);
      }
    }
  }
  const keys = new Float64Array(n);
  const rowsUnsorted = new Int32Array(n);
  let k = 0;
  for (const [row, c] of candidates) {
    for (const key of c.keys) {
      keys[k] = key;
      rowsUnsorted[k++] = row;
    }
  }
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  order.sort((a, b) => keys[a]! - keys[b]! || rowsUnsorted[a]! - rowsUnsorted[b]!);
  const sortedKeys = new Float64Array(n);
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    sortedKeys[i] = keys[order[i]!]!;
    rows[i] = rowsUnsorted[order[i]!]!;
  }
  return { candidates, reverseTypo, keys: sortedKeys, rows };
}

/** Broken rows having `key` among their candidates. */
export function rowsWithKey(ti: TypoIndex, key: number): Int32Array {
  let lo = 0;
  let hi = ti.keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ti.keys[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  let end = lo;
  while (end < ti.keys.length && ti.keys[end] === key) end++;
  return ti.rows.subarray(lo, end);
}

/**
 * Every pair (a < b) sharing an uncapped block, each once, plus typo pairs and pairs of broken values
 * sharing a candidate; calls `visit(a, b)`. A block larger than `maxBlockSize` is skipped: its value
 * is too common to pair on, and its records still meet through their other values.
 */
export function forEachCandidatePair(t: FeatureTable, index: BlockIndex, maxBlockSize: number, ti: TypoIndex, visit: (a: number, b: number) => void): void {
  const c = t.cols;
  const typoSeen = new Set<number>();
  const once = (x: number, y: number) => {
    const a = Math.min(x, y);
    const b = Math.max(x, y);
    const key = a * 0x4000000 + b;
    if (typoSeen.has(key) || sameHardIdentifier(t, a, b)) return;
    typoSeen.add(key);
    visit(a, b);
  };
  // Typo pairs first; remembered so a block that also holds the pair does not score it again.
  for (const [row, cands] of ti.candidates) for (const v of cands.targets) for (const other of holders(index, v)) if (other !== row) once(row, other);
  // Broken values sharing a candidate (two slips of one number), groups up to the block cap.
  for (let s = 0; s < ti.keys.length; ) {
    let e = s + 1;
    while (e < ti.keys.length && ti.keys[e] === ti.keys[s]) e++;
    if (e - s >= 2 && e - s <= maxBlockSize) {
      for (let x = s; x < e; x++) for (let y = x + 1; y < e; y++) if (ti.rows[x] !== ti.rows[y]) once(ti.rows[x]!, ti.rows[y]!);
    }
    s = e;
  }
  const fieldCols = BLOCK_FIELDS.map((f) => c[f]);
  for (let fi = 0; fi < BLOCK_FIELDS.length; fi++) {
    const col = fieldCols[fi]!;
    for (let r = 0; r < t.size; r++) {
      const v = col[r]!;
      if (v === 0) continue;
      const s = index.start[v]!;
      const e = index.start[v + 1]!;
      // Visit each block once, from its first member.
      if (index.members[s] !== r || e - s < 2 || e - s > maxBlockSize) continue;
      for (let x = s; x < e; x++) {
        const a0 = index.members[x]!;
        for (let y = x + 1; y < e; y++) {
          const b0 = index.members[y]!;
          const a = Math.min(a0, b0);
          const b = Math.max(a0, b0);
          if (sharedEarlier(index, fieldCols, fi, a, b, maxBlockSize)) continue;
          if ((c.broken[a] !== 0 || c.broken[b] !== 0) && typoSeen.has(a * 0x4000000 + b)) continue;
          if (sameHardIdentifier(t, a, b)) continue;
          visit(a, b);
        }
      }
    }
  }
}

/** True when a and b also share an uncapped block of an earlier field (so that block scores the pair). */
function sharedEarlier(index: BlockIndex, cols: Int32Array[], fi: number, a: number, b: number, cap: number): boolean {
  for (let g = 0; g < fi; g++) {
    const col = cols[g]!;
    const v = col[a]!;
    if (v !== 0 && v === col[b]) {
      const size = index.start[v + 1]! - index.start[v]!;
      if (size <= cap) return true;
    }
  }
  return false;
}

/**
 * The candidate partners of one row (for incremental resolution): members of its uncapped blocks,
 * its hard-identifier group, typo partners in both directions and broken values sharing a candidate.
 */
export function candidatePartners(
  t: FeatureTable,
  index: BlockIndex,
  maxBlockSize: number,
  ti: TypoIndex,
  row: number,
  out: (other: number, hard: boolean) => void,
): void {
  const c = t.cols;
  for (const f of ['uscc', 'rid', 'org'] as const) {
    const v = c[f][row]!;
    if (v !== 0) for (const o of holders(index, v)) if (o !== row) out(o, true);
  }
  for (const f of BLOCK_FIELDS) {
    const v = c[f][row]!;
    if (v === 0) continue;
    const h = holders(index, v);
    if (h.length > maxBlockSize) continue;
    for (const o of h) if (o !== row) out(o, false);
  }
  const mine = ti.candidates.get(row);
  if (mine !== undefined) {
    for (const v of mine.targets) for (const o of holders(index, v)) if (o !== row) out(o, false);
    for (const key of mine.keys) {
      const rows = rowsWithKey(ti, key);
      if (rows.length <= maxBlockSize) for (const o of rows) if (o !== row) out(o, false);
    }
  }
  for (const o of ti.reverseTypo.get(row) ?? []) out(o, false);
}
