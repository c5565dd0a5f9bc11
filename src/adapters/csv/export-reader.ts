import { BadDataError } from '../core/adapter-error.js';
import type { SourceField } from '../spec/fields.js';
import { didYouMean, type SpecIssue } from '../spec/spec-issue.js';
import type { CsvConnection } from './csv-spec.js';
import { decodedPieces, REPLACEMENT_CHAR } from './decode-text.js';
import { CsvRecordReader, type CsvRecord } from './record-reader.js';

/** An export that cannot be read as a whole (empty, broken header, a column the spec names missing). */
export class ExportFormatError extends BadDataError {
  override name = 'ExportFormatError';
  constructor(
    readonly file: string,
    readonly issues: readonly SpecIssue[],
  ) {
    super(issues.map((i) => `${i.path ? `${i.path}: ` : ''}${i.message}${i.hint ? ` (${i.hint})` : ''}`).join('; '));
  }
}

/** What the loader is handed, row by row, and asked to write out between pieces of the file. */
export interface RowSink {
  /** A row that read: the cell of each source field, in the order the fields were given. */
  row(line: number, cells: readonly string[]): void;
  /** A row that did not read, with the key cell when it could be read. */
  reject(line: number, key: string | null, reason: string): void;
  /** Called after each piece of the file (about a megabyte): write out what has gathered. */
  flush(): Promise<void>;
}

type Settings = Pick<CsvConnection, 'encoding' | 'delimiter' | 'quote' | 'header'>;

/** A header cell's name: trimmed, a stray byte-order mark dropped. */
const headerName = (cell: string) => cell.replace(/^\uFEFF/, '').trim();

/**
 * Where each source field's column is, by header name (or number, without a header row), or the issues
 * that stop it: a column missing (with the nearest header name as a hint) or named twice.
 *
 * @example
 * locateColumns(['许可证号', '状态'], fields, 'xkxx_20240101.csv');
 * // { at: [0, 1], issues: [] } — or an issue 'no column "状 态" in xkxx_20240101.csv' (did you mean "状态"?)
 */
export function locateColumns(
  header: readonly string[],
  hasHeader: boolean,
  fields: readonly SourceField[],
  file: string,
): { at: number[]; issues: SpecIssue[] } {
  const issues: SpecIssue[] = [];
  const names = header.map(headerName);
  const at = fields.map((field) => {
    if (!hasHeader) {
      const n = Number(field.from);
      if (n > header.length) issues.push({ path: field.path, message: `no column ${n} in ${file} (its first line has ${header.length})` });
      return n - 1;
    }
    const wanted = field.from.trim();
    const first = names.indexOf(wanted);
    if (first === -1) {
      const hint = didYouMean(
        wanted,
        names.filter((n) => n !== ''),
      );
      issues.push({ path: field.path, message: `no column ${JSON.stringify(field.from)} in ${file}`, ...(hint ? { hint } : {}) });
    } else if (names.indexOf(wanted, first + 1) !== -1) {
      issues.push({ path: field.path, message: `column ${JSON.stringify(field.from)} appears more than once in ${file}` });
    }
    return first;
  });
  return { at, issues };
}

/**
 * Streams one export file into `sink`: decoded as it is read, each row checked — broken quoting, a
 * column count unlike the header's, bytes that do not decode — and handed over as the cells of `fields`,
 * or rejected with its line and reason. Returns the number of data rows read (empty lines not counted).
 * Throws `ExportFormatError` when the file as a whole cannot be read.
 *
 * @example
 * const rowsRead = await readExport(file, spec.connection, permitSourceFields(spec), 'key', sink);
 */
export async function readExport(
  file: { path: string; name: string },
  settings: Settings,
  fields: readonly SourceField[],
  keyField: string,
  sink: RowSink,
  signal?: AbortSignal,
): Promise<number> {
  const reader = new CsvRecordReader({ delimiter: settings.delimiter, quote: settings.quote });
  const undecodable = `bytes that do not decode as ${settings.encoding}`;
  let at: number[] | null = null;
  let keyAt = -1;
  let width = 0;
  let rowsRead = 0;

  const take = (records: CsvRecord[]) => {
    for (const record of records) {
      if (at === null) {
        if (record.error) throw new ExportFormatError(file.name, [{ path: '', message: `the first line of ${file.name} is unreadable: ${record.error}` }]);
        const located = locateColumns(record.fields, settings.header, fields, file.name);
        if (located.issues.length > 0) throw new ExportFormatError(file.name, located.issues);
        at = located.at;
        keyAt = at[fields.findIndex((f) => f.name === keyField)] ?? -1;
        width = record.fields.length;
        if (settings.header) continue;
      }
      rowsRead++;
      const keyCell = record.fields[keyAt];
      const key = keyCell === undefined || keyCell.trim() === '' ? null : keyCell.trim();
      if (record.error) sink.reject(record.line, key, record.error);
      else if (record.fields.length !== width) sink.reject(record.line, key, `${record.fields.length} columns, expected ${width}`);
      else if (hasUndecodable(record.fields)) sink.reject(record.line, key === null || key.includes(REPLACEMENT_CHAR) ? null : key, undecodable);
      else
        sink.row(
          record.line,
          at.map((i) => record.fields[i]!),
        );
    }
  };

  for await (const text of decodedPieces(file.path, settings.encoding, signal ? { signal } : {})) {
    take(reader.push(text));
    await sink.flush();
  }
  take(reader.end());
  await sink.flush();
  if (at === null) throw new ExportFormatError(file.name, [{ path: '', message: `${file.name} is empty` }]);
  return rowsRead;
}

function hasUndecodable(fields: readonly string[]): boolean {
  for (const f of fields) if (f.includes(REPLACEMENT_CHAR)) return true;
  return false;
}
