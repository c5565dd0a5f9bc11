// Blocking: only records that share a value (name, phone, address, an invalid identifier string) or
// whose identifiers are one typo apart are ever compared, so cost grows with the number of records
// times the (capped) block size, not with its square. Blocks are a CSR index over interned value ids.

import type { FeatureTable, Field } from './features.js';
import { typoNeighbours } from './identifier-evidence.js';

/** Fields whose shared values pair records, in dedupe order (a pair is scored in the first block it shares). */
export const BLOCK_FIELDS: readonly Field[] = ['name', 'phone', 'addr', 'broken'];
/** Fields indexed so hard links and typo lookups find a value's holders. */
const INDEXED_FIELDS: readonly Field[] = ['uscc', 'rid', 'org', 'broken', 'name', 'phone', 'addr'];

/** Rows holding each value id: members[start[v] .. start[v+1]). */
export interface BlockIndex {
  start: Int32Array;
  members: Int32Array;
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

/**
 * Value ids of the valid identifiers held in the data that a broken value is one typo from.
 *
 * @example
 * typoTargetIds(table, 'B11010519491231003X'.slice(1)); // [id of RID 11010519491231002X] when some row holds it
 */
export function typoTargetIds(t: FeatureTable, broken: string): number[] {
  const out: number[] = [];
  for (const n of typoNeighbours(broken)) {
    const id = t.lookup(n.type === 'USCC' ? 'uscc' : n.type === 'RESIDENT_ID' ? 'rid' : 'org', n.value);
    if (id !== 0 && t.counts[id]! > 0) out.push(id);
  }
  return out;
}

/**
 * Every pair (a < b) sharing an uncapped block, each once, plus typo pairs; calls `visit(a, b)`.
 * A block larger than `maxBlockSize` is skipped: its value is too common to pair on, and its records
 * still meet through their other values.
 */
export function forEachCandidatePair(
  t: FeatureTable,
  index: BlockIndex,
  maxBlockSize: number,
  typoTargets: Map<number, number[]>,
  visit: (a: number, b: number) => void,
): void {
  const c = t.cols;
  const typoSeen = new Set<number>();
  // Typo pairs first; remembered so a block that also holds the pair does not score it again.
  for (const [row, targets] of typoTargets) {
    for (const v of targets) {
      for (const other of holders(index, v)) {
        if (other === row) continue;
        const a = Math.min(row, other);
        const b = Math.max(row, other);
        const key = a * 0x4000000 + b;
        if (typoSeen.has(key)) continue;
        typoSeen.add(key);
        visit(a, b);
      }
    }
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
 * its hard-identifier group, and typo partners in both directions.
 */
export function candidatePartners(
  t: FeatureTable,
  index: BlockIndex,
  maxBlockSize: number,
  typoTargets: Map<number, number[]>,
  reverseTypo: Map<number, number[]>,
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
  for (const v of typoTargets.get(row) ?? []) for (const o of holders(index, v)) if (o !== row) out(o, false);
  for (const o of reverseTypo.get(row) ?? []) out(o, false);
}

const VARIANT_CHARS = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/**
 * Every string one substitution or adjacent swap from `value` (valid or not): used from the valid
 * side to find the broken values that are one typo away from a newly added identifier.
 */
export function oneTypoVariants(value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const head = value.slice(0, i);
    const tail = value.slice(i + 1);
    for (let k = 0; k < VARIANT_CHARS.length; k++) {
      const ch = VARIANT_CHARS.charAt(k);
      if (ch !== value.charAt(i)) out.push(head + ch + tail);
    }
    if (i + 1 < value.length && value.charAt(i) !== value.charAt(i + 1)) {
      out.push(head + value.charAt(i + 1) + value.charAt(i) + value.slice(i + 2));
    }
  }
  return out;
}
