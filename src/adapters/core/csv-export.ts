import iconv from 'iconv-lite';
import { BadDataError } from './adapter-error.js';

/**
 * Reading legacy CSV exports: decoding without blocking the event loop, a forgiving RFC 4180 reader
 * that reports a broken record and carries on with the next line, and header lookup by name.
 */

/** One record of a CSV text: its fields, the physical line it starts on (1-based), and why it broke. */
export interface CsvRecord {
  line: number;
  /** The fields read; for a broken record, those read before the error (may be fewer than written). */
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
 * @example
 * const text = await decodeText(await readFile(path), 'gb18030');
 */
export async function decodeText(bytes: Uint8Array, encoding: string, sliceBytes = 4 << 20): Promise<string> {
  const decoder = iconv.getDecoder(encoding);
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += sliceBytes) {
    // The decoder keeps an unfinished multi-byte sequence across slices.
    parts.push(decoder.write(Buffer.from(bytes.buffer, bytes.byteOffset + at, Math.min(sliceBytes, bytes.length - at))));
    if (at + sliceBytes < bytes.length) await yieldToEventLoop();
  }
  parts.push(decoder.end() ?? '');
  const text = parts.join('');
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Resolves on the next turn of the event loop (after pending I/O callbacks). */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

const COMMA = 44, QUOTE = 34, CR = 13, LF = 10;

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
      i = skipLineBreak(text, nextLineBreak(text, start));
      line = startLine + 1;
      yield { line: startLine, fields, error };
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
