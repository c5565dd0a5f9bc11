import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { openDatabase, type Database } from '../../src/storage/index.js';

/**
 * The storage backends every storage and end-to-end suite runs on: PGlite always, real PostgreSQL
 * when DATABASE_URL is set (CI). Each `create` makes a fresh database, dropped again on close.
 */
export interface Backend {
  name: 'pglite' | 'postgres';
  /** A fresh database URL (postgres) or undefined (PGlite: use a directory or memory). */
  freshUrl(): Promise<{ url: string | undefined; drop(): Promise<void> }>;
  open<DB>(): Promise<Database<DB>>;
}

export const backends: Backend[] = [
  {
    name: 'pglite',
    freshUrl: async () => ({ url: undefined, drop: async () => {} }),
    open: () => openDatabase({ memory: true }),
  },
  ...(process.env.DATABASE_URL ? [postgresBackend(process.env.DATABASE_URL)] : []),
];

function postgresBackend(adminUrl: string): Backend {
  const freshUrl = async () => {
    const name = `huitong_t_${randomBytes(6).toString('hex')}`;
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`create database ${name}`);
    await admin.end();
    const url = new URL(adminUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      drop: async () => {
        const a = new pg.Client({ connectionString: adminUrl });
        await a.connect();
        await a.query(`drop database if exists ${name} with (force)`);
        await a.end();
      },
    };
  };
  return {
    name: 'postgres',
    freshUrl,
    open: async <DB>() => {
      const fresh = await freshUrl();
      const database = await openDatabase<DB>({ url: fresh.url });
      return {
        ...database,
        close: async () => {
          await database.close();
          await fresh.drop();
        },
      };
    },
  };
}
