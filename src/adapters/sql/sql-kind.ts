import type { AdapterKind, KindContext } from '../core/adapter-kind.js';
import { SpecError, type SpecIssue } from '../spec/spec-issue.js';
import { readCatalog } from './sql-catalog.js';
import { SqlConnector } from './sql-connector.js';
import { openSqlDatabase } from './sql-database.js';
import { planSpec } from './sql-plan.js';
import { sameDialect, sqlSpec, type SqlSpec } from './sql-spec.js';
import { describeUrl, dialectOfUrl, mysqlAddress, URL_SCHEMES } from './sql-url.js';

/** How long `open` waits for the catalogue before leaving it to the first call (a database down at start). */
const OPEN_WAIT_MS = 5000;

export interface OpenSqlOptions {
  /** Called for every statement the connector sends (tests count round trips with it). */
  onStatement?: () => void;
}

/**
 * Opens a department's connector: resolves the URL, opens the database read-only and reads its
 * catalogue. A spec that does not fit the tables fails here with a `SpecError`; a database that does not
 * answer yet does not (its calls fail, and retry the catalogue, until it does).
 *
 * @example
 * const connector = await openSqlConnector(spec, context);
 * const adapter = { connector, mapper: specMapper(spec) };
 */
export async function openSqlConnector(spec: SqlSpec, context: KindContext, options: OpenSqlOptions = {}): Promise<SqlConnector> {
  const url = context.resolve(spec.connection.url);
  const issue = urlIssue(spec, url);
  if (issue) throw new SpecError(spec.code, [issue]);
  const database = await openSqlDatabase(url, { timeZone: spec.timeZone, ...options });
  const connector = new SqlConnector(spec, database);
  let timer: NodeJS.Timeout | undefined;
  const waited = new Promise<void>((resolve) => (timer = setTimeout(resolve, OPEN_WAIT_MS).unref()));
  try {
    await Promise.race([connector.ready(), waited]);
  } catch (error) {
    if (error instanceof SpecError) {
      await database.close();
      throw error;
    }
    context.logger.warn(
      { department: spec.code, err: { name: (error as Error).name, code: (error as { code?: unknown }).code } },
      'department database not reachable yet',
    );
  } finally {
    clearTimeout(timer);
  }
  return connector;
}

/**
 * Checks a spec against the live database within the signal's deadline: the URL resolves and answers,
 * the server is recent enough, each table and column exists (with `did you mean`), date columns can be
 * ordered in SQL. Reads the catalogue only, never a data row; the connection is closed again.
 *
 * @example
 * const issues = await inspectSql(spec, context, AbortSignal.timeout(5000));
 * // [{ path: 'permits.fields.status', message: 'no column "zt" in table xkz', hint: 'did you mean "zt_dm"?' }]
 */
export async function inspectSql(spec: SqlSpec, context: KindContext, signal: AbortSignal): Promise<SpecIssue[]> {
  let url: string;
  try {
    url = context.resolve(spec.connection.url);
  } catch (error) {
    return [{ path: 'connection.url', message: (error as Error).message }];
  }
  const issue = urlIssue(spec, url);
  if (issue) return [issue];
  const opening = openSqlDatabase(url, { timeZone: spec.timeZone });
  opening.catch(() => {});
  try {
    const catalog = await abortable(signal, async () => {
      const database = await opening;
      return readCatalog(database.db, database.dialect, [spec.permits, spec.applicants]);
    });
    return planSpec(spec, catalog).issues;
  } catch (error) {
    const message = `cannot read the database at ${describeUrl(url)}: ${signal.aborted ? 'no answer within the time limit' : reasonOf(error, url)}`;
    // Typically the hub serving this department holds it: the check can run there instead.
    const locked = (error as { code?: unknown }).code === 'DATA_DIR_LOCKED';
    return [
      {
        path: 'connection.url',
        message,
        ...(locked ? { hint: 'a PGlite directory has one owner process; when it is a running hub, check through it: huitong departments validate --hub' } : {}),
      },
    ];
  } finally {
    // Not awaited when the deadline passed: a pool still connecting must not hold the caller.
    const closing = opening.then((database) => database.close()).catch(() => {});
    if (!signal.aborted) await closing;
  }
}

/** The `sql` kind: departments whose approval system is a PostgreSQL, PGlite or MySQL/MariaDB database. */
export const sqlKind: AdapterKind<SqlSpec> = {
  name: 'sql',
  schema: sqlSpec,
  open: (spec, context) => openSqlConnector(spec, context),
  inspect: inspectSql,
};

function urlIssue(spec: SqlSpec, url: string): SpecIssue | null {
  const dialect = dialectOfUrl(url);
  if (dialect === null) return { path: 'connection.url', message: `the URL's scheme is not one of ${URL_SCHEMES.join(', ')}` };
  const declared = sameDialect(spec.connection.dialect);
  if (declared && declared !== dialect)
    return { path: 'connection.dialect', message: `${spec.connection.dialect} does not match the URL's scheme (${dialect})` };
  try {
    if (dialect !== 'pglite') new URL(url);
  } catch {
    return { path: 'connection.url', message: 'is not a valid URL' };
  }
  return null;
}

function abortable<T>(signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    run()
      .then(resolve, reject)
      .finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/** Why a connection failed, from the driver's code: never the driver's text, which may echo settings. */
function reasonOf(error: unknown, url: string): string {
  const e = error as { code?: unknown; errno?: unknown; name?: string };
  const code = typeof e.code === 'string' ? e.code : undefined;
  const host = (() => {
    try {
      return dialectOfUrl(url) === 'mysql' ? mysqlAddress(url).host : new URL(url).hostname;
    } catch {
      return 'the host';
    }
  })();
  switch (code) {
    case 'ECONNREFUSED':
      return `connection refused (is the server running and listening at ${host}?)`;
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `host ${host} not found`;
    case 'ETIMEDOUT':
      return `no answer from ${host}`;
    case 'ECONNRESET':
    case 'EPIPE':
      return 'the server closed the connection';
    case '28P01':
    case '28000':
    case 'ER_ACCESS_DENIED_ERROR':
    case 'ER_ACCESS_DENIED_NO_PASSWORD_ERROR':
      return 'the server refused the login (user or password wrong, or no access from this host)';
    case '3D000':
    case 'ER_BAD_DB_ERROR':
      return 'no such database';
    case 'ER_DBACCESS_DENIED_ERROR':
    case '42501':
      return 'the user may not read this database';
    case 'ENOENT':
      return 'no PGlite database in that directory';
    case 'DATA_DIR_LOCKED':
      return 'the PGlite directory is in use by another process';
    default:
      return `the connection failed (${code ?? e.name ?? 'unknown error'})`;
  }
}
