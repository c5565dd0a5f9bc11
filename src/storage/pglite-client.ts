import { PGlite } from '@electric-sql/pglite';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Worker } from 'node:worker_threads';
import { parseAs, typeParsers } from './type-parsers.js';

/** What the storage layer asks of an embedded PGlite: one statement at a time. */
export interface PgliteClient {
  /** Runs one statement; `blobText` feeds `COPY … FROM '/dev/blob'`. */
  query<R>(sql: string, params: readonly unknown[], options?: { blobText?: string }): Promise<{ rows: R[]; affectedRows?: number }>;
  close(): Promise<void>;
  readonly closed: boolean;
}

/** Where PGlite's statements run: a worker thread of its own (the default), or the main thread. */
export type PgliteThread = 'worker' | 'main';

/**
 * The thread `HUITONG_PGLITE_THREAD` asks for (`main` or `worker`; unset is `worker`).
 *
 * @example
 * pgliteThread({ HUITONG_PGLITE_THREAD: 'main' }); // 'main'
 */
export function pgliteThread(env: NodeJS.ProcessEnv = process.env): PgliteThread {
  const value = env.HUITONG_PGLITE_THREAD ?? 'worker';
  if (value !== 'worker' && value !== 'main') throw new RangeError(`HUITONG_PGLITE_THREAD must be "worker" or "main", not "${value}"`);
  return value;
}

/**
 * Opens a PGlite database (a directory, or in memory without one). PGlite runs each statement
 * synchronously from start to end; in a worker thread that work no longer holds up requests, timers and
 * health checks on the main thread, and uses a second core. `main` keeps it in this thread, turning the
 * event loop before and after each statement.
 *
 * @example
 * const client = await openPglite({ dataDir: '.data/hub' });
 * const { rows } = await client.query<{ n: number }>('select 1 as n', []);
 */
export async function openPglite(options: { dataDir?: string; thread?: PgliteThread }): Promise<PgliteClient> {
  return (options.thread ?? pgliteThread()) === 'main' ? openInThread(options.dataDir) : WorkerPglite.open(options.dataDir);
}

/**
 * The planner settings every embedded database gets: its pages are in memory, so a random read costs
 * about what a sequential one does. With PostgreSQL's disk default (4) the planner answers a lookup of a
 * few rows with a hash join over a whole table, which PGlite's WebAssembly executes ten times slower than
 * the index lookups it then passes over. (A PostgreSQL server is its DBA's to tune: docs/operations.md.)
 */
export const PGLITE_SESSION_SETTINGS = 'set random_page_cost = 1.1';

async function openInThread(dataDir: string | undefined): Promise<PgliteClient> {
  const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), parsers: typeParsers });
  await pglite.exec(PGLITE_SESSION_SETTINGS);
  return {
    async query<R>(sql: string, params: readonly unknown[], options?: { blobText?: string }) {
      // PGlite's promises resolve as microtasks: without a turn before and after, a backlog of statements
      // (and the work on their results) would run back to back without the event loop turning once.
      await yieldToEventLoop();
      const result = await pglite.query<R>(sql, params as unknown[], options?.blobText === undefined ? undefined : { blob: new Blob([options.blobText]) });
      await yieldToEventLoop();
      return result;
    },
    close: async () => {
      if (!pglite.closed) await pglite.close();
    },
    get closed() {
      return pglite.closed;
    },
  };
}

type Reply = { id: number; rows?: unknown[]; affectedRows?: number; error?: Record<string, unknown> };

/**
 * The one worker thread that runs every PGlite instance of this process (pglite-worker.js), started with
 * the first and stopped with the last. Messages carry an instance number; answers come back by id.
 */
class PgliteThreadHost {
  static #current: PgliteThreadHost | undefined;
  readonly #worker = new Worker(new URL('./pglite-worker.js', import.meta.url));
  readonly #pending = new Map<number, { resolve: (reply: Reply) => void; reject: (error: Error) => void }>();
  #next = 0;
  #instances = 0;
  #stopped: Error | undefined;

  static acquire(): { host: PgliteThreadHost; instance: number } {
    const host = (PgliteThreadHost.#current ??= new PgliteThreadHost());
    host.#instances++;
    return { host, instance: ++host.#next };
  }

  private constructor() {
    this.#worker.unref();
    this.#worker.on('message', (reply: Reply) => {
      const waiting = this.#pending.get(reply.id);
      if (!waiting) return;
      this.#pending.delete(reply.id);
      // An idle thread must not keep the process alive; one with statements under way must.
      if (this.#pending.size === 0) this.#worker.unref();
      waiting.resolve(reply);
    });
    const stop = (error: Error) => {
      this.#stopped ??= error;
      if (PgliteThreadHost.#current === this) PgliteThreadHost.#current = undefined;
      for (const waiting of this.#pending.values()) waiting.reject(this.#stopped);
      this.#pending.clear();
    };
    this.#worker.on('error', (error) => stop(stopped(`the embedded database stopped: ${error.message}`)));
    this.#worker.on('exit', () => stop(stopped('the embedded database is closed')));
  }

  /** Sends one message and waits for its answer; a failure comes back as the database's error. */
  async ask(message: Record<string, unknown>): Promise<Reply> {
    if (this.#stopped) throw this.#stopped;
    const id = ++this.#next;
    const reply = await new Promise<Reply>((resolve, reject) => {
      if (this.#pending.size === 0) this.#worker.ref();
      this.#pending.set(id, { resolve, reject });
      try {
        this.#worker.postMessage({ ...message, id });
      } catch (error) {
        // A parameter that cannot be copied to another thread (a function, a class instance).
        this.#pending.delete(id);
        if (this.#pending.size === 0) this.#worker.unref();
        reject(error as Error);
      }
    });
    if (reply.error) throw revive(reply.error);
    return reply;
  }

  /** One instance fewer; the thread ends with the last. */
  async release(): Promise<void> {
    if (--this.#instances > 0) return;
    if (PgliteThreadHost.#current === this) PgliteThreadHost.#current = undefined;
    await this.#worker.terminate();
  }
}

/** A PGlite instance in the worker thread. */
class WorkerPglite implements PgliteClient {
  #closing: Promise<void> | undefined;

  private constructor(
    private readonly host: PgliteThreadHost,
    private readonly instance: number,
  ) {}

  static async open(dataDir: string | undefined): Promise<WorkerPglite> {
    const { host, instance } = PgliteThreadHost.acquire();
    try {
      await host.ask({ instance, open: { dataDir, parseAs, settings: PGLITE_SESSION_SETTINGS } });
    } catch (error) {
      await host.release();
      throw error;
    }
    return new WorkerPglite(host, instance);
  }

  get closed() {
    return this.#closing !== undefined;
  }

  async query<R>(sql: string, params: readonly unknown[], options?: { blobText?: string }): Promise<{ rows: R[]; affectedRows?: number }> {
    if (this.#closing) throw stopped('the embedded database is closed');
    const reply = await this.host.ask({ instance: this.instance, sql, params, ...(options?.blobText === undefined ? {} : { blobText: options.blobText }) });
    return { rows: reply.rows as R[], ...(reply.affectedRows === undefined ? {} : { affectedRows: reply.affectedRows }) };
  }

  close(): Promise<void> {
    this.#closing ??= this.host
      .ask({ instance: this.instance, close: true })
      .catch(() => {})
      .then(() => this.host.release());
    return this.#closing;
  }
}

const stopped = (message: string) => Object.assign(new Error(message), { code: 'PGLITE_STOPPED' });

/** An error from the worker as an Error here, with the fields callers read (`code` is the SQLSTATE). */
function revive(fields: Record<string, unknown>): Error {
  const { message, name, ...rest } = fields;
  const error = Object.assign(new Error(String(message)), rest);
  if (typeof name === 'string') error.name = name;
  return error;
}
