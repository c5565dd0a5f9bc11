import * as nodeFs from 'node:fs/promises';
import { join } from 'node:path';
import { BadDataError } from '../core/adapter-error.js';
import type { CallContext, Connector, PermitPosition, PermitQuery, RawPage } from '../core/contract.js';
import { columnIndexes, csvRecords, decodeText, detachString, REPLACEMENT_CHAR, yieldToEventLoop } from '../core/csv-export.js';
import { codePointKey } from '../core/permit-order.js';
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
  /**
   * How long a call that finds a newer export waits for it to load before answering from the export
   * already loaded (default 1000 ms); the first load is always waited for.
   */
  reloadWaitMs?: number;
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
  /** Trimmed 许可证号. */
  id: string;
  /** `codePointKey(id)`: sorts natively in code-point order. */
  key: string;
  applicantNo: string;
  /** Trimmed 状态; null when blank. */
  status: string | null;
  itemCode: string;
  appliedMs: number | null;
}

/** Whole-list filter results kept per snapshot, so deep pages of a filtered million-row list stay fast. */
const FILTER_CACHE_SIZE = 8;
/** Rows read between yields to the event loop while loading. */
const ROWS_PER_TURN = 5_000;

/**
 * Serves the health department's nightly CSV exports from `dir`. The newest complete
 * `xkxx_<YYYYMMDD>.csv` (by name; `.part`/`.tmp` files are ignored) is read once into memory with
 * indexes — by 许可证号, by 申请人编号, and all rows in list order — and read again only when a newer
 * export appears or that file's mtime or size changes; a call that finds nothing new does a `readdir`
 * and a `stat` and reads no file. Every call is one such check, whatever the batch. While a newer
 * export loads, calls are answered from the previous one (after `reloadWaitMs`).
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
  /** The export being read, shared by every call that finds it. */
  #loading: { file: FileId; done: Promise<Snapshot> } | null = null;
  readonly #reloadWaitMs: number;

  constructor(dir: string, options: HealthConnectorOptions = {}) {
    this.#dir = dir;
    this.#fs = options.fs ?? defaultFs;
    this.#recheckMs = options.recheckMs ?? 1000;
    this.#reloadWaitMs = options.reloadWaitMs ?? 1000;
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
    // Concurrent calls share one look at the directory.
    this.#pending ??= this.#refresh().finally(() => {
      this.#pending = null;
    });
    return this.#pending;
  }

  async #refresh(): Promise<Snapshot> {
    const checked = performance.now();
    const { path, file } = await this.#newest();
    if (this.#snapshot && sameFile(this.#snapshot.file, file)) {
      this.#checkedAt = checked;
      return this.#snapshot;
    }
    if (this.#failed && sameFile(this.#failed.file, file)) throw this.#failed.error;
    // Already being read by an earlier call: answer from the previous export meanwhile, if there is one.
    if (this.#loading && sameFile(this.#loading.file, file)) return this.#snapshot ?? this.#loading.done;
    const done = this.#load(path, file, checked);
    this.#loading = { file, done };
    done.catch(() => undefined); // failures reach the callers that wait for it; none is unhandled
    const previous = this.#snapshot;
    if (!previous) return done;
    // A large export takes seconds to read: wait briefly, then keep serving the previous one until it is
    // ready, rather than holding every call past its deadline. A nightly export is a day old anyway.
    return Promise.race([done, new Promise<Snapshot>((resolve) => setTimeout(resolve, this.#reloadWaitMs, previous).unref())]);
  }

  /** The newest complete export's name and identity: one `readdir` and one `stat`. */
  async #newest(): Promise<{ path: string; file: FileId }> {
    for (let attempt = 0; ; attempt++) {
      const name = (await this.#fs.readdir(this.#dir)).filter((n) => HEALTH_EXPORT_FILE.test(n)).sort().at(-1);
      if (name === undefined) throw new NoExportError();
      const path = join(this.#dir, name);
      try {
        const stat = await this.#fs.stat(path);
        return { path, file: { name, mtimeMs: stat.mtimeMs, size: stat.size } };
      } catch (error) {
        // Renamed or replaced between listing and stat: look again, once.
        if (attempt === 0 && (error as { code?: unknown }).code === 'ENOENT') continue;
        throw error;
      }
    }
  }

  async #load(path: string, file: FileId, checked: number): Promise<Snapshot> {
    try {
      const snapshot = await readSnapshot(await this.#fs.readFile(path), file);
      // Two loads can overlap when exports arrive quickly; an older one finishing last must not win.
      if (!this.#snapshot || !isOlder(file, this.#snapshot.file)) {
        this.#snapshot = snapshot;
        this.#failed = null;
        this.#checkedAt = checked;
      }
      return snapshot;
    } catch (error) {
      // A file that cannot be read as a whole is not read again until it changes.
      if (error instanceof BadDataError) this.#failed = { file, error };
      throw error;
    } finally {
      if (this.#loading && sameFile(this.#loading.file, file)) this.#loading = null;
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
/** Export names carry the date, so a smaller name (or the same name written earlier) is older. */
const isOlder = (a: FileId, b: FileId) => a.name < b.name || (a.name === b.name && a.mtimeMs < b.mtimeMs);

/** One export, parsed and indexed. Immutable once built; a newer export builds a new one. */
class Snapshot {
  readonly #filtered = new Map<string, Entry[]>();

  constructor(
    readonly file: FileId,
    /** Every servable row in list order. */
    readonly sorted: readonly Entry[],
    readonly byId: ReadonlyMap<string, Entry>,
    /** Each applicant's rows, in list order. */
    readonly byApplicant: ReadonlyMap<string, readonly Entry[]>,
    /** Applicants in 申请人编号 code-point order, with their sort keys. */
    readonly applicants: ReadonlyArray<{ key: string; row: HealthApplicantRow }>,
    readonly bad: readonly HealthBadRecord[],
    /** Unservable rows by 许可证号, for ids no servable row has. */
    readonly unreadable: ReadonlyMap<string, HealthUnreadableRow>,
  ) {}

  page(q: PermitQuery): RawPage<HealthPermitRecord> {
    const matching = this.#matching(q);
    const start = q.after ? firstAfter(matching, q.after) : 0;
    return { total: matching.length, rows: matching.slice(start, start + Math.max(0, q.limit)).map((e) => e.row) };
  }

  permits(localIds: readonly string[]): HealthPermitRecord[] {
    const out: HealthPermitRecord[] = [];
    for (const id of new Set(localIds)) {
      const found = this.byId.get(id)?.row ?? this.unreadable.get(id);
      if (found) out.push(found);
    }
    return out;
  }

  applicantPage(after: string | null, limit: number): { rows: HealthApplicantRow[]; next: string | null } {
    let lo = 0;
    if (after !== null) {
      const key = codePointKey(after);
      let hi = this.applicants.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if (this.applicants[mid]!.key <= key) lo = mid + 1;
        else hi = mid;
      }
    }
    const rows = this.applicants.slice(lo, lo + Math.max(0, limit)).map((a) => a.row);
    const more = lo + rows.length < this.applicants.length;
    return { rows, next: more && rows.length > 0 ? rows.at(-1)!.applicantNo.trim() : null };
  }

  /** The rows matching the query's filters (not `after`/`limit`), in list order. */
  #matching(q: PermitQuery): readonly Entry[] {
    let candidates: readonly Entry[] = this.sorted;
    if (q.applicantLocalIds) {
      const ids = [...new Set(q.applicantLocalIds)];
      const lists = ids.flatMap((id) => this.byApplicant.get(id) ?? []);
      // Each applicant's list is in order already; only a union needs sorting.
      candidates = ids.length > 1 ? lists.sort(compareEntries) : lists;
    }
    const keep = predicate(q);
    if (!keep) return candidates;
    if (candidates !== this.sorted) return candidates.filter(keep);
    const cacheKey = JSON.stringify([q.rawStatusIn, q.rawStatusNotIn, q.serviceItemCodes, q.appliedFrom, q.appliedTo]);
    let hit = this.#filtered.get(cacheKey);
    if (hit) this.#filtered.delete(cacheKey);
    else hit = candidates.filter(keep);
    this.#filtered.set(cacheKey, hit);
    if (this.#filtered.size > FILTER_CACHE_SIZE) this.#filtered.delete(this.#filtered.keys().next().value!);
    return hit;
  }
}

/** The query's filters other than applicant ids as one test (one call per row), or null when there are none. */
function predicate(q: PermitQuery): ((e: Entry) => boolean) | null {
  const statusIn = q.rawStatusIn ? new Set(q.rawStatusIn) : null;
  const statusNotIn = q.rawStatusNotIn && q.rawStatusNotIn.length > 0 ? new Set(q.rawStatusNotIn) : null;
  const items = q.serviceItemCodes ? new Set(q.serviceItemCodes) : null;
  const from = q.appliedFrom === undefined ? null : isoMs(q.appliedFrom);
  const to = q.appliedTo === undefined ? null : isoMs(q.appliedTo);
  if (!statusIn && !statusNotIn && !items && from === null && to === null) return null;
  return (e) =>
    (statusIn === null || (e.status !== null && statusIn.has(e.status))) &&
    // A blank status is "none of these": it is what UNKNOWN asks for.
    (statusNotIn === null || e.status === null || !statusNotIn.has(e.status)) &&
    (items === null || items.has(e.itemCode)) &&
    (from === null || (e.appliedMs !== null && e.appliedMs >= from)) &&
    (to === null || (e.appliedMs !== null && e.appliedMs <= to));
}

/** List order: applied-at descending, missing last, then 许可证号 by code point (via the precomputed key). */
function compareEntries(a: Entry, b: Entry): number {
  if (a.appliedMs !== b.appliedMs) {
    if (a.appliedMs === null) return 1;
    if (b.appliedMs === null) return -1;
    return b.appliedMs - a.appliedMs;
  }
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Entries in list order. Exports hold a few thousand distinct days for a million rows, so rows are
 * grouped by day and only each day's ids are compared: several times fewer comparisons than one sort.
 */
async function sortEntries(entries: readonly Entry[]): Promise<Entry[]> {
  const byDay = new Map<number | null, Entry[]>();
  for (const e of entries) {
    const day = byDay.get(e.appliedMs);
    if (day) day.push(e);
    else byDay.set(e.appliedMs, [e]);
  }
  const days = [...byDay.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : b - a));
  const out: Entry[] = [];
  let sinceYield = 0;
  for (const day of days) {
    const group = byDay.get(day)!;
    if (group.length > 1) group.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    for (const e of group) out.push(e);
    if ((sinceYield += group.length) >= ROWS_PER_TURN * 10) {
      sinceYield = 0;
      await yieldToEventLoop();
    }
  }
  return out;
}

/** Index of the first entry strictly after the position, by binary search over list order. */
function firstAfter(sorted: readonly Entry[], position: PermitPosition): number {
  const probe = { appliedMs: position.appliedAt === null ? null : isoMs(position.appliedAt), key: codePointKey(position.localId) } as Entry;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEntries(sorted[mid]!, probe) <= 0) lo = mid + 1;
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
 * with its line and reason, and the rest is served. Written for million-row files: no per-row
 * closures, repeated cells shared, parsed dates memoised, nothing kept that pins the decoded text.
 */
async function readSnapshot(bytes: Uint8Array, file: FileId): Promise<Snapshot> {
  const text = await decodeText(bytes, HEALTH_EXPORT_ENCODING);
  // Most exports decode cleanly: then no row needs the per-cell check.
  const mayHaveUndecodable = text.includes(REPLACEMENT_CHAR);
  const records = csvRecords(text);
  const head = records.next();
  if (head.done) throw new BadDataError('health export is empty');
  if (head.value.error) throw new BadDataError(`health export header is unreadable: ${head.value.error}`);
  const at = columnIndexes(head.value.fields, HEALTH_COLUMNS);
  const width = head.value.fields.length;

  const shared = new Interner();
  const dates = new Map<string, number | null | false>();
  const entries: Entry[] = [];
  const byId = new Map<string, Entry>();
  const repeated = new Map<string, number[]>();
  const rejected: HealthUnreadableRow[] = [];
  const applicants = new Map<string, HealthApplicantRow>();
  let count = 0;
  for (const { line, fields, error } of records) {
    if (++count % ROWS_PER_TURN === 0) await yieldToEventLoop();
    const rawPermitNo = fields[at.permitNo];
    const permitNo = rawPermitNo === undefined || rawPermitNo.trim() === '' ? null : detachString(rawPermitNo.trim());
    const broken =
      error ??
      (fields.length !== width ? `${fields.length} columns, expected ${width}` : null) ??
      (mayHaveUndecodable && hasUndecodable(fields) ? `bytes that do not decode as ${HEALTH_EXPORT_ENCODING}` : null);
    if (broken !== null) {
      rejected.push({ kind: 'unreadable', line, permitNo, reason: broken });
      continue;
    }
    const applicantNo = shared.get(fields[at.applicantNo]!.trim());
    // The applicant's columns repeat on each of its rows: the first occurrence describes it.
    if (applicantNo !== '' && !applicants.has(applicantNo)) {
      applicants.set(applicantNo, {
        line,
        applicantNo: shared.get(fields[at.applicantNo]!),
        name: detachString(fields[at.name]!),
        applicantType: shared.get(fields[at.applicantType]!),
        certType: shared.get(fields[at.certType]!),
        certNo: detachString(fields[at.certNo]!),
        tel: detachString(fields[at.tel]!),
        addr: detachString(fields[at.addr]!),
      });
    }
    if (permitNo === null) {
      rejected.push({ kind: 'unreadable', line, permitNo, reason: 'blank 许可证号' });
      continue;
    }
    const applyDate = fields[at.applyDate]!;
    let appliedMs = dates.get(applyDate);
    if (appliedMs === undefined) {
      const parsed = healthDate(applyDate);
      appliedMs = !parsed.ok ? false : parsed.value === null ? null : Date.parse(parsed.value);
      dates.set(shared.get(applyDate), appliedMs);
    }
    // Without a real 申请日期 the row has no place in list order; null would be a guess.
    if (appliedMs === false) {
      rejected.push({ kind: 'unreadable', line, permitNo, reason: `申请日期 "${applyDate}" is not a date` });
      continue;
    }
    const row: HealthPermitRow = {
      kind: 'row',
      line,
      permitNo: rawPermitNo === permitNo ? permitNo : detachString(rawPermitNo!),
      applicantNo: shared.get(fields[at.applicantNo]!),
      itemCode: shared.get(fields[at.itemCode]!),
      itemTitle: shared.get(fields[at.itemTitle]!),
      status: shared.get(fields[at.status]!),
      applyDate: shared.get(applyDate),
      decisionDate: shared.get(fields[at.decisionDate]!),
      expireDate: shared.get(fields[at.expireDate]!),
      statutoryDays: shared.get(fields[at.statutoryDays]!),
      committedDays: shared.get(fields[at.committedDays]!),
      usedDays: shared.get(fields[at.usedDays]!),
    };
    const status = shared.get(row.status.trim());
    const entry: Entry = {
      row,
      id: permitNo,
      key: codePointKey(permitNo),
      applicantNo,
      status: status === '' ? null : status,
      itemCode: shared.get(row.itemCode.trim()),
      appliedMs,
    };
    const first = byId.get(permitNo);
    if (first) repeated.set(permitNo, [...(repeated.get(permitNo) ?? [first.row.line]), line]);
    else byId.set(permitNo, entry);
    entries.push(entry);
  }

  // A 许可证号 on two rows: which one is true cannot be known, so neither is served.
  let servable = entries;
  if (repeated.size > 0) {
    servable = [];
    for (const e of entries) {
      const lines = repeated.get(e.id);
      if (!lines) servable.push(e);
      else rejected.push({ kind: 'unreadable', line: e.row.line, permitNo: e.id, reason: `许可证号 repeated on lines ${lines.join(', ')}` });
    }
    for (const id of repeated.keys()) byId.delete(id);
  }
  servable = await sortEntries(servable);
  const byApplicant = new Map<string, Entry[]>();
  for (let i = 0; i < servable.length; i++) {
    if (i % (ROWS_PER_TURN * 10) === 0) await yieldToEventLoop();
    // Walking the sorted array keeps each applicant's list in order too.
    const e = servable[i]!;
    const list = byApplicant.get(e.applicantNo);
    if (list) list.push(e);
    else byApplicant.set(e.applicantNo, [e]);
  }

  rejected.sort((a, b) => a.line - b.line);
  const unreadable = new Map<string, HealthUnreadableRow>();
  for (const r of rejected) if (r.permitNo !== null && !byId.has(r.permitNo) && !unreadable.has(r.permitNo)) unreadable.set(r.permitNo, r);
  const bad = rejected.map((r) => ({ localId: r.permitNo ?? `line ${r.line}`, line: r.line, reason: r.reason }));
  const applicantRows = [...applicants].map(([id, row]) => ({ key: codePointKey(id), row }));
  applicantRows.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return new Snapshot(file, servable, byId, byApplicant, applicantRows, bad, unreadable);
}

function hasUndecodable(fields: readonly string[]): boolean {
  for (const f of fields) if (f.includes(REPLACEMENT_CHAR)) return true;
  return false;
}

/**
 * One shared, detached copy of each distinct value: status, item, date and day cells repeat on most
 * rows of an export, so a million rows hold a few thousand strings instead of millions.
 */
class Interner {
  readonly #values = new Map<string, string>();

  get(value: string): string {
    let shared = this.#values.get(value);
    if (shared === undefined) {
      shared = detachString(value);
      this.#values.set(shared, shared);
    }
    return shared;
  }
}
