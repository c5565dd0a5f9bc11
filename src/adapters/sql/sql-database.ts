import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Kysely, MysqlDialect, PostgresDialect, sql, type KyselyPlugin } from 'kysely';
import { createPool, type PoolConnection } from 'mysql2';
import pg from 'pg';
import { openDatabase, type Database } from '../../storage/index.js';
import { typeParsers } from '../../storage/type-parsers.js';
import { fixedZone } from '../core/time-zone.js';
import { dialectOfUrl, mysqlAddress, pgliteDir, type SqlDialect } from './sql-url.js';

/** A department's database, opened read-only. */
export interface SqlDatabase {
  readonly db: Kysely<any>;
  readonly dialect: SqlDialect;
  close(): Promise<void>;
}

export interface SqlDatabaseOptions {
  /** The spec's zone: MySQL's TIMESTAMP columns are read in it (session `time_zone`). */
  timeZone: string;
  /** Called once for every statement sent (tests count round trips with it). */
  onStatement?: () => void;
}

/**
 * Opens the database a connection URL names, read-only whatever the account may do: PostgreSQL with
 * `default_transaction_read_only` on every connection (a startup option, beside a statement timeout), PGlite with the same setting
 * on its one session, MySQL/MariaDB with `SET SESSION TRANSACTION READ ONLY` on every pooled connection
 * before its first use. MySQL text comes back as Unicode whatever the table's character set (the
 * connection is utf8mb4; the server converts), dates as the text the server holds.
 *
 * @example
 * const { db, dialect, close } = await openSqlDatabase('mariadb://reader@127.0.0.1/xk', { timeZone: 'Asia/Shanghai' });
 */
export async function openSqlDatabase(url: string, options: SqlDatabaseOptions): Promise<SqlDatabase> {
  const dialect = dialectOfUrl(url);
  let opened: { db: Kysely<any>; close(): Promise<void> };
  if (dialect === 'postgres') opened = openPostgres(url);
  else if (dialect === 'pglite') opened = await sharedPglite(resolve(pgliteDir(url)));
  else if (dialect === 'mysql') opened = openMysql(url, options.timeZone);
  else throw new Error('the connection URL has no known scheme');
  const onStatement = options.onStatement;
  const db = onStatement ? opened.db.withPlugin(countingPlugin(onStatement)) : opened.db;
  return { db, dialect, close: () => opened.close() };
}

function countingPlugin(onStatement: () => void): KyselyPlugin {
  return {
    transformQuery: (args) => {
      onStatement();
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
}

/** A statement still running this long after the hub gave up on it is cancelled by the server. */
const STATEMENT_TIMEOUT_MS = 30_000;
/** A connection attempt that has not completed by then fails (a server that accepts but never answers). */
const CONNECT_TIMEOUT_MS = 10_000;

function openPostgres(url: string): { db: Kysely<any>; close(): Promise<void> } {
  // storage's openDatabase serves the hub's own database; a department's needs a connect timeout and
  // read-only startup options, so its pool is made here with the same type parsers.
  // Options in the URL would replace the ones below (pg lets the URL win): they are merged instead, ours last.
  const parsed = new URL(url);
  const own = parsed.searchParams.get('options');
  parsed.searchParams.delete('options');
  const pool = new pg.Pool({
    connectionString: parsed.toString(),
    max: Number(process.env.HUITONG_DB_POOL_SIZE ?? 10),
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    // Startup options hold for each pooled connection from its first statement.
    options: [own, `-c default_transaction_read_only=on -c statement_timeout=${STATEMENT_TIMEOUT_MS}`].filter(Boolean).join(' '),
    types: {
      getTypeParser: ((oid: number, format?: string) => typeParsers[oid] ?? pg.types.getTypeParser(oid, format as 'text')) as typeof pg.types.getTypeParser,
    },
  });
  // An idle client losing its server must not crash the process: the next query reports it.
  pool.on('error', () => {});
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }) });
  return {
    db,
    close: async () => {
      await db.destroy();
      await pool.end().catch(() => {});
    },
  };
}

function openMysql(url: string, timeZone: string): { db: Kysely<any>; close(): Promise<void> } {
  const address = mysqlAddress(url);
  const pool = createPool({
    ...address,
    charset: 'utf8mb4',
    // Dates as the server's text (a legacy local time is not ours to reinterpret), like PostgreSQL's.
    dateStrings: true,
    supportBigNumbers: true,
    connectionLimit: Number(process.env.HUITONG_DB_POOL_SIZE ?? 10),
    connectTimeout: CONNECT_TIMEOUT_MS,
  });
  const zone = offsetText(fixedZone(timeZone).offsetMinutes);
  // Each new pooled connection is made read-only (and put in the spec's zone) before its first use:
  // mysql2 runs a connection's commands in order, and a connection whose setup fails is destroyed, so
  // no statement ever runs on a connection that could write.
  pool.on('connection', (connection: PoolConnection) => {
    const destroyOnError = (error: unknown) => {
      if (error) connection.destroy();
    };
    connection.query('SET SESSION TRANSACTION READ ONLY', destroyOnError);
    connection.query('SET time_zone = ?', [zone], destroyOnError);
  });
  const db = new Kysely<any>({ dialect: new MysqlDialect({ pool }) });
  return {
    db,
    close: async () => {
      await db.destroy();
      // kysely ends the pool only if it was used; end an unused one ourselves.
      await new Promise<void>((done) => pool.end(() => done())).catch(() => {});
    },
  };
}

const offsetText = (minutes: number) => {
  const abs = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

// PGlite takes one opener per directory (storage's lock file), but a hub may open the same department
// twice (a candidate spec checked beside the live one): openers in this process share one instance.
const pglites = new Map<string, { opening: Promise<Database<any>>; users: number }>();

async function sharedPglite(dir: string): Promise<{ db: Kysely<any>; close(): Promise<void> }> {
  let entry = pglites.get(dir);
  if (!entry) {
    // Opening a directory that holds no database would create one: a mistyped path must fail instead.
    if (!existsSync(join(dir, 'PG_VERSION'))) throw Object.assign(new Error('no PGlite database in the directory'), { code: 'ENOENT' });
    const opening = openDatabase<any>({ dir }).then(async (database) => {
      try {
        await sql`set default_transaction_read_only = on`.execute(database.db);
      } catch (error) {
        await database.close();
        throw error;
      }
      return database;
    });
    entry = { opening, users: 0 };
    pglites.set(dir, entry);
    opening.catch(() => pglites.delete(dir));
  }
  entry.users++;
  let database: Database<any>;
  try {
    database = await entry.opening;
  } catch (error) {
    entry.users--;
    throw error;
  }
  let closed = false;
  const shared = entry;
  return {
    db: database.db,
    close: async () => {
      if (closed) return;
      closed = true;
      if (--shared.users === 0) {
        pglites.delete(dir);
        await database.close();
      }
    },
  };
}
