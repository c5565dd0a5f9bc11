import type { Kysely } from 'kysely';
import { openDatabase } from '../../storage/index.js';

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
 * Opens the store through storage's `openDatabase`: PostgreSQL (one pool) or a locked PGlite directory,
 * whose COPY path the loader uses.
 *
 * @example
 * const store = await openStoreDatabase({ dir: join(context.dataDir, 'store') });
 */
export async function openStoreDatabase(location: StoreLocation): Promise<StoreDatabase> {
  const database = await openDatabase<any>(location);
  return { db: database.db, backend: database.backend, ...(database.copyFromText ? { copyCsv: database.copyFromText } : {}), close: database.close };
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
