import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

let gc: (() => void) | undefined;

/**
 * A full garbage collection of the calling thread's heap, now. `gc` is V8's own, reached from a fresh
 * context once the flag that exposes it is set, so the process needs no flag at start. The resolver
 * thread runs one after each saved sync, the thread that ran the sync after it ends; the benchmarks
 * before reading the live heap.
 *
 * @example
 * collectAllGarbage();
 * const live = getHeapStatistics().used_heap_size;
 */
export function collectAllGarbage(): void {
  if (!gc) {
    setFlagsFromString('--expose-gc');
    gc = runInNewContext('gc') as () => void;
  }
  gc();
}
