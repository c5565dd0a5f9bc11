import iconv from 'iconv-lite';
import { BadDataError } from './adapter-error.js';

const COMMA = 44, QUOTE = 34, CR = 13, LF = 10;

/**
 * Reading legacy CSV exports: decoding without blocking the event loop, a forgiving RFC 4180 reader
 * that reports a broken record and carries on with the next line, and header lookup by name.
 */

/** One record of a CSV text: its fields, the physical line it starts on (1-based), and why it broke. */
export interface CsvRecord {
  line: number;
  /** The fields read; for a broken record, those read whole on its first line before the error. */
  fields: string[];
  /** Null for a well-formed record; otherwise what broke it. */
  error: string | null;
}

/** The character decoders use for bytes that are not valid in the encoding. */
export const REPLACEMENT_CHAR = '\uFFFD';

/**
 * Decodes `bytes` in slices, yielding to the event loop between them so a large export does not stall
 * other requests. Invalid bytes become U+FFFD (callers detect them); a leading BOM is dropped.
 * Use 'gb18030' for Chinese government exports, never 'gbk': GBK cannot read the 4-byte sequences
 * GB18030 uses for rare name characters and turns them into U+FFFD.
 *
 * For ASCII-compatible encodings only (GB18030, GBK, UTF-8 …): slices end just after a line feed,
 * which is never part of a multi-byte sequence there, so each slice decodes on its own. (Feeding
 * arbitrary chunks to iconv-lite's streaming decoder is not safe: in 0.7.3 a chunk that starts with the
 * last byte of a 4-byte GB18030 sequence can lose the character at its end.)
 *
 * @example
 * const text = await decodeText(await readFile(path), 'gb18030');
 */
export async function decodeText(bytes: Uint8Array, encoding: string, sliceBytes = 4 << 20): Promise<string> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const parts: string[] = [];
  for (let at = 0; at < buffer.length; ) {
    let end = Math.min(buffer.length, at + Math.max(1, sliceBytes));
    if (end < buffer.length) {
      const lf = buffer.lastIndexOf(LF, end - 1);
      // Cut after the last line feed in the slice; a line longer than a slice runs on to its end.
      end = lf >= at ? lf + 1 : nextLf(buffer, end);
    }
    parts.push(iconv.decode(buffer.subarray(at, end), encoding, { stripBOM: false }));
    at = end;
    if (at < buffer.length) await yieldToEventLoop();
  }
  const text = parts.join('');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

function nextLf(buffer: Buffer, from: number): number {
  const lf = buffer.indexOf(LF, from);
  return lf === -1 ? buffer.length : lf + 1;
}

/**
 * A copy of `s` that does not keep alive the text it was sliced from. V8 represents a slice of 13 or
 * more characters as a view into its parent, so a few cells kept from a 200 MB export would otherwise
 * keep the whole decoded export in memory. Use it on cells a long-lived index keeps.
 *
 * @example
 * const name = detachString(fields[2]!);
 */
export function detachString(s: string): string {
  if (s.length < 13) return s; // V8 copies short slices already.
  const joined = ` ${s}`;
  joined.charCodeAt(1); // flattens the concatenation into a fresh string; the slice then points into it
  return joined.slice(1);
}

/** Resolves on the next turn of the event loop (after pending I/O callbacks). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}


/**
 * The records of an RFC 4180 CSV text (CRLF, LF or CR line ends; `""` inside quotes). Unlike a strict
 * parser it never gives up on the file: a record with broken quoting — a quote inside an unquoted field,
 * text after a closing quote, a quote never closed — is yielded with `error` set and covers its first
 * physical line only; reading resumes on the next line. Empty lines are skipped. Column counts are the
 * caller's business (it knows the header).
 *
 * @example
 * for (const r of csvRecords('a,b\r\n1,"x,y"\r\n2,"bad"z\r\n3,4\r\n')) console.log(r.line, r.fields, r.error);
 * // 1 ['a','b'] null · 2 ['1','x,y'] null · 3 ['2'] 'text after a closing quote' · 4 ['3','4'] null
 */
export function* csvRecords(text: string): Generator<CsvRecord> {
  const end = text.length;
  let i = 0;
  let line = 1;
  while (i < end) {
    const start = i;
    const startLine = line;
    const fields: string[] = [];
    /** Where each field ends, to trim a broken record to its first line. */
    const ends: number[] = [];
    let error: string | null = null;
    let quotedAny = false;
    for (;;) {
      if (text.charCodeAt(i) === QUOTE) {
        quotedAny = true;
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf('"', from);
          if (close === -1) {
            error = 'a quote is never closed';
            break;
          }
          value += text.slice(from, close);
          if (text.charCodeAt(close + 1) === QUOTE) {
            value += '"';
            from = close + 2;
            continue;
          }
          i = close + 1;
          break;
        }
        if (error) break;
        line += countLineBreaks(value);
        fields.push(value);
        ends.push(i);
        const c = text.charCodeAt(i);
        if (i < end && c !== COMMA && c !== CR && c !== LF) {
          error = 'text after a closing quote';
          break;
        }
      } else {
        let j = i;
        while (j < end) {
          const c = text.charCodeAt(j);
          if (c === COMMA || c === CR || c === LF) break;
          if (c === QUOTE) {
            error = 'a quote inside an unquoted field';
            break;
          }
          j++;
        }
        if (error) break;
        fields.push(text.slice(i, j));
        ends.push(j);
        i = j;
      }
      // i is at a comma, a line break or the end.
      if (i < end && text.charCodeAt(i) === COMMA) {
        i++;
        continue;
      }
      i = skipLineBreak(text, i);
      line++;
      break;
    }
    if (error) {
      // The broken record is its first physical line; everything after it is read afresh, so one bad
      // quote cannot swallow the rest of the file.
      const lineEnd = nextLineBreak(text, start);
      i = skipLineBreak(text, lineEnd);
      line = startLine + 1;
      const whole = ends.findIndex((end) => end > lineEnd);
      yield { line: startLine, fields: whole === -1 ? fields : fields.slice(0, whole), error };
      continue;
    }
    if (!quotedAny && fields.length === 1 && fields[0] === '') continue;
    yield { line: startLine, fields, error: null };
  }
}

function nextLineBreak(text: string, from: number): number {
  for (let j = from; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === CR || c === LF) return j;
  }
  return text.length;
}

function skipLineBreak(text: string, i: number): number {
  if (text.charCodeAt(i) === CR) return text.charCodeAt(i + 1) === LF ? i + 2 : i + 1;
  if (text.charCodeAt(i) === LF) return i + 1;
  return i;
}

function countLineBreaks(value: string): number {
  if (value.indexOf('\n') === -1 && value.indexOf('\r') === -1) return 0;
  return value.match(/\r\n|\r|\n/g)?.length ?? 0;
}

/**
 * Where each wanted column sits in a header row, found by name: surrounding spaces and a BOM are
 * tolerated, order does not matter, unknown extra columns are ignored. A missing or repeated wanted
 * column is a `BadDataError`: the export's format changed, and reading it by position would be a guess.
 *
 * @example
 * const at = columnIndexes(['许可证号', ' 状态 '], { permitNo: '许可证号', status: '状态' });
 * // { permitNo: 0, status: 1 }
 */
export function columnIndexes<K extends string>(header: readonly string[], columns: Readonly<Record<K, string>>): Record<K, number> {
  const positions = new Map<string, number[]>();
  header.forEach((cell, i) => {
    const name = cell.replace(/^\uFEFF/, '').trim();
    positions.set(name, [...(positions.get(name) ?? []), i]);
  });
  const found = {} as Record<K, number>;
  const missing: string[] = [];
  const repeated: string[] = [];
  for (const [key, name] of Object.entries(columns) as Array<[K, string]>) {
    const at = positions.get(name);
    if (!at) missing.push(name);
    else if (at.length > 1) repeated.push(name);
    else found[key] = at[0]!;
  }
  if (missing.length) throw new BadDataError(`export lacks column(s): ${missing.join(', ')}`);
  if (repeated.length) throw new BadDataError(`export repeats column(s): ${repeated.join(', ')}`);
  return found;
}
