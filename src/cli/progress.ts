import cliProgress from 'cli-progress';

/** Progress of one piece of long work: counts as they grow, then a closing line. */
export interface Progress {
  /** The count so far (and the total, once known). */
  update(done: number, total?: number): void;
  /** Ends the bar (or the lines), with a closing message if given. */
  done(message?: string): void;
}

/**
 * Progress on stderr: a bar (cli-progress) on a terminal; on a pipe or in CI, a plain line now and then
 * (at most one per `everyMs`) that a log keeps readable, never carriage returns.
 *
 * @example
 * const progress = createProgress('identity sync: records read');
 * progress.update(1200);
 * progress.done('synced 2423 records into 1504 applicants');
 */
export function createProgress(label: string, options: { stream?: NodeJS.WritableStream; everyMs?: number } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if ((stream as NodeJS.WriteStream).isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream: stream as NodeJS.WriteStream, format: `${label} [{bar}] {value}{ofTotal}`, hideCursor: false, clearOnComplete: true, barsize: 30 },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    return {
      update(done, total) {
        if (!started) bar.start(total ?? 0, 0, { ofTotal: '' });
        started = true;
        if (total !== undefined) bar.setTotal(total);
        bar.update(done, { ofTotal: total !== undefined ? `/${total}` : '' });
      },
      done(message) {
        if (started) bar.stop();
        if (message !== undefined) stream.write(`${message}\n`);
      },
    };
  }
  const everyMs = options.everyMs ?? 2000;
  // The first line after `everyMs`: work that ends sooner prints only its closing message.
  let last = Date.now();
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      stream.write(`${label}: ${done}${total !== undefined ? `/${total}` : ''}\n`);
    },
    done(message) {
      if (message !== undefined) stream.write(`${message}\n`);
    },
  };
}
