import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { BadDataError } from '../core/adapter-error.js';
import type { CallContext, Connector, PermitPosition, PermitQuery, RawPage } from '../core/contract.js';
import { columnIndexes, csvRecords, decodeText, REPLACEMENT_CHAR, yieldToEventLoop } from '../core/csv-export.js';
import { compareCodePoints, comparePermitOrder } from '../core/permit-order.js';
import {
  HEALTH_COLUMNS,
  HEALTH_EXPORT_ENCODING,
  HEALTH_EXPORT_FILE,
  type HealthApplicantRow,
  type HealthPermitRecord,
  type HealthPermitRow,
  type HealthUnreadableRow,
} from './legacy-types.js';
import { healthDate } from './mapper.js';

/** The file operations the connector uses; tests wrap them to count reads. */
export interface ExportFs {
  readdir(dir: string): Promise<string[]>;
  stat(path: string): Promise<{ mtimeMs: number; size: number }>;
  readFile(path: string): Promise<Uint8Array>;
}

export interface HealthConnectorOptions {
  fs?: ExportFs;
  /**
   * How long a loaded export is trusted before the directory is looked at again, in milliseconds
   * (default 1000). Exports arrive nightly; this only spares a burst of calls a `readdir` + `stat` each.
   */
  recheckMs?: number;
}

/** A row the connector rejected, for the operator: which permit (or line) and why. */
export interface HealthBadRecord {
  /** The 许可证号 when it could be read, else `line <n>`. */
  localId: string;
  line: number;
  reason: string;
}

/** Which file a snapshot came from; a change in any part means the export must be read again. */
interface FileId {
  name: string;
  mtimeMs: number;
  size: number;
}

/** A servable row with the keys lists filter and sort on, trimmed and parsed once at load. */
interface Entry {
  row: HealthPermitRow;
  id: string;
  applicantNo: string;
  /** Trimmed 状态; null when blank. */
  status: string | null;
  itemCode: string;
  appliedMs: number | null;
}

/** Whole-list filter results kept per snapshot, so deep pages of a filtered million-row list stay fast. */
const FILTER_CACHE_SIZE = 8;
/** Rows read between yields to the event loop while loading. */
const ROWS_PER_TURN = 20_000;

/**
 * Serves the health department's nightly CSV exports from `dir`. The newest complete
 * `xkxx_<YYYYMMDD>.csv` (by name; `.part`/`.tmp` files are ignored) is read once into memory with
 * indexes — by 许可证号, by 申请人编号, and all rows in list order — and read again only when a newer
 * export appears or that file's mtime or size changes; a call that finds nothing new does a `readdir`
 * and a `stat` and reads no file. Every call is one such check, whatever the batch.
 *
 * Rows that cannot be served (wrong column count, broken quoting, undecodable bytes, a 申请日期 that
 * is no date, a 许可证号 used twice) never appear in pages or totals; `badRecords()` lists them, and
 * `getPermits` returns them as unreadable records so the mapper rejects them and the core logs them.
 *
 * @example
 * const connector = new HealthExportConnector('/srv/exports/health');
 * const [page] = await connector.listPermits([{ rawStatusIn: ['准予许可'], limit: 21 }], { signal });
 * connector.badRecords(); // [{ localId: 'WS2023000417', line: 418, reason: '18 columns, expected 17' }]
 */
export class HealthExportConnector implements Connector<HealthPermitRecord, HealthApplicantRow> {
  readonly #dir: string;
  readonly #fs: ExportFs;
  readonly #recheckMs: number;
  #snapshot: Snapshot | null = null;
  /** The newest export when it could not be read as a whole, so it is not read again until it changes. */
  #failed: { file: FileId; error: Error } | null = null;
  #checkedAt = -Infinity;
  #pending: Promise<Snapshot> | null = null;

  constructor(dir: string, options: HealthConnectorOptions = {}) {
    this.#dir = dir;
    this.#fs = options.fs ?? defaultFs;
    this.#recheckMs = options.recheckMs ?? 1000;
  }

  async listPermits(queries: readonly PermitQuery[], _ctx: CallContext): Promise<Array<RawPage<HealthPermitRecord>>> {
    const snapshot = await this.#current();
    return queries.map((q) => snapshot.page(q));
  }

  async getPermits(localIds: readonly string[], _ctx: CallContext): Promise<HealthPermitRecord[]> {
    return (await this.#current()).permits(localIds);
  }

  /** Applicants by 申请人编号 in code-point order; `after` is the last 申请人编号 returned. */
  async listApplicants(after: string | null, limit: number, _ctx: CallContext): Promise<{ rows: HealthApplicantRow[]; next: string | null }> {
    return (await this.#current()).applicantPage(after, limit);
  }

  /**
   * The rows of the loaded export that are not served, with line and reason; empty before the first
   * load. Not part of the connector contract: the core has no channel for rows a connector rejects.
   */
  badRecords(): HealthBadRecord[] {
    return this.#snapshot ? [...this.#snapshot.bad] : [];
  }

  /** Starts loading the newest export now, so the first call does not pay for it; failures are left to that call. */
  warm(): void {
    this.#current().catch(() => undefined);
  }

  async close(): Promise<void> {
    this.#snapshot = null;
  }

  #current(): Promise<Snapshot> {
    if (this.#snapshot && performance.now() - this.#checkedAt < this.#recheckMs) return Promise.resolve(this.#snapshot);
    // Concurrent calls share one look at the directory (and one load).
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async #refresh(): Promise<Snapshot> {
    for (let attempt = 0; ; attempt++) {
      try {
        const checked = performance.now();
        const name = (await this.#fs.readdir(this.#dir)).filter((n) => HEALTH_EXPORT_FILE.test(n)).sort().at(-1);
        if (name === undefined) throw new NoExportError();
        const path = join(this.#dir, name);
        const stat = await this.#fs.stat(path);
        const file: FileId = { name, mtimeMs: stat.mtimeMs, size: stat.size };
        if (this.#snapshot && sameFile(this.#snapshot.file, file)) {
          this.#checkedAt = checked;
          return this.#snapshot;
        }
        if (this.#failed && sameFile(this.#failed.file, file)) throw this.#failed.error;
        const bytes = await this.#fs.readFile(path);
        try {
          const snapshot = await readSnapshot(bytes, file);
          this.#snapshot = snapshot;
          this.#failed = null;
          this.#checkedAt = checked;
          return snapshot;
        } catch (error) {
          if (error instanceof BadDataError) this.#failed = { file, error };
          throw error;
        }
      } catch (error) {
        // The newest export was renamed or replaced between listing and reading it: look again, once.
        if (attempt === 0 && !(error instanceof NoExportError) && (error as { code?: unknown }).code === 'ENOENT') continue;
        throw error;
      }
    }
  }
}

/** No complete export in the directory yet. Coded ENOENT so the core reports the department UNREACHABLE. */
class NoExportError extends Error {
  override name = 'NoExportError';
  readonly code = 'ENOENT';
  constructor() {
    super('no complete health export (xkxx_<YYYYMMDD>.csv) yet');
  }
}

const defaultFs: ExportFs = {
  readdir: (dir) => nodeFs.readdir(dir),
  stat: (path) => nodeFs.stat(path),
  readFile: (path) => nodeFs.readFile(path),
};

const sameFile = (a: FileId, b: FileId) => a.name === b.name && a.mtimeMs === b.mtimeMs && a.size === b.size;

/** One export, parsed and indexed. Immutable once built; a newer export builds a new one. */
class Snapshot {
  readonly #byId = new Map<string, Entry>();
  readonly #byApplicant = new Map<string, Entry[]>();
  readonly #filtered = new Map<string, Entry[]>();

  constructor(
    readonly file: FileId,
    /** Every servable row in list order. */
    readonly sorted: readonly Entry[],
    /** Applicants in 申请人编号 code-point order. */
    readonly applicants: readonly HealthApplicantRow[],
    readonly bad: readonly HealthBadRecord[],
    /** Unservable rows by 许可证号, for ids no servable row has. */
    readonly unreadable: ReadonlyMap<string, HealthUnreadableRow>,
  ) {
    for (const entry of sorted) {
      this.#byId.set(entry.id, entry);
      // Walking the sorted array keeps each applicant's list in order too.
      let list = this.#byApplicant.get(entry.applicantNo);
      if (!list) this.#byApplicant.set(entry.applicantNo, (list = []));
      list.push(entry);
    }
  }

  page(q: PermitQuery): RawPage<HealthPermitRecord> {
    const matching = this.#matching(q);
    const start = q.after ? firstAfter(matching, q.after) : 0;
    return { total: matching.length, rows: matching.slice(start, start + Math.max(0, q.limit)).map((e) => e.row) };
  }

  permits(localIds: readonly string[]): HealthPermitRecord[] {
    const out: HealthPermitRecord[] = [];
    for (const id of new Set(localIds)) {
      const found = this.#byId.get(id)?.row ?? this.unreadable.get(id);
      if (found) out.push(found);
    }
    return out;
  }

  applicantPage(after: string | null, limit: number): { rows: HealthApplicantRow[]; next: string | null } {
    let lo = 0;
    if (after !== null) {
      let hi = this.applicants.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (compareCodePoints(this.applicants[mid]!.applicantNo.trim(), after) <= 0) lo = mid + 1;
        else hi = mid;
      }
    }
    const rows = this.applicants.slice(lo, lo + Math.max(0, limit));
    const more = lo + rows.length < this.applicants.length;
    return { rows, next: more && rows.length > 0 ? rows.at(-1)!.applicantNo.trim() : null };
  }

  /** The rows matching the query's filters (not `after`/`limit`), in list order. */
  #matching(q: PermitQuery): readonly Entry[] {
    let candidates: readonly Entry[] = this.sorted;
    if (q.applicantLocalIds) {
      const ids = [...new Set(q.applicantLocalIds)];
      const lists = ids.flatMap((id) => this.#byApplicant.get(id) ?? []);
      // Each applicant's list is in order already; only a union needs sorting.
      candidates = ids.length > 1 ? lists.sort(compareEntries) : lists;
    }
    const keep = predicate(q);
    if (!keep) return candidates;
    if (candidates !== this.sorted) return candidates.filter(keep);
    const key = JSON.stringify([q.rawStatusIn, q.rawStatusNotIn, q.serviceItemCodes, q.appliedFrom, q.appliedTo]);
    let hit = this.#filtered.get(key);
    if (hit) this.#filtered.delete(key);
    else hit = candidates.filter(keep);
    this.#filtered.set(key, hit);
    if (this.#filtered.size > FILTER_CACHE_SIZE) this.#filtered.delete(this.#filtered.keys().next().value!);
    return hit;
  }
}

/** The query's filters other than applicant ids as one test, or null when there are none. */
function predicate(q: PermitQuery): ((e: Entry) => boolean) | null {
  const tests: Array<(e: Entry) => boolean> = [];
  if (q.rawStatusIn) {
    const codes = new Set(q.rawStatusIn);
    tests.push((e) => e.status !== null && codes.has(e.status));
  }
  if (q.rawStatusNotIn && q.rawStatusNotIn.length > 0) {
    const codes = new Set(q.rawStatusNotIn);
    // A blank status is "none of these": it is what UNKNOWN asks for.
    tests.push((e) => e.status === null || !codes.has(e.status));
  }
  if (q.serviceItemCodes) {
    const codes = new Set(q.serviceItemCodes);
    tests.push((e) => codes.has(e.itemCode));
  }
  if (q.appliedFrom !== undefined) {
    const from = isoMs(q.appliedFrom);
    tests.push((e) => e.appliedMs !== null && e.appliedMs >= from);
  }
  if (q.appliedTo !== undefined) {
    const to = isoMs(q.appliedTo);
    tests.push((e) => e.appliedMs !== null && e.appliedMs <= to);
  }
  if (tests.length === 0) return null;
  return (e) => tests.every((t) => t(e));
}

const compareEntries = (a: Entry, b: Entry) => comparePermitOrder(a.appliedMs, a.id, b.appliedMs, b.id);

/** Index of the first entry strictly after the position, by binary search over list order. */
function firstAfter(sorted: readonly Entry[], position: PermitPosition): number {
  const ms = position.appliedAt === null ? null : isoMs(position.appliedAt);
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const e = sorted[mid]!;
    if (comparePermitOrder(e.appliedMs, e.id, ms, position.localId) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function isoMs(iso: string): number {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new RangeError('not an ISO 8601 instant');
  return ms;
}

/**
 * Decodes, parses and indexes one export. The file as a whole is bad (BadDataError) only when its
 * header is: empty, broken, or missing a column. Any single row that cannot be served is set aside
 * with its line and reason, and the rest is served.
 */
async function readSnapshot(bytes: Uint8Array, file: FileId): Promise<Snapshot> {
  const text = await decodeText(bytes, HEALTH_EXPORT_ENCODING);
  const records = csvRecords(text);
  const head = records.next();
  if (head.done) throw new BadDataError('health export is empty');
  if (head.value.error) throw new BadDataError(`health export header is unreadable: ${head.value.error}`);
  const at = columnIndexes(head.value.fields, HEALTH_COLUMNS);
  const width = head.value.fields.length;

  const entries: Entry[] = [];
  const rejected: HealthUnreadableRow[] = [];
  const applicants = new Map<string, HealthApplicantRow>();
  let count = 0;
  for (const { line, fields, error } of records) {
    if (++count % ROWS_PER_TURN === 0) await yieldToEventLoop();
    const cell = (column: keyof typeof HEALTH_COLUMNS) => fields[at[column]] ?? '';
    const permitNo = cell('permitNo').trim() || null;
    const reject = (reason: string) => rejected.push({ kind: 'unreadable', line, permitNo, reason });
    if (error) {
      reject(error);
      continue;
    }
    if (fields.length !== width) {
      reject(`${fields.length} columns, expected ${width}`);
      continue;
    }
    if (fields.some((f) => f.includes(REPLACEMENT_CHAR))) {
      reject(`bytes that do not decode as ${HEALTH_EXPORT_ENCODING}`);
      continue;
    }
    const applicantNo = cell('applicantNo').trim();
    // The applicant's columns repeat on each of its rows: the first occurrence describes it.
    if (applicantNo && !applicants.has(applicantNo)) {
      applicants.set(applicantNo, {
        line,
        applicantNo: cell('applicantNo'),
        name: cell('name'),
        applicantType: cell('applicantType'),
        certType: cell('certType'),
        certNo: cell('certNo'),
        tel: cell('tel'),
        addr: cell('addr'),
      });
    }
    if (permitNo === null) {
      reject('blank 许可证号');
      continue;
    }
    const applied = healthDate(cell('applyDate'));
    // Without a real 申请日期 the row has no place in list order; null would be a guess.
    if (!applied.ok) {
      reject(`申请日期 "${cell('applyDate')}" is not a date`);
      continue;
    }
    const row: HealthPermitRow = {
      kind: 'row',
      line,
      permitNo: cell('permitNo'),
      applicantNo: cell('applicantNo'),
      itemCode: cell('itemCode'),
      itemTitle: cell('itemTitle'),
      status: cell('status'),
      applyDate: cell('applyDate'),
      decisionDate: cell('decisionDate'),
      expireDate: cell('expireDate'),
      statutoryDays: cell('statutoryDays'),
      committedDays: cell('committedDays'),
      usedDays: cell('usedDays'),
    };
    const status = row.status.trim();
    entries.push({
      row,
      id: permitNo,
      applicantNo,
      status: status === '' ? null : status,
      itemCode: row.itemCode.trim(),
      appliedMs: applied.value === null ? null : Date.parse(applied.value),
    });
  }

  // A 许可证号 on two rows: which one is true cannot be known, so neither is served.
  const firstLine = new Map<string, number>();
  const repeated = new Map<string, number[]>();
  for (const e of entries) {
    const first = firstLine.get(e.id);
    if (first === undefined) firstLine.set(e.id, e.row.line);
    else repeated.set(e.id, [...(repeated.get(e.id) ?? [first]), e.row.line]);
  }
  const servable = entries.filter((e) => {
    const seen = repeated.get(e.id);
    if (!seen) return true;
    rejected.push({ kind: 'unreadable', line: e.row.line, permitNo: e.id, reason: `许可证号 repeated on lines ${seen.join(', ')}` });
    return false;
  });
  servable.sort(compareEntries);

  rejected.sort((a, b) => a.line - b.line);
  const ids = new Set(servable.map((e) => e.id));
  const unreadable = new Map<string, HealthUnreadableRow>();
  for (const r of rejected) if (r.permitNo !== null && !ids.has(r.permitNo) && !unreadable.has(r.permitNo)) unreadable.set(r.permitNo, r);
  const bad = rejected.map((r) => ({ localId: r.permitNo ?? `line ${r.line}`, line: r.line, reason: r.reason }));
  const applicantRows = [...applicants.values()].sort((a, b) => compareCodePoints(a.applicantNo.trim(), b.applicantNo.trim()));
  return new Snapshot(file, servable, applicantRows, bad, unreadable);
}
