/**
 * An incremental RFC 4180 reader that never gives up on an export. Hand-written rather than csv-parse:
 * csv-parse, on a broken quote, runs on past the line breaks that follow and takes the next rows into
 * the broken record (or, with `relax_quotes`, into a field), so good rows would be lost or corrupted.
 * Here a broken record is its first physical line, reported with why; reading resumes on the next line.
 */

/** One record: its fields, the physical line it starts on (1-based), and why it broke (null when it did not). */
export interface CsvRecord {
  line: number;
  /** The fields read; for a broken record, those read whole on its first line before the error. */
  fields: string[];
  error: string | null;
}

export interface RecordReaderOptions {
  delimiter: string;
  quote: string;
  /**
   * A record not finished after this many characters (a quote opened and never closed) is declared broken
   * and reading resumes after its first line, so one stray quote cannot hold the rest of the file.
   */
  maxRecordChars?: number;
}

const CR = 13;
const LF = 10;

type Step = { record: CsvRecord | null; next: number; nextLine: number } | null;

/**
 * Feed it text in pieces (`push`), then `end()`; each returns the records completed so far, empty lines
 * skipped. Records and line numbers are the same however the text is cut.
 *
 * @example
 * const reader = new CsvRecordReader({ delimiter: ',', quote: '"' });
 * reader.push('a,"b\r\n'); // []
 * reader.push('c"\r\n1,2\r\n'); // [{ line: 1, fields: ['a', 'b\r\nc'], error: null }, { line: 3, fields: ['1', '2'], error: null }]
 * reader.end(); // []
 */
export class CsvRecordReader {
  readonly #delimiter: number;
  readonly #quote: number;
  readonly #quoteChar: string;
  readonly #maxRecordChars: number;
  #buffer = '';
  #line = 1;

  constructor(options: RecordReaderOptions) {
    this.#delimiter = options.delimiter.charCodeAt(0);
    this.#quote = options.quote.charCodeAt(0);
    this.#quoteChar = options.quote;
    this.#maxRecordChars = options.maxRecordChars ?? 1 << 20;
  }

  push(text: string): CsvRecord[] {
    this.#buffer = this.#buffer === '' ? text : this.#buffer + text;
    return this.#drain(false);
  }

  end(): CsvRecord[] {
    const out = this.#drain(true);
    this.#buffer = '';
    return out;
  }

  #drain(final: boolean): CsvRecord[] {
    const text = this.#buffer;
    const out: CsvRecord[] = [];
    let i = 0;
    let line = this.#line;
    while (i < text.length) {
      let step = this.#record(text, i, line, final);
      // Unfinished: wait for more text, unless the record is already too long to be real.
      if (step === null && text.length - i > this.#maxRecordChars) step = this.#record(text, i, line, true);
      if (step === null) break;
      if (step.record) out.push(step.record);
      i = step.next;
      line = step.nextLine;
    }
    this.#buffer = text.slice(i);
    this.#line = line;
    return out;
  }

  /** Reads the record starting at `start`: null when the text ends before it does and more may come. */
  #record(text: string, start: number, startLine: number, final: boolean): Step {
    const end = text.length;
    const fields: string[] = [];
    /** Where each field ends, to trim a broken record to its first line. */
    const ends: number[] = [];
    let i = start;
    let line = startLine;
    let quotedAny = false;
    let error: string | null = null;
    for (;;) {
      if (text.charCodeAt(i) === this.#quote) {
        quotedAny = true;
        let value = '';
        let from = i + 1;
        for (;;) {
          const close = text.indexOf(this.#quoteChar, from);
          if (close === -1) {
            if (!final) return null;
            error = 'a quote is never closed';
            break;
          }
          value += text.slice(from, close);
          // A quote at the very end may be the first of a doubled pair: wait for the next piece.
          if (close + 1 === end && !final) return null;
          if (text.charCodeAt(close + 1) === this.#quote) {
            value += this.#quoteChar;
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
        if (i < end && c !== this.#delimiter && c !== CR && c !== LF) {
          // Closed on a later line and followed by text: the quote opened on the first line was the fault.
          error = line > startLine ? 'a quote is never closed' : 'text after a closing quote';
          break;
        }
      } else {
        let j = i;
        while (j < end) {
          const c = text.charCodeAt(j);
          if (c === this.#delimiter || c === CR || c === LF) break;
          if (c === this.#quote) {
            error = 'a quote inside an unquoted field';
            break;
          }
          j++;
        }
        if (error) break;
        if (j === end && !final) return null;
        fields.push(text.slice(i, j));
        ends.push(j);
        i = j;
      }
      // i is at a delimiter, a line break or the end.
      if (i < end && text.charCodeAt(i) === this.#delimiter) {
        i++;
        if (i === end && !final) return null;
        continue;
      }
      if (text.charCodeAt(i) === CR && i + 1 === end && !final) return null;
      i = skipLineBreak(text, i);
      break;
    }
    if (error) {
      // The broken record is its first physical line: everything after it is read afresh.
      const lineEnd = nextLineBreak(text, start);
      if ((lineEnd === end || (text.charCodeAt(lineEnd) === CR && lineEnd + 1 === end)) && !final) return null;
      const whole = ends.findIndex((e) => e > lineEnd);
      return {
        record: { line: startLine, fields: whole === -1 ? fields : fields.slice(0, whole), error },
        next: skipLineBreak(text, lineEnd),
        nextLine: startLine + 1,
      };
    }
    if (!quotedAny && fields.length === 1 && fields[0] === '') return { record: null, next: i, nextLine: line + 1 };
    return { record: { line: startLine, fields, error: null }, next: i, nextLine: line + 1 };
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
