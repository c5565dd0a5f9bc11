/**
 * A command used wrongly (a missing or bad argument, an option that does not fit): exit code 2, the
 * message and where to read the command's usage, before any work is done.
 *
 * @example
 * throw new UsageError('--scale must be a positive number');
 */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Exit codes of every `huitong` command. */
export const EXIT = { ok: 0, failure: 1, usage: 2 } as const;

// Drivers' codes for a database that cannot be used, in words with what to check.
const DATABASE_PROBLEMS: Record<string, string> = {
  ECONNREFUSED: 'nothing listens at the database’s address: is PostgreSQL running, and is DATABASE_URL’s host and port right?',
  ENOTFOUND: 'the database’s host name does not resolve: check DATABASE_URL’s host',
  ETIMEDOUT: 'the database did not answer in time: check the network between this host and DATABASE_URL’s host',
  '28P01': 'the database refused the password: check DATABASE_URL’s user and password',
  '28000': 'the database refused this user: check DATABASE_URL’s user and pg_hba.conf',
  '3D000': 'the database named in DATABASE_URL does not exist: create it (createdb) or fix the name',
};

/**
 * What to tell the user about a failure, and the exit code: settings and usage errors are 2, the rest 1;
 * a driver's connection error is said in words, with what to check.
 *
 * @example
 * describeFailure(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }));
 * // { exitCode: 1, message: 'cannot open the hub database: nothing listens at … (connect ECONNREFUSED 127.0.0.1:5432)' }
 */
export function describeFailure(error: unknown): { exitCode: number; message: string; hint?: string } {
  const e = error as Error & { code?: unknown };
  if (e?.name === 'ConfigError') {
    return { exitCode: EXIT.usage, message: e.message, hint: '(docs/configuration.md says what each setting accepts; huitong config shows them all)' };
  }
  if (e instanceof UsageError) return { exitCode: EXIT.usage, message: e.message, hint: '(huitong COMMAND --help shows a command’s usage and examples)' };
  const code = typeof e?.code === 'string' ? e.code : undefined;
  if (code === 'DATA_DIR_LOCKED') {
    return {
      exitCode: EXIT.failure,
      message: e.message,
      hint: '(an embedded PGlite directory serves one process at a time: a running hub holds it until it stops; huitong doctor says which)',
    };
  }
  if (code && DATABASE_PROBLEMS[code]) return { exitCode: EXIT.failure, message: `cannot open the hub database: ${DATABASE_PROBLEMS[code]} (${e.message})` };
  return { exitCode: EXIT.failure, message: e?.message ?? String(error) };
}
