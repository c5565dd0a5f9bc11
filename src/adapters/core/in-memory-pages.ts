import type { DepartmentSpec } from '../spec/department-spec.js';
import type { RawRecord } from '../spec/fields.js';
import type { PermitPosition, PermitQuery, RawPage } from './contract.js';
import { comparePermitOrder } from './permit-order.js';
import { instantReader, readText } from './spec-values.js';

/** Where a raw permit record sits in list order: its application instant (null sorts last) and key. */
export interface Place {
  applied: number | null;
  key: string;
}

/**
 * Raw permit records in list order, each record's place and filter values read once, so any number
 * of queries page over them without reading a record twice.
 */
export interface OrderedPermits {
  readonly records: readonly RawRecord[];
  readonly size: number;
  /** @internal per-record columns, by index in `records`. */
  readonly columns: Columns;
}

interface Columns {
  applied: Array<number | null>;
  keys: string[];
  statuses: Array<string | null>;
  applicants: Array<string | null>;
  items: Array<string | null>;
  /** Record indexes per applicant, built on the first query that asks by applicant. */
  byApplicant?: Map<string, number[]>;
}

/**
 * Paging, filtering and ordering done in memory, over raw permit records (values under their unified
 * names, as every connector hands them over), for kinds whose system cannot filter or order exactly:
 * the connector selects the smallest superset the system can, then answers each query here with an
 * exact total. Written once for every non-SQL kind. The application time is read with the spec
 * mapper's own reader (`instantReader`) and keys compare by code point, so this order and the mapped
 * values always agree; a record whose date does not read sorts with the missing ones (the mapper
 * rejects it).
 *
 * @example
 * const memory = inMemoryPermits(spec);
 * const ordered = memory.order(records);
 * const [page] = queries.map((q) => memory.page(ordered, q)); // { total, rows }
 */
export interface InMemoryPermits {
  /** The records in list order: appliedAt descending (missing last), then key ascending by code point. */
  order(records: readonly RawRecord[]): OrderedPermits;
  /** One query over ordered records: every filter, the total they match, then `after` and `limit`. */
  page(ordered: OrderedPermits, query: PermitQuery): RawPage<RawRecord>;
  /** A record's place in list order. */
  placeOf(record: RawRecord): Place;
  /** A query position as a place; throws a RangeError when its time is no ISO instant. */
  placeOfPosition(position: PermitPosition): Place;
}

/** See `InMemoryPermits`. */
export function inMemoryPermits(spec: Pick<DepartmentSpec, 'permits' | 'timeZone'>): InMemoryPermits {
  const appliedField = spec.permits.fields.appliedAt;
  const readApplied = appliedField === undefined ? null : instantReader(appliedField, spec.timeZone);
  const applied = (raw: unknown): number | null => {
    if (readApplied === null) return null;
    const read = readApplied(raw);
    return read.ok ? read.value : null;
  };
  const placeOf = (record: RawRecord): Place => ({ applied: applied(record.appliedAt), key: readText(record.key) ?? '' });

  return {
    placeOf,
    placeOfPosition: (position) => ({ applied: position.appliedAt === null ? null : isoMs(position.appliedAt), key: position.localId }),

    order(records) {
      const n = records.length;
      const places = new Array<Place>(n);
      const index = new Array<number>(n);
      for (let i = 0; i < n; i++) {
        places[i] = placeOf(records[i]!);
        index[i] = i;
      }
      index.sort((a, b) => comparePermitOrder(places[a]!.applied, places[a]!.key, places[b]!.applied, places[b]!.key));
      const sorted = new Array<RawRecord>(n);
      const columns: Columns = { applied: new Array(n), keys: new Array(n), statuses: new Array(n), applicants: new Array(n), items: new Array(n) };
      for (let i = 0; i < n; i++) {
        const record = records[index[i]!]!;
        const place = places[index[i]!]!;
        sorted[i] = record;
        columns.applied[i] = place.applied;
        columns.keys[i] = place.key;
        columns.statuses[i] = readText(record.status);
        columns.applicants[i] = readText(record.applicant);
        columns.items[i] = readText(record.serviceItem);
      }
      return { records: sorted, size: n, columns };
    },

    page(ordered, q) {
      const c = ordered.columns;
      const statusIn = q.rawStatusIn && new Set(q.rawStatusIn);
      const statusNotIn = q.rawStatusNotIn && new Set(q.rawStatusNotIn);
      const items = q.serviceItemCodes && new Set(q.serviceItemCodes);
      const from = q.appliedFrom === undefined ? undefined : isoMs(q.appliedFrom);
      const to = q.appliedTo === undefined ? undefined : isoMs(q.appliedTo);
      const after = q.after && { applied: q.after.appliedAt === null ? null : isoMs(q.after.appliedAt), key: q.after.localId };
      let total = 0;
      const rows: RawRecord[] = [];
      const visit = (i: number) => {
        const status = c.statuses[i]!;
        if (statusIn && (status === null || !statusIn.has(status))) return;
        // A record without a status is "none of these": it is what UNKNOWN asks for.
        if (statusNotIn && status !== null && statusNotIn.has(status)) return;
        if (items && (c.items[i] === null || !items.has(c.items[i]!))) return;
        const appliedMs = c.applied[i]!;
        if (from !== undefined && (appliedMs === null || appliedMs < from)) return;
        if (to !== undefined && (appliedMs === null || appliedMs > to)) return;
        total++;
        if (rows.length >= q.limit) return;
        if (after && comparePermitOrder(appliedMs, c.keys[i]!, after.applied, after.key) <= 0) return;
        rows.push(ordered.records[i]!);
      };
      if (q.applicantLocalIds) {
        // By applicant: visit only their records (index lists, merged back into list order).
        const byApplicant = (c.byApplicant ??= indexByApplicant(c.applicants));
        const ids = [...new Set(q.applicantLocalIds)];
        const lists = ids.map((id) => byApplicant.get(id) ?? []);
        const positions = lists.length === 1 ? lists[0]! : lists.flat().sort((a, b) => a - b);
        for (const i of positions) visit(i);
      } else {
        for (let i = 0; i < ordered.size; i++) visit(i);
      }
      return { total, rows };
    },
  };
}

function indexByApplicant(applicants: ReadonlyArray<string | null>): Map<string, number[]> {
  const map = new Map<string, number[]>();
  applicants.forEach((applicant, i) => {
    if (applicant === null) return;
    const list = map.get(applicant);
    if (list) list.push(i);
    else map.set(applicant, [i]);
  });
  return map;
}

function isoMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError('not an ISO 8601 instant');
  return ms;
}
