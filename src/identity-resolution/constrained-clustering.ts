// Clustering under the never-merge rules. Plain connected components chain false links (A~B on a
// phone, B~C on a name → A, B, C one applicant); here links are applied strongest first and a merge
// is refused when the two clusters, taken whole, break a rule: two different valid USCCs or resident
// IDs, a person with an organisation, a branch with its head office or another branch, different
// birth dates or sexes from valid IDs, different organisation forms, or no name in common.

import type { FeatureTable } from './features.js';

/**
 * Union–find over table rows whose roots carry the attributes the rules need.
 *
 * @example
 * const uf = new ConstrainedUnionFind(table);
 * uf.reset(row);                 // for every row to cluster
 * uf.tryMerge(a, b);             // false when a rule forbids it
 */
export class ConstrainedUnionFind {
  parent: Int32Array;
  private size: Int32Array;
  private kind: Uint8Array;
  private uscc: Int32Array;
  private rid: Int32Array;
  private branch: Int32Array;
  private birth: Int32Array;
  private sex: Uint8Array;
  private form: Uint8Array;
  /** One name key per root (pinyin for people, trade|industry for organisations); more in `moreNames`. */
  private name: Int32Array;
  private readonly moreNames = new Map<number, number[]>();

  constructor(private readonly t: FeatureTable) {
    const n = Math.max(1, t.size);
    this.parent = new Int32Array(n);
    this.size = new Int32Array(n);
    this.kind = new Uint8Array(n);
    this.uscc = new Int32Array(n);
    this.rid = new Int32Array(n);
    this.branch = new Int32Array(n);
    this.birth = new Int32Array(n);
    this.sex = new Uint8Array(n);
    this.form = new Uint8Array(n);
    this.name = new Int32Array(n);
  }

  /** Grows to the table's size, keeping existing rows' clusters. */
  growTo(n: number): void {
    if (n <= this.parent.length) return;
    const grow = <T extends Int32Array | Uint8Array>(a: T): T => {
      const b = new (a.constructor as new (k: number) => T)(Math.max(n, a.length * 2));
      b.set(a);
      return b;
    };
    this.parent = grow(this.parent);
    this.size = grow(this.size);
    this.kind = grow(this.kind);
    this.uscc = grow(this.uscc);
    this.rid = grow(this.rid);
    this.branch = grow(this.branch);
    this.birth = grow(this.birth);
    this.sex = grow(this.sex);
    this.form = grow(this.form);
    this.name = grow(this.name);
  }

  /** Makes `row` a singleton carrying its own attributes. */
  reset(row: number): void {
    const t = this.t;
    const c = t.cols;
    this.parent[row] = row;
    this.size[row] = 1;
    this.kind[row] = t.kind[row]!;
    this.uscc[row] = c.uscc[row]!;
    this.rid[row] = c.rid[row]!;
    this.branch[row] = c.branch[row]!;
    this.birth[row] = t.birth[row]!;
    this.sex[row] = t.sex[row]!;
    this.form[row] = t.form[row]!;
    this.name[row] = c.pinyin[row] || c.name[row]!;
    this.moreNames.delete(row);
  }

  find(x: number): number {
    const p = this.parent;
    let r = x;
    while (p[r] !== r) r = p[r]!;
    while (p[x] !== r) {
      const next = p[x]!;
      p[x] = r;
      x = next;
    }
    return r;
  }

  private names(root: number): number[] {
    const first = this.name[root]!;
    if (first === 0) return [];
    const more = this.moreNames.get(root);
    return more ? [first, ...more] : [first];
  }

  /** True when the clusters of a and b may be one applicant under the never-merge rules. */
  compatible(a: number, b: number): boolean {
    const x = this.find(a);
    const y = this.find(b);
    if (x === y) return true;
    const differ = (arr: Int32Array | Uint8Array) => arr[x] !== 0 && arr[y] !== 0 && arr[x] !== arr[y];
    if (differ(this.kind) || differ(this.uscc) || differ(this.rid) || differ(this.branch) || differ(this.birth) || differ(this.sex) || differ(this.form)) {
      return false;
    }
    const nx = this.names(x);
    const ny = this.names(y);
    if (nx.length > 0 && ny.length > 0 && !nx.some((n) => ny.includes(n))) return false;
    return true;
  }

  /** Merges without checking the rules (deterministic identifier links). Returns false if already one. */
  union(a: number, b: number): boolean {
    let x = this.find(a);
    let y = this.find(b);
    if (x === y) return false;
    if (this.size[x]! < this.size[y]!) [x, y] = [y, x];
    this.parent[y] = x;
    this.size[x]! += this.size[y]!;
    const take = (arr: Int32Array | Uint8Array) => {
      if (arr[x] === 0) arr[x] = arr[y]!;
    };
    take(this.kind);
    take(this.uscc);
    take(this.rid);
    take(this.branch);
    take(this.birth);
    take(this.sex);
    take(this.form);
    const merged = [...new Set([...this.names(x), ...this.names(y)])];
    this.name[x] = merged[0] ?? 0;
    if (merged.length > 1) this.moreNames.set(x, merged.slice(1));
    else this.moreNames.delete(x);
    this.moreNames.delete(y);
    return true;
  }

  /** Merges when the rules allow; returns whether the two are one cluster afterwards. */
  tryMerge(a: number, b: number): boolean {
    if (!this.compatible(a, b)) return false;
    this.union(a, b);
    return true;
  }
}
