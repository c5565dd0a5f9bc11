import { detachString } from './detach-string.js';
import type { Logger } from '../../logging/logger.js';
import type { SpecMapper } from '../core/spec-mapper.js';
import { instantReader, readText } from '../core/spec-values.js';
import { applicantSourceFields, permitSourceFields, sourceOf, type RawRecord, type SourceField } from '../spec/fields.js';
import type { CsvSpec } from './csv-spec.js';
import { encodeCells, type ApplicantRow, type CsvStore, type LoadSummary, type PermitRow, type RejectedRow, type StoreLoad } from './csv-store.js';
import { sameFile, type ExportSet, type FileIdentity } from './export-files.js';
import { readExport, type RowSink } from './export-reader.js';

/** Rows gathered before they are written to the store. */
const BATCH_ROWS = 5_000;
/** Lines listed in a "repeated" reason; the count says how many more. */
const LINES_LISTED = 10;

/** What a load needs from the spec, worked out once per connector. */
export interface LoadPlan {
  spec: CsvSpec;
  mapper: SpecMapper;
  permitFields: SourceField[];
  applicantFields: SourceField[];
  fingerprint: string;
}

export function loadPlan(spec: CsvSpec, mapper: SpecMapper, fingerprint: string): LoadPlan {
  return { spec, mapper, permitFields: permitSourceFields(spec), applicantFields: applicantSourceFields(spec), fingerprint };
}

/**
 * Loads one export into fresh tables of the store and swaps them in: streamed, batched, each row either
 * stored or set aside with its line and reason — a row that does not read, one the spec mapper rejects,
 * or a key used on two rows (neither is trusted). Returns the summary, or null when another process
 * sharing the store put a newer export in place first. Logs counts only, never row contents.
 *
 * @example
 * const summary = await loadExport(store, set, plan, logger, 'health');
 */
export async function loadExport(
  store: CsvStore,
  set: ExportSet,
  plan: LoadPlan,
  logger: Logger,
  department: string,
  hooks: LoadHooks = {},
): Promise<LoadSummary | null> {
  const started = performance.now();
  const load = await store.beginLoad();
  try {
    const permits = new EntityWriter(load, 'permits');
    const applicants = new EntityWriter(load, 'applicants');
    const rejects = new RejectWriter(load);
    const { spec, mapper } = plan;
    const derived = spec.applicants.fromPermits === true;
    // How an operator finds the column: its header name, or its number in an export without a header.
    const column = (from: string) => (spec.connection.header ? from : `column ${from}`);
    const keyColumn = column(sourceOf(spec.permits.fields.key));
    const applicantKeyColumn = column(sourceOf(spec.applicants.fields.key));
    const appliedMs = memoised(spec.permits.fields.appliedAt === undefined ? () => null : msReader(spec.permits.fields.appliedAt, spec.timeZone));
    const permitCount = plan.permitFields.length;
    const fields = derived ? [...plan.permitFields, ...plan.applicantFields] : plan.permitFields;
    const permitFile = set.permits.name;

    const readApplicant = (file: string, line: number, cells: readonly string[], firstWins: boolean) => {
      const raw = recordOf(plan.applicantFields, cells);
      let key = readText(raw.key);
      if (key === null) {
        // In permit rows a blank applicant key means "no applicant"; in an applicant export, a bad row.
        if (!firstWins) rejects.add({ entity: 'applicant', file, line, key: null, reason: `blank key (${applicantKeyColumn})` });
        return;
      }
      if (firstWins && applicants.has(key)) return;
      key = detachString(key);
      const mapped = mapper.applicant(raw);
      if (!mapped.ok) {
        if (firstWins) applicants.claim(key, line); // the first row describes it, even when it does not map
        rejects.add({ entity: 'applicant', file, line, key, reason: mapped.reason });
        return;
      }
      applicants.add(key, line, [key, line, encodeCells(cells)]);
    };

    const permitSink: RowSink = {
      row(line, all) {
        const cells = derived ? all.slice(0, permitCount) : all;
        if (derived) readApplicant(permitFile, line, all.slice(permitCount), true);
        const raw = recordOf(plan.permitFields, cells);
        const mapped = mapper.permit(raw);
        if (!mapped.ok) {
          rejects.add({ entity: 'permit', file: permitFile, line, key: readText(raw.key), reason: mapped.reason });
          return;
        }
        const p = mapped.value;
        const key = detachString(p.localId);
        permits.add(key, line, [key, p.applicantLocalId, p.rawStatus, readText(raw.serviceItem), appliedMs(raw.appliedAt), line, encodeCells(cells)]);
      },
      reject: (line, key, reason) => rejects.add({ entity: 'permit', file: permitFile, line, key, reason }),
      flush: async () => {
        await permits.flush();
        await applicants.flush();
        await rejects.flush();
      },
    };
    let rowsRead = await readExport(set.permits, spec.connection, fields, 'key', permitSink, hooks.signal);

    if (set.applicants) {
      const file = set.applicants.name;
      rowsRead += await readExport(
        set.applicants,
        spec.connection,
        plan.applicantFields,
        'key',
        {
          row: (line, cells) => readApplicant(file, line, cells, false),
          reject: (line, key, reason) => rejects.add({ entity: 'applicant', file, line, key, reason }),
          flush: permitSink.flush,
        },
        hooks.signal,
      );
    }

    // A key on two rows: which is true cannot be known, so neither is served.
    for (const [writer, entity, file, column] of [
      [permits, 'permit', permitFile, keyColumn],
      [applicants, 'applicant', set.applicants?.name ?? permitFile, applicantKeyColumn],
    ] as const) {
      const repeated = writer.repeated();
      for (const [key, lines] of repeated) {
        const listed = lines.slice(0, LINES_LISTED).join(', ') + (lines.length > LINES_LISTED ? ` and ${lines.length - LINES_LISTED} more` : '');
        for (const line of lines) rejects.add({ entity, file, line, key, reason: `${column} repeated on lines ${listed}` });
      }
      await load.deleteKeys(entity === 'permit' ? 'permits' : 'applicants', [...repeated.keys()]);
    }
    await rejects.flush();
    const readMs = Math.round(performance.now() - started);
    await load.finish();
    const indexMs = Math.round(performance.now() - started) - readMs;
    await hooks.beforeSwap?.();

    const summary: LoadSummary = {
      files: { permits: identity(set.permits), applicants: set.applicants ? identity(set.applicants) : null },
      fingerprint: plan.fingerprint,
      loadedAt: new Date().toISOString(),
      durationMs: Math.round(performance.now() - started),
      rowsRead,
      permits: permits.stored(),
      applicants: applicants.stored(),
      rejected: rejects.count,
    };
    const swapped = await store.swap(load, summary, (current) => shouldReplace(current, summary));
    logger.info(
      {
        department,
        rowsRead,
        permits: summary.permits,
        applicants: summary.applicants,
        rejected: summary.rejected,
        durationMs: summary.durationMs,
        readMs,
        indexMs,
        swapped,
      },
      'csv export loaded',
    );
    return swapped ? summary : null;
  } catch (error) {
    await load.drop().catch(() => undefined);
    throw error;
  }
}

/** How a load is stopped, and a test seam before the swap (to hold a finished load back). */
export interface LoadHooks {
  /** Stops the load (the connector closing). */
  signal?: AbortSignal;
  beforeSwap?(): Promise<void>;
}

/**
 * Whether a finished load should replace the export in place: yes, unless another process sharing the
 * store already put these same files, or a later export, in place under the same spec.
 */
function shouldReplace(current: LoadSummary | null, loaded: LoadSummary): boolean {
  if (!current || current.fingerprint !== loaded.fingerprint) return true;
  const same = (a: FileIdentity | null, b: FileIdentity | null) => (a === null ? b === null : b !== null && sameFile(a, b));
  if (same(current.files.permits, loaded.files.permits) && same(current.files.applicants, loaded.files.applicants)) return false;
  return current.files.permits.name <= loaded.files.permits.name;
}

const identity = (f: { name: string; size: number; mtimeMs: number }) => ({ name: f.name, size: f.size, mtimeMs: f.mtimeMs });

function recordOf(fields: readonly SourceField[], cells: readonly string[]): RawRecord {
  const raw: Record<string, string> = {};
  for (let i = 0; i < fields.length; i++) raw[fields[i]!.name] = cells[i]!;
  return raw;
}

/** appliedAt in epoch ms with the mapper's own reader, so the store's order is the mapped order; rows that failed it never get here. */
function msReader(field: NonNullable<CsvSpec['permits']['fields']['appliedAt']>, timeZone: string): (raw: unknown) => number | null {
  const read = instantReader(field, timeZone);
  return (raw) => {
    const r = read(raw);
    return r.ok ? r.value : null;
  };
}

/** Export dates repeat on thousands of rows: read each distinct text once. */
function memoised(read: (raw: unknown) => number | null): (raw: unknown) => number | null {
  const seen = new Map<unknown, number | null>();
  return (raw) => {
    let value = seen.get(raw);
    if (value === undefined && !seen.has(raw)) {
      value = read(raw);
      if (seen.size < 100_000) seen.set(raw, value);
    }
    return value ?? null;
  };
}

/** Rows of one entity on their way to the store, with each key's lines to find keys used twice. */
class EntityWriter<Row extends PermitRow | ApplicantRow> {
  readonly #firstLine = new Map<string, number>();
  readonly #repeated = new Map<string, number[]>();
  #batch: Row[] = [];
  #count = 0;

  constructor(
    readonly load: StoreLoad,
    readonly entity: 'permits' | 'applicants',
  ) {}

  has(key: string): boolean {
    return this.#firstLine.has(key);
  }

  /** Marks a key as seen without storing a row (an applicant whose first row does not map). */
  claim(key: string, line: number): void {
    this.#firstLine.set(key, line);
  }

  add(key: string, line: number, row: Row): void {
    const first = this.#firstLine.get(key);
    if (first !== undefined) {
      const lines = this.#repeated.get(key);
      if (lines) lines.push(line);
      else this.#repeated.set(key, [first, line]);
      return;
    }
    this.#firstLine.set(key, line);
    this.#batch.push(row);
    this.#count++;
  }

  async flush(): Promise<void> {
    if (this.#batch.length === 0) return;
    const rows = this.#batch;
    this.#batch = [];
    for (let i = 0; i < rows.length; i += BATCH_ROWS) {
      const part = rows.slice(i, i + BATCH_ROWS);
      if (this.entity === 'permits') await this.load.insertPermits(part as PermitRow[]);
      else await this.load.insertApplicants(part as ApplicantRow[]);
    }
  }

  repeated(): ReadonlyMap<string, number[]> {
    return this.#repeated;
  }

  /** Rows stored once the repeated keys are taken out. */
  stored(): number {
    return this.#count - this.#repeated.size;
  }
}

class RejectWriter {
  #batch: RejectedRow[] = [];
  count = 0;

  constructor(readonly load: StoreLoad) {}

  add(row: RejectedRow): void {
    this.#batch.push(row);
    this.count++;
  }

  async flush(): Promise<void> {
    if (this.#batch.length === 0) return;
    const rows = this.#batch;
    this.#batch = [];
    for (let i = 0; i < rows.length; i += BATCH_ROWS) await this.load.insertRejected(rows.slice(i, i + BATCH_ROWS));
  }
}
