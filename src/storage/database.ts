import { cpSync, existsSync, mkdirSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';
import { acquireDirLock } from './lock-file.js';
import { openPglite, type PgliteThread } from './pglite-client.js';
import { PGliteDialect } from './pglite-dialect.js';
import { typeParsers } from './type-parsers.js';

/** Where a database lives: a PostgreSQL URL, or an embedded PGlite directory (`memory://` for tests). */
export type DatabaseLocation = ({ url: string } | { dir: string } | { memory: true }) & {
  /** PGlite only: where its statements run (default: `HUITONG_PGLITE_THREAD`, else a worker thread). */
  thread?: PgliteThread;
};

export interface Database<DB> {
  readonly db: Kysely<DB>;
  readonly backend: 'postgres' | 'pglite';
  /**
   * PGlite only: runs `copy <table> from '/dev/blob' …` fed with `text`, holding the one connection (so it
   * never lands inside another caller's transaction); several times faster than INSERT there.
   */
  readonly copyFromText?: (statement: string, text: string) => Promise<void>;
  /** Closes the pool or the embedded instance and releases the directory lock. */
  close(): Promise<void>;
}

let emptyClusterTemplate: string | undefined;

/**
 * An initialised, empty PGlite directory that new PGlite directories of this process start as a copy
 * of: a new directory otherwise runs initdb, seconds of a first start (the CLI sets the one
 * `npm install` builds). Undefined turns it off.
 *
 * @example
 * usePgliteTemplate('dist/start-templates/pglite-empty');
 */
export function usePgliteTemplate(dir: string | undefined): void {
  emptyClusterTemplate = dir && existsSync(join(dir, 'PG_VERSION')) ? dir : undefined;
}

/**
 * Opens a database through the one storage code path the whole hub uses: kysely over `pg` when given a
 * URL, over PGlite otherwise. The PGlite directory is created if missing and locked for this process.
 *
 * @example
 * const { db, close } = await openDatabase<HubDatabase>(
 *   process.env.DATABASE_URL ? { url: process.env.DATABASE_URL } : { dir: '.data/hub' },
 * );
 */
export async function openDatabase<DB>(location: DatabaseLocation): Promise<Database<DB>> {
  if ('url' in location) {
    const pool = new pg.Pool({
      connectionString: location.url,
      max: Number(process.env.HUITONG_DB_POOL_SIZE ?? 10),
      types: {
        getTypeParser: ((oid: number, format?: string) => typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
      },
    });
    // An idle client losing its server must not crash the process: the next query reports it.
    pool.on('error', () => {});
    const db = new Kysely<DB>({ dialect: new PostgresDialect({ pool }) });
    return { db, backend: 'postgres', close: () => db.destroy() };
  }
  let release = () => {};
  let dataDir: string | undefined;
  if ('dir' in location) {
    mkdirSync(location.dir, { recursive: true });
    release = acquireDirLock(location.dir);
    dataDir = location.dir;
    // Under the lock, so no other process copies into (or opens) it meanwhile; the lock file is the one entry.
    if (emptyClusterTemplate && readdirSync(location.dir).every((name) => name === 'huitong.lock')) {
      cpSync(emptyClusterTemplate, location.dir, { recursive: true });
    }
  }
  try {
    const pglite = await openPglite({ ...(dataDir ? { dataDir } : {}), ...(location.thread ? { thread: location.thread } : {}) });
    const db = new Kysely<DB>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      backend: 'pglite',
      copyFromText: (statement, text) => db.connection().execute(async () => void (await pglite.query(statement, [], { blobText: text }))),
      close: async () => {
        await db.destroy();
        // kysely destroys a driver only once it has run a query: close an unused instance ourselves.
        if (!pglite.closed) await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}
