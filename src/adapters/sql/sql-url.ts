import { fileURLToPath } from 'node:url';

/** The database families the `sql` kind speaks; MariaDB is `mysql` (one driver, one SQL flavour). */
export type SqlDialect = 'postgres' | 'mysql' | 'pglite';

const SCHEMES: Readonly<Record<string, SqlDialect>> = {
  'postgres:': 'postgres',
  'postgresql:': 'postgres',
  'mysql:': 'mysql',
  'mariadb:': 'mysql',
  'file:': 'pglite',
};

/**
 * The dialect a connection URL names by its scheme, or null for a scheme the kind does not know.
 *
 * @example
 * dialectOfUrl('mariadb://reader@127.0.0.1:3306/xk'); // 'mysql'
 * dialectOfUrl('file:/var/lib/huitong/market');       // 'pglite'
 */
export function dialectOfUrl(url: string): SqlDialect | null {
  const scheme = /^[a-z][a-z0-9+.-]*:/i.exec(url)?.[0].toLowerCase();
  return scheme ? (SCHEMES[scheme] ?? null) : null;
}

/** The schemes a connection URL may have, for messages. */
export const URL_SCHEMES = Object.keys(SCHEMES).map((s) => s.slice(0, -1));

/**
 * Whether a URL carries a password (in its user part or as a `password` parameter). Such a URL belongs
 * in the environment or the secrets directory, never in a spec, which is stored and shown in clear.
 *
 * @example
 * hasPassword('postgres://reader:s3cret@db/xk'); // true
 * hasPassword('postgres://reader@db/xk');        // false
 */
export function hasPassword(url: string): boolean {
  if (dialectOfUrl(url) === 'pglite') return false;
  try {
    const parsed = new URL(url);
    return parsed.password !== '' || parsed.searchParams.has('password');
  } catch {
    // Unparsable as a URL: look for the user:password@ shape by hand rather than let one through.
    return /^[a-z][a-z0-9+.-]*:\/\/[^/@]*:[^/@]*@/i.test(url);
  }
}

/**
 * A URL as it may appear in a message: scheme, user, host, port and database, never a password or
 * parameters (which may hold one).
 *
 * @example
 * describeUrl('mysql://reader:s3cret@127.0.0.1:3306/xk?ssl=1'); // 'mysql://reader@127.0.0.1:3306/xk'
 */
export function describeUrl(url: string): string {
  if (dialectOfUrl(url) === 'pglite') return `file:${pgliteDir(url)}`;
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.username ? `${decodeURIComponent(u.username)}@` : ''}${u.host}${u.pathname}`;
  } catch {
    return 'an unparsable URL';
  }
}

/**
 * The PGlite directory of a `file:` URL: `file:<path>` (the demo's form) or `file:///abs/path`.
 *
 * @example
 * pgliteDir('file:.data/legacy/market'); // '.data/legacy/market'
 */
export function pgliteDir(url: string): string {
  return url.startsWith('file://') ? fileURLToPath(url) : url.slice('file:'.length);
}

/** What mysql2 needs from a `mysql:`/`mariadb:` URL; the password is decoded here and goes nowhere else. */
export interface MysqlAddress {
  host: string;
  port: number;
  user: string;
  password: string | undefined;
  database: string | undefined;
}

/**
 * Splits a MySQL/MariaDB URL into mysql2's settings.
 *
 * @example
 * mysqlAddress('mariadb://reader@127.0.0.1:3307/xk'); // { host: '127.0.0.1', port: 3307, user: 'reader', database: 'xk', … }
 */
export function mysqlAddress(url: string): MysqlAddress {
  const u = new URL(url);
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  const password = u.password ? decodeURIComponent(u.password) : (u.searchParams.get('password') ?? undefined);
  return {
    host: u.hostname.replace(/^\[(.*)\]$/, '$1') || 'localhost',
    port: u.port ? Number(u.port) : 3306,
    user: decodeURIComponent(u.username),
    password,
    database: database === '' ? undefined : database,
  };
}
