// The sync's side of the resolver thread (resolver-worker.ts): one worker per process, lazily started,
// holding each database's resolver state between syncs.
import { getHeapStatistics } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { ThreadRecord, ThreadReply, ThreadRequest, ThreadResolution } from './resolver-protocol.js';

/** Records per message: each is serialized on the request loop, so send them in slices. */
const SLICE = 5000;

let worker: Worker | undefined;
let calls = 0;
let memories = 0;
const waiting = new Map<number, { resolve: (r: ThreadResolution) => void; reject: (e: Error) => void }>();

const post = (w: Worker, message: ThreadRequest) => w.postMessage(message);

function thread(): Worker {
  if (worker) return worker;
  const started = new Worker(new URL('./resolver-worker.boot.mjs', import.meta.url), {
    // Not the parent's flags (a tsx loader given there would load twice); its heap limit, though.
    execArgv: [],
    resourceLimits: { maxOldGenerationSizeMb: Math.round(getHeapStatistics().heap_size_limit / 2 ** 20) },
  });
  // An idle resolver never keeps the process alive.
  started.unref();
  started.on('message', (reply: ThreadReply) => {
    const call = waiting.get(reply.call);
    waiting.delete(reply.call);
    if (!call) return;
    if ('error' in reply) call.reject(new Error(`identity resolver: ${reply.error}`));
    else call.resolve(reply.result);
  });
  const fail = (error: Error) => {
    // Its states are gone with it: every database's next sync is a full one.
    if (worker === started) worker = undefined;
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };
  started.on('error', fail);
  started.on('exit', (code) => fail(new Error(`identity resolver thread exited (${code})`)));
  return (worker = started);
}

/**
 * One database's resolver state, kept in the resolver thread between syncs. The first `resolve` runs
 * in full; each later one, after a `commit`, only over the records added, changed or removed since.
 *
 * @example
 * const memory = new ResolverMemory();
 * const result = await memory.resolve(records, []);
 * await saveClusters(...); memory.commit();
 */
export class ResolverMemory {
  readonly #id = ++memories;

  /** Resolves `records` (deduplicated, in a stable order); `keep`: departments sent as last saved. */
  async resolve(records: readonly ThreadRecord[], keep: readonly string[]): Promise<ThreadResolution> {
    const w = thread();
    for (let i = 0; i < records.length; i += SLICE) {
      post(w, { type: 'records', memory: this.#id, records: records.slice(i, i + SLICE) });
      // Let requests in between slices.
      if (i + SLICE < records.length) await new Promise((resolve) => setImmediate(resolve));
    }
    const call = ++calls;
    const result = new Promise<ThreadResolution>((resolve, reject) => waiting.set(call, { resolve, reject }));
    // Only while a resolve is outstanding does the thread keep the process alive.
    w.ref();
    post(w, { type: 'resolve', memory: this.#id, call, keep: [...keep], count: records.length });
    try {
      return await result;
    } finally {
      if (waiting.size === 0) worker?.unref();
    }
  }

  /** The crosswalk holds the last resolve: the next one starts from it. */
  commit(): void {
    if (worker) post(worker, { type: 'commit', memory: this.#id });
  }

  /** Drops the kept state; the next resolve runs in full. */
  forget(): void {
    if (worker) post(worker, { type: 'forget', memory: this.#id });
  }
}
