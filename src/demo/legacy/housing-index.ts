// In-memory indexes behind the fake housing API, so queries stay fast at a million permits: one
// array pre-sorted in the API's order (applyDate desc, permitNo asc), per-unit lists of positions in
// that array, and maps by id.

import type { HousingPermit, HousingUnit } from '../generate/types.js';

export interface PermitQuery {
  unitIds?: readonly string[];
  statuses?: readonly number[];
  itemCodes?: readonly string[];
  /** YYYYMMDD, inclusive */
  applyFrom?: string;
  /** YYYYMMDD, inclusive */
  applyTo?: string;
  /** Only rows strictly after this position in the sort order. */
  after?: { applyDate: string; permitNo: string };
  limit: number;
}

/** The API's order: applyDate descending, then permitNo ascending (plain string comparison). */
export function comparePermits(a: { applyDate: string; permitNo: string }, b: { applyDate: string; permitNo: string }): number {
  if (a.applyDate !== b.applyDate) return a.applyDate > b.applyDate ? -1 : 1;
  return a.permitNo < b.permitNo ? -1 : a.permitNo > b.permitNo ? 1 : 0;
}

/** First index in `sorted` whose row compares greater than `key` (or equal, when `inclusive`). */
function lowerBound(sorted: readonly HousingPermit[], key: { applyDate: string; permitNo: string }, inclusive: boolean): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const c = comparePermits(sorted[mid]!, key);
    if (c < 0 || (c === 0 && !inclusive)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Indexed housing data.
 *
 * @example
 * const index = new HousingIndex(units, permits);
 * index.queryPermits({ unitIds: ['U1'], limit: 50 }); // { total, rows }
 */
export class HousingIndex {
  readonly sorted: HousingPermit[];
  private readonly positionsByUnit = new Map<string, number[]>();
  private readonly permitsById = new Map<string, HousingPermit>();
  private readonly unitsById = new Map<string, HousingUnit>();

  constructor(
    readonly units: readonly HousingUnit[],
    permits: readonly HousingPermit[],
  ) {
    this.sorted = [...permits].sort(comparePermits);
    this.sorted.forEach((p, i) => {
      let list = this.positionsByUnit.get(p.unitId);
      if (list === undefined) this.positionsByUnit.set(p.unitId, (list = []));
      list.push(i); // ascending, since we walk the sorted array in order
      this.permitsById.set(p.permitNo, p);
    });
    for (const u of units) this.unitsById.set(u.unitId, u);
  }

  /** Matching rows in API order after `after`, up to `limit`, and the total ignoring after/limit. */
  queryPermits(q: PermitQuery): { total: number; rows: HousingPermit[] } {
    const sorted = this.sorted;
    // applyDate window → a contiguous slice [lo, hi) of the sorted array.
    const lo = q.applyTo === undefined ? 0 : lowerBound(sorted, { applyDate: q.applyTo, permitNo: '' }, true);
    // '\uffff' sorts after every permit number, so this finds the first row dated before applyFrom.
    const hi = q.applyFrom === undefined ? sorted.length : lowerBound(sorted, { applyDate: q.applyFrom, permitNo: '\uffff' }, false);
    const start = q.after === undefined ? 0 : lowerBound(sorted, q.after, false);
    const statuses = q.statuses && q.statuses.length > 0 ? new Set(q.statuses) : null;
    const items = q.itemCodes && q.itemCodes.length > 0 ? new Set(q.itemCodes) : null;
    const matches = (p: HousingPermit): boolean => (statuses === null || statuses.has(p.statusCode)) && (items === null || items.has(p.itemCode));

    const rows: HousingPermit[] = [];
    let total = 0;
    const visit = (i: number): void => {
      const p = sorted[i]!;
      if (!matches(p)) return;
      total++;
      if (i >= start && rows.length < q.limit) rows.push(p);
    };

    if (q.unitIds !== undefined) {
      const positions: number[] = [];
      for (const id of new Set(q.unitIds)) {
        for (const i of this.positionsByUnit.get(id) ?? []) if (i >= lo && i < hi) positions.push(i);
      }
      positions.sort((a, b) => a - b);
      for (const i of positions) visit(i);
    } else if (statuses === null && items === null) {
      // No row filter: the answer is a slice, no scan needed.
      total = Math.max(0, hi - lo);
      const from = Math.max(lo, start);
      return { total, rows: sorted.slice(from, Math.max(from, Math.min(hi, from + q.limit))) };
    } else {
      for (let i = lo; i < hi; i++) visit(i);
    }
    return { total, rows };
  }

  /** Permits by number, in the order asked; unknown numbers are left out. */
  permitsByIds(ids: readonly string[]): HousingPermit[] {
    const out: HousingPermit[] = [];
    for (const id of new Set(ids)) {
      const p = this.permitsById.get(id);
      if (p !== undefined) out.push(p);
    }
    return out;
  }

  unitsByIds(ids: readonly string[]): HousingUnit[] {
    const out: HousingUnit[] = [];
    for (const id of new Set(ids)) {
      const u = this.unitsById.get(id);
      if (u !== undefined) out.push(u);
    }
    return out;
  }
}
