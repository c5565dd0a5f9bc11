import type { Readable } from 'node:stream';

/**
 * Reads a request body until it ends or passes `limit` bytes. A body that ends within the limit comes
 * back whole (`complete`); otherwise what was read so far comes back and the stream is left paused
 * where it stopped, for the caller to pipe on.
 *
 * @example
 * const { body, complete } = await readUpTo(req, 1024 * 1024);
 */
export function readUpTo(stream: Readable, limit: number): Promise<{ body: Buffer; complete: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const done = (complete: boolean) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      stream.off('error', onError);
      resolve({ body: Buffer.concat(chunks), complete });
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.length;
      if (size > limit) {
        stream.pause();
        done(false);
      }
    };
    const onEnd = () => done(true);
    const onError = (error: Error) => {
      stream.off('data', onData);
      stream.off('end', onEnd);
      reject(error);
    };
    stream.on('data', onData);
    stream.once('end', onEnd);
    stream.once('error', onError);
  });
}
