import { createWriteStream } from 'node:fs';
import { rename, rm } from 'node:fs/promises';

/** A file written through `<path>.part` and renamed into place only when complete. */
export interface AtomicFile {
  /** Writes a chunk, waiting when the stream's buffer is full so memory stays flat. */
  write(chunk: string | Buffer): Promise<void>;
  /** Flushes, closes and renames the file into place. */
  commit(): Promise<void>;
  /** Closes and deletes the partial file. */
  abort(): Promise<void>;
}

/**
 * Opens `path` for streaming, atomic writing: readers polling for `path` never see half a file.
 *
 * @example
 * const f = openAtomicFile('/tmp/x.csv'); await f.write('a,b\r\n'); await f.commit();
 */
export function openAtomicFile(path: string): AtomicFile {
  const part = `${path}.part`;
  const out = createWriteStream(part);
  let failure: Error | null = null;
  out.on('error', (e) => {
    failure = e;
  });
  const close = (): Promise<void> =>
    new Promise((resolve, reject) => {
      out.end(() => (failure ? reject(failure) : resolve()));
    });
  return {
    async write(chunk) {
      if (failure) throw failure;
      if (!out.write(chunk)) {
        await new Promise<void>((resolve, reject) => {
          const onError = (e: Error) => reject(e);
          out.once('error', onError);
          out.once('drain', () => {
            out.off('error', onError);
            resolve();
          });
        });
      }
    },
    async commit() {
      await close();
      await rename(part, path);
    },
    async abort() {
      await close().catch(() => undefined);
      await rm(part, { force: true });
    },
  };
}
