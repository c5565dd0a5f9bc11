import { createReadStream } from 'node:fs';
import iconv from 'iconv-lite';
import type { CsvEncoding } from './csv-spec.js';

const LF = 10;

/** The character decoders put in place of bytes that are not valid in the encoding. */
export const REPLACEMENT_CHAR = '\uFFFD';

/**
 * A file's text in pieces, decoded as it is read. Each piece ends just after a line feed, which in these
 * ASCII-compatible encodings is never part of a multi-byte sequence, so each decodes on its own. (Feeding
 * arbitrary chunks to iconv-lite's streaming decoder is not safe: in 0.7.3 a chunk that starts with the
 * last byte of a 4-byte GB18030 sequence can lose the character at its end.) A leading byte-order mark
 * (UTF-8's, or GB18030's four bytes) is dropped; invalid bytes become U+FFFD, for the caller to find.
 *
 * @example
 * for await (const text of decodedPieces('/srv/exports/xkxx_20240628.csv', 'gb18030')) reader.push(text);
 */
export async function* decodedPieces(path: string, encoding: CsvEncoding, options: { signal?: AbortSignal } = {}): AsyncGenerator<string> {
  const stream = createReadStream(path, { highWaterMark: 1 << 20, ...(options.signal ? { signal: options.signal } : {}) });
  let carry: Buffer | null = null;
  let first = true;
  const decode = (bytes: Buffer) => {
    let text = iconv.decode(bytes, encoding, { stripBOM: false });
    if (first) {
      first = false;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    return text;
  };
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const bytes: Buffer = carry ? Buffer.concat([carry, chunk]) : chunk;
    const lf = bytes.lastIndexOf(LF);
    if (lf === -1) {
      carry = bytes;
      continue;
    }
    carry = lf + 1 < bytes.length ? bytes.subarray(lf + 1) : null;
    yield decode(bytes.subarray(0, lf + 1));
  }
  if (carry) yield decode(carry);
}

/**
 * The first `maxBytes` of a file decoded, cut after the last whole line: what `inspect()` looks at.
 *
 * @example
 * const head = await decodeHead('/srv/exports/xkxx_20240628.csv', 'utf-8', 1 << 20);
 */
export async function decodeHead(path: string, encoding: CsvEncoding, maxBytes: number): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of createReadStream(path, { end: maxBytes - 1 }) as AsyncIterable<Buffer>) chunks.push(chunk);
  let bytes = Buffer.concat(chunks);
  if (bytes.length >= maxBytes) {
    const lf = bytes.lastIndexOf(LF);
    if (lf !== -1) bytes = bytes.subarray(0, lf + 1);
  }
  const text = iconv.decode(bytes, encoding, { stripBOM: false });
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}
