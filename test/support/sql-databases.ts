import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Kysely, MysqlDialect, sql } from 'kysely';
import { createPool } from 'mysql2';
import { openDatabase } from '../../src/storage/index.js';
import { backends } from './databases.js';

/**
 * The databases a department's legacy system may be, for the `sql` kind's suites: PGlite always,
 * PostgreSQL when DATABASE_URL is set, MariaDB (or MySQL) when MARIADB_URL is set (.ci/run sets both).
 */
export interface LegacyBackend {
  name: 'pglite' | 'postgres' | 'mariadb';
  /** A fresh empty database: its URL, a writable connection to fill it, and how to remove it again. */
  fresh(): Promise<LegacyDatabase>;
}

export interface LegacyDatabase {
  /** What a spec's `connection.url` names (it may hold a password: give it to specs through `{ env }`). */
  url: string;
  /** Writable, for loading fixtures; `release` closes it (PGlite: so the adapter may open the directory). */
  db: Kysely<any>;
  release(): Promise<void>;
  drop(): Promise<void>;
}

/** The MariaDB/MySQL server the MariaDB suites run on: an account that may create databases. */
export const mariadbUrl = process.env.MARIADB_URL || undefined;

const pglite: LegacyBackend = {
  name: 'pglite',
  fresh: async () => {
    const dir = mkdtempSync(join(tmpdir(), 'huitong-legacy-'));
    const database = await openDatabase<any>({ dir });
    let released = false;
    const release = async () => {
      if (!released) await database.close();
      released = true;
    };
    return { url: `file:${dir}`, db: database.db, release, drop: async () => (await release(), rmSync(dir, { recursive: true, force: true })) };
  },
};

function postgres(): LegacyBackend {
  const server = backends.find((b) => b.name === 'postgres')!;
  return {
    name: 'postgres',
    fresh: async () => {
      const fresh = await server.freshUrl();
      const database = await openDatabase<any>({ url: fresh.url! });
      let released = false;
      const release = async () => {
        if (!released) await database.close();
        released = true;
      };
      return { url: fresh.url!, db: database.db, release, drop: async () => (await release(), await fresh.drop()) };
    },
  };
}

/**
 * A MariaDB pool on a URL, utf8mb4, dates as text.
 *
 * @example
 * const db = mariadbKysely(process.env.MARIADB_URL!);
 */
export function mariadbKysely(url: string): Kysely<any> {
  const u = new URL(url);
  const pool = createPool({
    host: u.hostname,
    port: Number(u.port || 3306),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || undefined,
    charset: 'utf8mb4',
    dateStrings: true,
    connectionLimit: 4,
  });
  return new Kysely<any>({ dialect: new MysqlDialect({ pool }) });
}

function mariadb(adminUrl: string): LegacyBackend {
  return {
    name: 'mariadb',
    fresh: async () => {
      const name = `huitong_t_${randomBytes(6).toString('hex')}`;
      const admin = mariadbKysely(adminUrl);
      await sql`create database ${sql.id(name)} character set utf8mb4`.execute(admin);
      const url = new URL(adminUrl);
      url.pathname = `/${name}`;
      const db = mariadbKysely(url.toString());
      let released = false;
      const release = async () => {
        if (!released) await db.destroy();
        released = true;
      };
      return {
        url: url.toString(),
        db,
        release,
        drop: async () => {
          await release();
          await sql`drop database if exists ${sql.id(name)}`.execute(admin);
          await admin.destroy();
        },
      };
    },
  };
}

export const legacyBackends: LegacyBackend[] = [
  pglite,
  ...(backends.some((b) => b.name === 'postgres') ? [postgres()] : []),
  ...(mariadbUrl ? [mariadb(mariadbUrl)] : []),
];
