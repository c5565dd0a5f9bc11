import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Which file an export came from; a change in any part means it must be loaded again. */
export interface FileIdentity {
  name: string;
  size: number;
  mtimeMs: number;
}

/** Names of files still being written or left by editors: never an export, whatever the pattern. */
const INCOMPLETE = /(\.part|\.partial|\.tmp|\.temp|\.crdownload|\.swp|~)$/i;

/**
 * A compiled export file name pattern: `{date}` is the export date (digits, `-` or `_` between them),
 * `*` and `?` are wildcards, anything else is literal.
 *
 * @example
 * const p = exportPattern('xkxx_{date}.csv');
 * p.match('xkxx_20240628.csv'); // { date: '20240628' }
 * p.match('xkxx_20240628.csv.part'); // null
 */
export interface ExportPattern {
  readonly pattern: string;
  readonly dated: boolean;
  /** The name's export date (digits only), '' for an undated pattern, or null when the name is not an export. */
  match(name: string): { date: string } | null;
}

export function exportPattern(pattern: string): ExportPattern {
  let source = '^';
  let dated = false;
  for (let i = 0; i < pattern.length; ) {
    if (pattern.startsWith('{date}', i)) {
      source += '(\\d+(?:[-_]\\d+)*)';
      dated = true;
      i += '{date}'.length;
    } else {
      const ch = pattern[i]!;
      source += ch === '*' ? '[^/]*' : ch === '?' ? '[^/]' : ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  const regex = new RegExp(`${source}$`);
  return {
    pattern,
    dated,
    match(name) {
      if (name.startsWith('.') || name.startsWith('~$') || INCOMPLETE.test(name)) return null;
      const m = regex.exec(name);
      if (!m) return null;
      return { date: dated ? m[1]!.replace(/\D/g, '') : '' };
    },
  };
}

/** Compares two export dates written as digits, a shorter one as if padded with zeros (`20240628` < `202406281200`). */
export function compareDates(a: string, b: string): number {
  const width = Math.max(a.length, b.length);
  const x = a.padEnd(width, '0');
  const y = b.padEnd(width, '0');
  return x < y ? -1 : x > y ? 1 : 0;
}

/** One export file found in the folder. */
export interface FoundFile extends FileIdentity {
  path: string;
  date: string;
}

/** The folder's listing, read once per check: the names, and each candidate's identity on demand. */
export class FolderListing {
  readonly #stats = new Map<string, Promise<FileIdentity | null>>();
  private constructor(
    readonly dir: string,
    readonly names: readonly string[],
  ) {}

  /** Lists `dir` (one readdir). A missing folder throws the fs error (ENOENT: the department is unreachable). */
  static async read(dir: string): Promise<FolderListing> {
    return new FolderListing(dir, await readdir(dir));
  }

  /**
   * The files matching the pattern, newest first: by export date (a dated pattern stats only as many
   * files as it takes to find one), else by modification time; ties by name.
   */
  async *candidates(pattern: ExportPattern): AsyncGenerator<FoundFile> {
    const matched = this.names.flatMap((name) => {
      const m = pattern.match(name);
      return m ? [{ name, date: m.date }] : [];
    });
    const byName = (a: { name: string }, b: { name: string }) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0);
    if (pattern.dated) {
      matched.sort((a, b) => compareDates(b.date, a.date) || byName(a, b));
      for (const m of matched) {
        const id = await this.identity(m.name);
        if (id) yield { ...id, date: m.date, path: join(this.dir, m.name) };
      }
      return;
    }
    const found = await Promise.all(matched.map(async (m) => ({ m, id: await this.identity(m.name) })));
    const files = found.flatMap(({ m, id }) => (id ? [{ ...id, date: m.date, path: join(this.dir, m.name) }] : []));
    yield* files.sort((a, b) => b.mtimeMs - a.mtimeMs || byName(a, b));
  }

  /** One stat per name and listing; a file renamed away in between is absent (null). */
  identity(name: string): Promise<FileIdentity | null> {
    let found = this.#stats.get(name);
    if (!found) {
      found = stat(join(this.dir, name)).then(
        (s) => (s.isFile() ? { name, size: s.size, mtimeMs: s.mtimeMs } : null),
        (error: NodeJS.ErrnoException) => {
          if (error.code === 'ENOENT') return null;
          throw error;
        },
      );
      this.#stats.set(name, found);
    }
    return found;
  }
}

export const sameFile = (a: FileIdentity | null | undefined, b: FileIdentity | null | undefined): boolean =>
  !!a && !!b && a.name === b.name && a.size === b.size && a.mtimeMs === b.mtimeMs;

/** The files of one export: the permits file and, when applicants come in a file of their own, that file. */
export interface ExportSet {
  permits: FoundFile;
  applicants: FoundFile | null;
}

/**
 * The newest complete export in a listing, or null when there is none. When both files carry a date,
 * they are taken from the newest date that has both, so permits and applicants always agree.
 *
 * @example
 * const set = await newestExport(await FolderListing.read(dir), exportPattern('xkxx_{date}.csv'), null);
 */
export async function newestExport(listing: FolderListing, permits: ExportPattern, applicants: ExportPattern | null): Promise<ExportSet | null> {
  if (!applicants) {
    for await (const file of listing.candidates(permits)) return { permits: file, applicants: null };
    return null;
  }
  if (permits.dated && applicants.dated) {
    const partners = new Map<string, FoundFile>();
    const seen = listing.candidates(applicants);
    for await (const file of listing.candidates(permits)) {
      // Both lists run newest first: read applicants' files down to this date.
      for (let next = await seen.next(); !next.done; next = await seen.next()) {
        if (!partners.has(next.value.date)) partners.set(next.value.date, next.value);
        if (compareDates(next.value.date, file.date) <= 0) break;
      }
      const partner = [...partners.values()].find((f) => compareDates(f.date, file.date) === 0);
      if (partner) return { permits: file, applicants: partner };
    }
    return null;
  }
  let p: FoundFile | undefined;
  let a: FoundFile | undefined;
  for await (const file of listing.candidates(permits)) {
    p = file;
    break;
  }
  for await (const file of listing.candidates(applicants)) {
    a = file;
    break;
  }
  return p && a ? { permits: p, applicants: a } : null;
}
