import { watch, type FSWatcher } from 'node:fs';
import type { CallContext, Connector, PermitQuery, RawPage } from '../core/contract.js';
import type { Logger } from '../../logging/logger.js';
import type { RawRecord, SourceField } from '../spec/fields.js';
import { decodeCells, type CsvStore, type LoadSummary, type RejectedRow } from './csv-store.js';
import { exportPattern, FolderListing, newestExport, sameFile, type ExportPattern, type ExportSet, type FileIdentity } from './export-files.js';
import { ExportFormatError } from './export-reader.js';
import { loadExport, type LoadHooks, type LoadPlan } from './load-export.js';

export interface CsvConnectorOptions {
  /**
   * How long the folder is trusted after a look, in ms (default 1000): a call looks again (one readdir
   * and a stat or two, no file read) at most this often. Exports arrive nightly.
   */
  recheckMs?: number;
  /** Watch the folder (fs.watch) to start loading a new export before the next call; default true. */
  watch?: boolean;
  /** Test seams into the load. */
  hooks?: LoadHooks;
}

/**
 * The load report: the export served, with its counts, the rows it set aside (line and reason, first
 * `limit`), and the newest export if it could not be loaded as a whole (the previous one is still served).
 */
export interface CsvLoadReport {
  loaded: LoadSummary | null;
  rejectedRows: RejectedRow[];
  /** Files being loaded now. */
  loading: { permits: FileIdentity; applicants: FileIdentity | null } | null;
  failed: { files: { permits: FileIdentity; applicants: FileIdentity | null }; reason: string; at: string } | null;
}

/** No complete export in the folder yet. Coded ENOENT, so the core reports the department UNREACHABLE. */
export class NoExportError extends Error {
  override name = 'NoExportError';
  readonly code = 'ENOENT';
}

/**
 * Serves a folder of CSV exports from the indexed store the adapter owns. Each call is one SQL statement
 * against the store, whatever the batch, after at most one look at the folder a second; a newer export
 * (or the same file changed) is loaded into fresh tables while calls go on being answered from the
 * previous one, then swapped in. Until a first export is in place calls wait for it. An export that
 * cannot be read as a whole is not read again until it changes, and the previous one goes on being served.
 *
 * @example
 * const connector = await openCsvConnector(spec, context);
 * const [page] = await connector.listPermits([{ rawStatusIn: ['准予许可'], limit: 21 }], { signal });
 * await connector.loadReport(); // { loaded: { rowsRead: 1600, permits: 1597, rejected: 3, … }, rejectedRows: [{ line: 418, reason: '18 columns, expected 17', … }], … }
 */
export class CsvConnector implements Connector<RawRecord, RawRecord> {
  readonly #permitsPattern: ExportPattern;
  readonly #applicantsPattern: ExportPattern | null;
  readonly #recheckMs: number;
  readonly #abort = new AbortController();
  #summary: LoadSummary | null;
  #failed: { set: ExportSet; error: Error; at: Date } | null = null;
  #loading: { set: ExportSet; done: Promise<void> } | null = null;
  #checkedAt = -Infinity;
  #checking: Promise<void> | null = null;
  #watcher: FSWatcher | null = null;
  #watchTimer: NodeJS.Timeout | null = null;

  constructor(
    readonly department: string,
    readonly dir: string,
    readonly store: CsvStore,
    readonly plan: LoadPlan,
    readonly logger: Logger,
    /** What the store held when opened, if it was loaded under this same spec. */
    inPlace: LoadSummary | null,
    readonly options: CsvConnectorOptions = {},
  ) {
    this.#permitsPattern = exportPattern(plan.spec.permits.file);
    this.#applicantsPattern = plan.spec.applicants.file ? exportPattern(plan.spec.applicants.file) : null;
    this.#recheckMs = options.recheckMs ?? 1000;
    this.#summary = inPlace;
    if (options.watch ?? true) this.#watch();
  }

  /** SQL statements sent to the store so far (loads included). */
  get statements(): number {
    return this.store.statements;
  }

  async listPermits(queries: readonly PermitQuery[], _ctx: CallContext): Promise<Array<RawPage<RawRecord>>> {
    await this.#ready();
    const pages = await this.store.listPermits(queries);
    return pages.map((page) => ({ total: page.total, rows: page.rows.map((row) => recordOf(this.plan.permitFields, row.raw)) }));
  }

  async getPermits(localIds: readonly string[], _ctx: CallContext): Promise<RawRecord[]> {
    await this.#ready();
    return (await this.store.getPermits(localIds)).map((row) => recordOf(this.plan.permitFields, row.raw));
  }

  /** Applicants in key order (code points); `after` is the last key returned. */
  async listApplicants(after: string | null, limit: number, _ctx: CallContext): Promise<{ rows: RawRecord[]; next: string | null }> {
    await this.#ready();
    const rows = await this.store.listApplicants(after, limit);
    const page = rows.slice(0, Math.max(0, limit));
    return {
      rows: page.map((row) => recordOf(this.plan.applicantFields, row.raw)),
      next: rows.length > page.length && page.length > 0 ? page.at(-1)!.key : null,
    };
  }

  /** The load report (see `CsvLoadReport`); reads the store, does not look at the folder. */
  async loadReport(limit = 1000): Promise<CsvLoadReport> {
    const files = (set: ExportSet) => ({ permits: identity(set.permits), applicants: set.applicants ? identity(set.applicants) : null });
    return {
      loaded: this.#summary,
      rejectedRows: this.#summary ? await this.store.rejectedRows(limit) : [],
      loading: this.#loading ? files(this.#loading.set) : null,
      failed: this.#failed ? { files: files(this.#failed.set), reason: this.#failed.error.message, at: this.#failed.at.toISOString() } : null,
    };
  }

  /** Looks at the folder now and waits for any load that starts; what is in place afterwards. */
  async refresh(): Promise<LoadSummary | null> {
    this.#checkedAt = -Infinity;
    await this.#check();
    while (this.#loading) await this.#loading.done;
    return this.#summary;
  }

  async close(): Promise<void> {
    if (this.#watchTimer) clearTimeout(this.#watchTimer);
    this.#watcher?.close();
    this.#abort.abort();
    await this.#loading?.done;
    await this.store.close();
  }

  /** Before each call: the folder looked at (at most once per `recheckMs`), and an export in place. */
  async #ready(): Promise<void> {
    if (performance.now() - this.#checkedAt >= this.#recheckMs) await this.#check();
    if (this.#summary) return;
    while (this.#loading) {
      await this.#loading.done;
      if (this.#summary) return;
    }
    if (this.#failed) throw this.#failed.error;
    throw new NoExportError(`no complete export matching ${JSON.stringify(this.#permitsPattern.pattern)} in the folder yet`);
  }

  /** One look at the folder, shared by the calls that arrive meanwhile; starts a load when there is something new. */
  #check(): Promise<void> {
    this.#checking ??= this.#look().finally(() => {
      this.#checking = null;
    });
    return this.#checking;
  }

  async #look(): Promise<void> {
    const checked = performance.now();
    let set: ExportSet | null;
    try {
      set = await newestExport(await FolderListing.read(this.dir), this.#permitsPattern, this.#applicantsPattern);
    } catch (error) {
      // The folder is gone or unreadable: the copy in the store still answers, if there is one.
      if (!this.#summary) throw error;
      this.logger.warn(
        { department: this.department, code: (error as { code?: unknown }).code },
        'csv export folder unreadable; serving the export loaded before',
      );
      this.#checkedAt = checked;
      return;
    }
    this.#checkedAt = checked;
    if (!set || this.#loading) return; // a finished load looks again
    if (this.#summary && sameSet(this.#summary.files, set)) return;
    if (this.#failed && sameSet(files(this.#failed.set), set)) return;
    if (this.#abort.signal.aborted) return;
    const done = this.#load(set);
    this.#loading = { set, done };
  }

  async #load(set: ExportSet): Promise<void> {
    try {
      // Another process sharing the store may have loaded it already.
      const inStore = await this.store.summary();
      if (inStore && inStore.fingerprint === this.plan.fingerprint && sameSet(inStore.files, set)) this.#summary = inStore;
      else {
        const loaded = await loadExport(this.store, set, this.plan, this.logger, this.department, { ...this.options.hooks, signal: this.#abort.signal });
        this.#summary = loaded ?? (await this.store.summary());
      }
      this.#failed = null;
    } catch (error) {
      if (this.#abort.signal.aborted) return;
      this.#failed = { set, error: error as Error, at: new Date() };
      // An export's format problems name columns and files, never row contents: worth logging whole.
      const reason = error instanceof ExportFormatError ? error.message : undefined;
      this.logger.warn(
        { department: this.department, file: set.permits.name, err: { name: (error as Error).name, code: (error as { code?: unknown }).code }, reason },
        'csv export could not be loaded',
      );
    } finally {
      this.#loading = null;
      this.#checkedAt = -Infinity;
    }
  }

  /** Hints only: a change in the folder starts the look a call would make, so a new export loads before it is asked for. */
  #watch(): void {
    try {
      this.#watcher = watch(this.dir, { persistent: false }, () => {
        if (this.#watchTimer) clearTimeout(this.#watchTimer);
        this.#watchTimer = setTimeout(() => {
          this.#watchTimer = null;
          this.#checkedAt = -Infinity;
          this.#check().catch(() => undefined);
        }, 200);
        this.#watchTimer.unref();
      });
      this.#watcher.on('error', () => this.#watcher?.close());
    } catch {
      // No folder yet, or no watching here: calls look anyway.
    }
  }
}

const identity = (f: FileIdentity): FileIdentity => ({ name: f.name, size: f.size, mtimeMs: f.mtimeMs });
const files = (set: ExportSet) => ({ permits: set.permits, applicants: set.applicants });

function sameSet(a: { permits: FileIdentity; applicants: FileIdentity | null }, b: { permits: FileIdentity; applicants: FileIdentity | null }): boolean {
  return sameFile(a.permits, b.permits) && (a.applicants === null ? b.applicants === null : sameFile(a.applicants, b.applicants));
}

function recordOf(fields: readonly SourceField[], raw: string): RawRecord {
  const cells = decodeCells(raw);
  const record: Record<string, string> = {};
  for (let i = 0; i < fields.length; i++) record[fields[i]!.name] = cells[i]!;
  return record;
}
