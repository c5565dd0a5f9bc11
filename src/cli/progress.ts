import cliProgress from 'cli-progress';

/** Progress of one piece of long work: counts as they grow, then a closing line. */
export interface Progress {
  /** The count so far (and the total, once known). */
  update(done: number, total?: number): void;
  /** Ends the bar (or the lines) with a message. */
  done(message: string): void;
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
export function createProgress(label: string, options: { stream?: NodeJS.WriteStream; everyMs?: number } = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      { stream, format: `${label} [{bar}] {value}{ofTotal}`, hideCursor: true, clearOnComplete: true, barsize: 30 },
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
        stream.write(`${message}\n`);
      },
    };
  }
  const everyMs = options.everyMs ?? 2000;
  let last = 0;
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < everyMs) return;
      last = now;
      stream.write(`${label}: ${done}${total !== undefined ? `/${total}` : ''}\n`);
    },
    done(message) {
      stream.write(`${message}\n`);
    },
  };
}
