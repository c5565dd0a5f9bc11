import { stat } from 'node:fs/promises';
import { sql } from 'kysely';
import type { KindContext } from '../core/adapter-kind.js';
import { applicantSourceFields, permitSourceFields, type SourceField } from '../spec/fields.js';
import { didYouMean, type SpecIssue } from '../spec/spec-issue.js';
import { CSV_ENCODINGS, type CsvEncoding, type CsvSpec } from './csv-spec.js';
import { decodeHead, REPLACEMENT_CHAR } from './decode-text.js';
import { exportPattern, FolderListing, newestExport, type FoundFile } from './export-files.js';
import { locateColumns } from './export-reader.js';
import { CsvRecordReader } from './record-reader.js';
import { openStoreDatabase, storeLocation } from './store-database.js';

/** How much of a file `inspect` reads: the header and enough rows to judge the encoding. */
const HEAD_BYTES = 1 << 20;
const DELIMITERS = [',', ';', '\t', '|'];

/**
 * The online checks of a csv spec, each issue at its exact spec path: the folder exists and holds a
 * complete export; the file decodes in the declared encoding (else which one it reads as); the first
 * line splits on the declared delimiter; the header has every column the spec names (with the nearest
 * header as a hint); a PostgreSQL store answers. Reads at most a megabyte of each file.
 *
 * @example
 * await inspectCsvSpec(spec, context, signal);
 * // [{ path: 'permits.fields.status', message: 'no column "状 态" in xkxx_20240101.csv', hint: 'did you mean "状态"?' }]
 */
export async function inspectCsvSpec(spec: CsvSpec, context: KindContext, signal: AbortSignal): Promise<SpecIssue[]> {
  const issues: SpecIssue[] = [];
  const storeIssue = checkStore(spec, context, signal);
  let dir: string;
  try {
    dir = context.resolve(spec.connection.dir);
  } catch (error) {
    return [{ path: 'connection.dir', message: (error as Error).message }, ...(await storeIssue)];
  }
  const folder = await stat(dir).catch(() => null);
  if (!folder?.isDirectory())
    return [{ path: 'connection.dir', message: folder ? `${JSON.stringify(dir)} is not a folder` : `no folder ${JSON.stringify(dir)}` }, ...(await storeIssue)];
  signal.throwIfAborted();

  const listing = await FolderListing.read(dir);
  const permitsPattern = exportPattern(spec.permits.file);
  const applicantsPattern = spec.applicants.file ? exportPattern(spec.applicants.file) : null;
  const set = await newestExport(listing, permitsPattern, applicantsPattern);
  if (!set) {
    for (const [path, pattern] of [
      ['permits.file', permitsPattern],
      ['applicants.file', applicantsPattern],
    ] as const) {
      if (pattern && !(await hasMatch(listing, pattern))) issues.push(missingExport(path, pattern.pattern, listing.names));
    }
    if (issues.length === 0)
      issues.push({
        path: 'applicants.file',
        message: `no applicant export of the same date as a permit export (${permitsPattern.pattern}, ${applicantsPattern!.pattern})`,
      });
    return [...issues, ...(await storeIssue)];
  }
  const derived = spec.applicants.fromPermits === true;
  issues.push(
    ...(await inspectFile(
      set.permits,
      'permits.file',
      spec,
      derived ? [...permitSourceFields(spec), ...applicantSourceFields(spec)] : permitSourceFields(spec),
    )),
  );
  if (set.applicants) issues.push(...(await inspectFile(set.applicants, 'applicants.file', spec, applicantSourceFields(spec))));
  return [...dedupe(issues), ...(await storeIssue)];
}

async function hasMatch(listing: FolderListing, pattern: ReturnType<typeof exportPattern>): Promise<boolean> {
  for await (const _ of listing.candidates(pattern)) return true;
  return false;
}

/** No file matches: say what is there that nearly does (a file still being written, another spelling). */
function missingExport(path: string, pattern: string, names: readonly string[]): SpecIssue {
  const message = `no complete export matching ${JSON.stringify(pattern)} in the folder`;
  const probe = exportPattern(pattern);
  const unfinished = names.find((n) => probe.match(n.replace(/(\.part|\.partial|\.tmp|\.temp|\.crdownload)$/i, '')) !== null && probe.match(n) === null);
  if (unfinished) return { path, message, hint: `${JSON.stringify(unfinished)} is still being written` };
  // Compare patterns: each name with its date written as {date}.
  const shapes = [...new Set(names.map((n) => n.replace(/\d+(?:[-_]\d+)*/, '{date}')))];
  const hint = didYouMean(pattern, shapes);
  return { path, message, ...(hint ? { hint } : {}) };
}

async function inspectFile(file: FoundFile, path: string, spec: CsvSpec, fields: readonly SourceField[]): Promise<SpecIssue[]> {
  const declared = spec.connection.encoding;
  const read = async (encoding: CsvEncoding) => {
    const text = await decodeHead(file.path, encoding, HEAD_BYTES);
    const reader = new CsvRecordReader({ delimiter: spec.connection.delimiter, quote: spec.connection.quote });
    const first = [...reader.push(text), ...reader.end()][0];
    const columns = first ? locateColumns(first.fields, spec.connection.header, fields, file.name).issues : [];
    return { text, first, columns, bad: text.indexOf(REPLACEMENT_CHAR) };
  };
  const own = await read(declared);
  if (!own.first) return [{ path, message: `${file.name} is empty` }];
  if (own.bad !== -1 || own.columns.length > 0) {
    // Does another encoding read it whole, header and all? Then that is the fix.
    for (const other of CSV_ENCODINGS.filter((e) => e !== declared && !(declared === 'gb18030' && e === 'gbk'))) {
      const alt = await read(other);
      if (alt.bad === -1 && alt.columns.length === 0) {
        const where =
          own.bad !== -1 ? `: line ${lineAt(own.text, own.bad)} does not decode as ${declared}` : `, not ${declared}: its header reads correctly only so`;
        return [{ path: 'connection.encoding', message: `${file.name} reads as ${other}${where}`, hint: `did you mean "${other}"?` }];
      }
    }
  }
  const issues: SpecIssue[] = [];
  if (own.bad !== -1) issues.push({ path: 'connection.encoding', message: `${file.name} does not decode as ${declared}: line ${lineAt(own.text, own.bad)}` });
  if (own.first.fields.length === 1 && spec.connection.header) {
    const other = DELIMITERS.find((d) => d !== spec.connection.delimiter && own.first!.fields[0]!.includes(d));
    if (other) {
      const shown = other === '\t' ? 'a tab' : JSON.stringify(other);
      return [
        ...issues,
        {
          path: 'connection.delimiter',
          message: `the first line of ${file.name} is one column: it is separated by ${shown}`,
          hint: `did you mean ${JSON.stringify(other)}?`,
        },
      ];
    }
  }
  return [...issues, ...own.columns];
}

function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < index; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

async function checkStore(spec: CsvSpec, context: KindContext, signal: AbortSignal): Promise<SpecIssue[]> {
  const url = spec.connection.store?.url;
  if (url === undefined) return [];
  let location;
  try {
    location = storeLocation(context.resolve(url), context.dataDir);
  } catch (error) {
    return [{ path: 'connection.store.url', message: (error as Error).message }];
  }
  // A PGlite directory belongs to the process serving it; only a server can be asked without disturbing it.
  if (!('url' in location)) return [];
  try {
    const database = await openStoreDatabase(location);
    try {
      // pg waits for an unreachable server as long as the OS does: the caller's signal bounds it.
      const aborted = new Promise<never>((_, reject) => {
        if (signal.aborted) reject(signal.reason);
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
      aborted.catch(() => undefined);
      await Promise.race([sql`select 1`.execute(database.db), aborted]);
    } finally {
      void database.close().catch(() => undefined);
    }
    return [];
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    return [{ path: 'connection.store.url', message: `the store's PostgreSQL server does not answer${typeof code === 'string' ? ` (${code})` : ''}` }];
  }
}

function dedupe(issues: readonly SpecIssue[]): SpecIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
