import { z } from 'zod';
import { departmentSpecSchema, valueOrRef, type DepartmentSpec } from '../spec/department-spec.js';
import { applicantSourceFields, permitSourceFields } from '../spec/fields.js';

/** The encodings a CSV export may be in; a UTF-8 or GB18030 byte-order mark is always tolerated. */
export const CSV_ENCODINGS = ['gb18030', 'gbk', 'utf-8'] as const;
export type CsvEncoding = (typeof CSV_ENCODINGS)[number];

const filePattern = z
  .string()
  .min(1)
  .regex(/^[^/\\]+$/, 'a file name pattern, without a directory')
  .refine((p) => p.split('{date}').length <= 2, '{date} may appear once')
  .describe(
    'The export’s file name: `{date}` stands for the export date (digits, with - or _ between them), `*` and `?` are wildcards. The newest matching file wins; `.part`/`.tmp` files never match.',
  );

/** Where the indexed copy of the exports lives: by default a PGlite directory under the department's data directory. */
export const csvStore = z
  .object({
    url: valueOrRef.describe('A PostgreSQL URL (`postgres://…`), `file:<dir>` for a PGlite directory, or `memory://` (tests: nothing kept).'),
    schema: z
      .string()
      .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case SQL name')
      .optional()
      .describe('The schema the tables live in (PostgreSQL); default `csv_<department code>`.'),
  })
  .strict();
export type CsvStoreSettings = z.infer<typeof csvStore>;

export const csvConnection = z
  .object({
    dir: valueOrRef.describe('The folder the department drops its exports into.'),
    encoding: z.enum(CSV_ENCODINGS).describe('The export’s character set: gb18030 (a superset of GBK; needed for rare name characters), gbk or utf-8.'),
    delimiter: z.string().length(1).default(',').describe('The field separator: `,` (default), `;`, `|` or a tab.'),
    quote: z.string().length(1).default('"').describe('The quote character around fields holding separators, quotes or line breaks.'),
    header: z
      .boolean()
      .default(true)
      .describe('Whether the first line names the columns (fields’ `from` are header names); without one, `from` are column numbers from 1.'),
    store: csvStore.optional(),
  })
  .strict();
export type CsvConnection = z.infer<typeof csvConnection>;

/** The `csv` kind's whole spec schema. */
export const csvSpecSchema = departmentSpecSchema('csv', {
  connection: csvConnection,
  permits: { file: filePattern },
  applicants: {
    file: filePattern.optional().describe('A separate export of applicant records; or'),
    fromPermits: z
      .literal(true)
      .optional()
      .describe('`true`: applicants are the applicant columns of the permit rows, the first row of each applicant key describing it.'),
  },
}).superRefine((spec, ctx) => {
  const c = spec.connection;
  if (c.delimiter === c.quote) ctx.addIssue({ code: 'custom', path: ['connection', 'quote'], message: 'the quote must differ from the delimiter' });
  for (const key of ['delimiter', 'quote'] as const) {
    if (c[key] === '\r' || c[key] === '\n') ctx.addIssue({ code: 'custom', path: ['connection', key], message: 'cannot be a line break' });
  }
  const a = spec.applicants;
  if ((a.file === undefined) === (a.fromPermits === undefined)) {
    ctx.addIssue({
      code: 'custom',
      path: ['applicants'],
      message: 'give `file` (a separate applicant export) or `fromPermits: true` (the applicant columns of the permit rows), not both',
    });
  }
  if (!c.header) {
    for (const field of [...permitSourceFields(spec), ...applicantSourceFields(spec)]) {
      if (!/^[1-9]\d{0,3}$/.test(field.from)) {
        ctx.addIssue({
          code: 'custom',
          path: field.path.split('.'),
          message: `without a header row, a column number from 1 (got ${JSON.stringify(field.from)})`,
        });
      }
    }
  }
});

/** A parsed `csv` spec. */
export type CsvSpec = DepartmentSpec<CsvConnection, { file: string }, { file?: string | undefined; fromPermits?: true | undefined }>;
