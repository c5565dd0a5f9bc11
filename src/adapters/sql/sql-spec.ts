import { z } from 'zod';
import { compileDateLayout } from '../core/local-date-format.js';
import { departmentSpecSchema, valueOrRef, type DepartmentSpec } from '../spec/department-spec.js';
import { dialectOfUrl, hasPassword, URL_SCHEMES } from './sql-url.js';

/**
 * A table, view, schema or column name as the department's database spells it. Names are quoted by the
 * dialect and must match the database's catalogue before any statement uses them; control characters
 * are refused here already.
 */
const sqlName = z
  .string()
  .min(1)
  .max(128)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the rule is to refuse them
  .regex(/^[^\u0000-\u001f\u007f]+$/, 'a table, schema or column name (no control characters)');

export const sqlConnection = z
  .object({
    dialect: z
      .enum(['postgres', 'mysql', 'mariadb', 'pglite'])
      .optional()
      .describe('Optional: the URL’s scheme decides (postgres:, postgresql:, mysql:, mariadb:, file:); when given, it must agree.'),
    url: valueOrRef.describe(
      'The database: `postgres://user@host:5432/db`, `mysql://…` or `mariadb://…`, or `file:<dir>` for an embedded PGlite directory. With a password, give it as { env: NAME } or { secret: FILE }.',
    ),
  })
  .strict()
  .superRefine((connection, ctx) => {
    if (typeof connection.url !== 'string') return;
    const dialect = dialectOfUrl(connection.url);
    if (hasPassword(connection.url)) {
      ctx.addIssue({
        code: 'custom',
        path: ['url'],
        message: 'the URL holds a password in clear: give the whole URL as { env: NAME } or { secret: FILE } instead (a spec is stored and shown as written)',
      });
    } else if (dialect === null) {
      ctx.addIssue({ code: 'custom', path: ['url'], message: `the URL's scheme is not one of ${URL_SCHEMES.join(', ')}` });
    } else if (connection.dialect && sameDialect(connection.dialect) !== dialect) {
      ctx.addIssue({ code: 'custom', path: ['dialect'], message: `${connection.dialect} does not match the URL's scheme (${dialect})` });
    }
  });
export type SqlConnection = z.infer<typeof sqlConnection>;

/** The declared dialect in the kind's own terms: MariaDB is spoken as MySQL. */
export function sameDialect(declared: SqlConnection['dialect']): 'postgres' | 'mysql' | 'pglite' | undefined {
  return declared === 'mariadb' ? 'mysql' : declared;
}

const tableAt = {
  table: sqlName.describe('The table or view holding the records.'),
  schema: sqlName.optional().describe('Its schema (PostgreSQL) or database (MySQL/MariaDB); by default the connection’s own.'),
};

/**
 * The `sql` kind's spec: the common parts plus `connection` and, per entity, the table or view (and
 * optionally its schema). Every field's `from` is a column of that table.
 */
export const sqlSpec = departmentSpecSchema('sql', { connection: sqlConnection, permits: tableAt, applicants: tableAt }).superRefine((spec, ctx) => {
  // Lists are ordered by appliedAt in SQL, so a text column's layout must sort as its dates do.
  const applied = spec.permits.fields.appliedAt;
  if (typeof applied === 'object' && applied.format) {
    let sortable = true;
    try {
      sortable = compileDateLayout(applied.format).sortable;
    } catch {
      return; // the common checks name a format that does not compile
    }
    if (!sortable) {
      ctx.addIssue({
        code: 'custom',
        path: ['permits', 'fields', 'appliedAt', 'format'],
        message: `"${applied.format}" does not sort as its dates do, and the sql kind orders and pages by appliedAt in the database: use a native date/timestamp column, or a fixed-width layout with the year first (e.g. YYYYMMDD, YYYY-MM-DD HH:mm:ss)`,
      });
    }
  }
});

export type SqlTableAt = { table: string; schema?: string | undefined };
/** A parsed `sql` spec. */
export type SqlSpec = DepartmentSpec<SqlConnection, SqlTableAt, SqlTableAt>;
