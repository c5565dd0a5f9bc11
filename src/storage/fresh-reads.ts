/**
 * Shares reads among concurrent callers without ever answering a caller with a read that began before
 * it called: while a read of a key runs, every later caller of that key joins one read queued to start
 * when it ends. So each answer is as fresh as a read of its own (a revoked API key, a crosswalk write
 * committed before the call is seen), and under load one statement serves every caller that arrived
 * while the previous one ran, instead of one statement each. A failed read fails only its own callers.
 *
 * @example
 * const consumerOf = freshReads((keyHash: string) => db.selectFrom('api_keys').where('key_hash', '=', keyHash)…);
 * const [a, b] = await Promise.all([consumerOf(h), consumerOf(h)]); // one statement, started after both calls
 */
export function freshReads<K, V>(load: (key: K) => Promise<V>): (key: K) => Promise<V> {
  // A key is present while a read of it runs; `queued` is the read its later callers wait for.
  const running = new Map<K, { queued: Promise<V> | null; startQueued: (() => void) | null }>();
  const run = (key: K): Promise<V> => {
    const read = Promise.resolve().then(() => load(key));
    const settle = () => {
      const state = running.get(key)!;
      const next = state.startQueued;
      state.queued = state.startQueued = null;
      if (next) next();
      else running.delete(key);
    };
    read.then(settle, settle);
    return read;
  };
  return (key) => {
    const state = running.get(key);
    if (!state) {
      running.set(key, { queued: null, startQueued: null });
      return run(key);
    }
    state.queued ??= new Promise<V>((resolve, reject) => {
      state.startQueued = () => void run(key).then(resolve, reject);
    });
    return state.queued;
  };
}
