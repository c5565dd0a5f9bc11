import { mkdirSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { Kysely } from 'kysely';
import { acquireDirLock, openDatabase, PGliteDialect } from '../../storage/index.js';
import { typeParsers } from '../../storage/type-parsers.js';

/** Where a csv department's indexed copy lives. */
export type StoreLocation = { url: string } | { dir: string } | { memory: true };

/** The store's database, with a bulk path where the backend has a fast one. */
export interface StoreDatabase {
  readonly db: Kysely<any>;
  readonly backend: 'pglite' | 'postgres';
  /**
   * PGlite only: runs `copy <table> from '/dev/blob' with (format csv)` on CSV text, holding the one
   * connection, several times faster than INSERT there. Undefined on PostgreSQL (INSERT … SELECT from JSON).
   */
  readonly copyCsv?: (statement: string, csv: string) => Promise<void>;
  close(): Promise<void>;
}

/**
 * Opens the store: PostgreSQL through `openDatabase` (one pool), PGlite directly, because its COPY takes
 * a blob that kysely cannot pass; the directory is locked for this process as `openDatabase` does.
 *
 * @example
 * const store = await openStoreDatabase({ dir: join(context.dataDir, 'store') });
 */
export async function openStoreDatabase(location: StoreLocation): Promise<StoreDatabase> {
  if ('url' in location) {
    const { db, close } = await openDatabase<any>({ url: location.url });
    return { db, backend: 'postgres', close };
  }
  let release = () => {};
  let dataDir: string | undefined;
  if ('dir' in location) {
    mkdirSync(location.dir, { recursive: true });
    release = acquireDirLock(location.dir);
    dataDir = location.dir;
  }
  try {
    const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), parsers: typeParsers });
    const db = new Kysely<any>({ dialect: new PGliteDialect(pglite) });
    return {
      db,
      backend: 'pglite',
      // Through kysely's connection, so the COPY never lands inside another caller's transaction.
      copyCsv: (statement, csv) => db.connection().execute(async () => void (await pglite.query(statement, [], { blob: new Blob([csv]) }))),
      close: async () => {
        await db.destroy();
        if (!pglite.closed) await pglite.close();
        release();
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

/**
 * The store a spec's `connection.store.url` names, or the department's own PGlite directory.
 *
 * @example
 * storeLocation('file:/var/lib/huitong/health-store', '/ignored'); // { dir: '/var/lib/huitong/health-store' }
 */
export function storeLocation(url: string | undefined, dataDir: string): StoreLocation {
  if (url === undefined) return { dir: dataDir };
  if (url === 'memory://') return { memory: true };
  if (url.startsWith('file:')) return { dir: url.slice('file:'.length) };
  if (/^postgres(ql)?:\/\//.test(url)) return { url };
  throw new RangeError('store url is not postgres://…, file:<dir> or memory://');
}
