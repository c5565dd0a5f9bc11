import { z } from 'zod';
import { compileDateLayout } from '../core/local-date-format.js';
import { departmentSpecSchema, secretRef, valueOrRef, type FieldSource } from '../spec/department-spec.js';
import { applicantSourceFields, permitSourceFields } from '../spec/fields.js';
import { compilePath } from './json-path.js';

const param = z
  .string()
  .regex(/^[A-Za-z0-9_.~[\]-]+$/, 'a query parameter name (letters, digits, _ . ~ - [ ])')
  .describe('A query parameter name.');

const pathExpression = z
  .string()
  .min(1)
  .describe('A path expression into the JSON answer or row: plain keys `data.rows`, or JSONPath (`$` optional) such as `certs[0].no`.');

/** The header that carries the API's credential; the credential itself is a secret reference. */
export const restAuth = z
  .object({
    header: z
      .string()
      .regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]+$/, 'an HTTP header name')
      .default('Authorization')
      .describe('The header, e.g. `Authorization` or `X-Api-Key`.'),
    value: secretRef.describe('The credential: `{ env: NAME }` or `{ secret: FILE }`, never written in the spec.'),
    scheme: z
      .string()
      .regex(/^[A-Za-z0-9._~+/-]+$/, 'a word such as Bearer')
      .optional()
      .describe('Written before the credential, e.g. `Bearer`.'),
  })
  .strict();

export const restConnection = z
  .object({
    baseUrl: valueOrRef.describe('The API’s base URL, e.g. `{ env: HUITONG_HOUSING_API_URL }`; user:password in it is sent as Basic auth.'),
    auth: restAuth.optional(),
    maxConcurrency: z.number().int().min(1).max(64).default(4).describe('At most this many requests to the API at once, for this department.'),
  })
  .strict();

/** An error envelope: HTTP 200 whose body says it failed (`{ code: 500, msg: '…' }`). */
export const errorEnvelope = z
  .object({
    codePath: pathExpression.describe('Where the answer’s status code is, e.g. `code`.'),
    okValues: z
      .array(z.unknown())
      .min(1)
      .refine((values) => values.every((v) => ['string', 'number', 'boolean'].includes(typeof v)), 'a list of codes: text, numbers or true/false')
      .describe('The codes that mean success, e.g. `[0]`; any other code fails the call.'),
    messagePath: pathExpression.optional().describe('Where the error text is, e.g. `msg`.'),
  })
  .strict();

export const PAGING_STYLES = ['page', 'offset', 'cursor', 'nextLink', 'keyset'] as const;
export type PagingStyle = (typeof PAGING_STYLES)[number];

/** Which keys each paging style needs and may have. */
const PAGING_KEYS: Record<PagingStyle, { required: string[]; optional: string[] }> = {
  page: { required: ['page', 'size'], optional: ['firstPage'] },
  offset: { required: ['offset', 'limit'], optional: [] },
  cursor: { required: ['param', 'next'], optional: ['limit'] },
  nextLink: { required: ['next'], optional: ['limit'] },
  keyset: { required: ['param', 'token', 'limit'], optional: ['format'] },
};

export const restPaging = z
  .object({
    style: z
      .enum(PAGING_STYLES)
      .describe(
        'How the API pages: `page` (page/size), `offset` (offset/limit), `cursor` (a token from the answer), `nextLink` (a URL from the answer) or `keyset` (a token built from the last row).',
      ),
    page: param.optional().describe('page: the page-number parameter.'),
    size: param.optional().describe('page: the page-size parameter.'),
    firstPage: z.number().int().min(0).max(1).optional().describe('page: the first page’s number, 1 (default) or 0.'),
    offset: param.optional().describe('offset: the offset parameter.'),
    limit: param.optional().describe('offset, keyset, cursor, nextLink: the page-size parameter.'),
    param: param.optional().describe('cursor, keyset: the parameter that carries the position.'),
    next: pathExpression.optional().describe('cursor: where the answer gives the next cursor; nextLink: the next page’s URL (same origin only).'),
    token: z.string().min(1).optional().describe('keyset: the position built from the last row’s fields, e.g. `{appliedAt}_{key}`.'),
    format: z.string().min(1).optional().describe('keyset: the date layout `{appliedAt}` is written in; default the field’s `format`.'),
  })
  .strict()
  .superRefine((paging, ctx) => {
    const keys = PAGING_KEYS[paging.style];
    for (const key of keys.required) {
      if (paging[key as keyof typeof paging] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: `is required with style ${paging.style}` });
    }
    for (const key of Object.keys(paging)) {
      if (key !== 'style' && !keys.required.includes(key) && !keys.optional.includes(key)) {
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `is not used with style ${paging.style} (it takes ${[...keys.required, ...keys.optional].join(', ')})`,
        });
      }
    }
  });

const listFilter = z
  .object({
    param,
    accepts: z
      .string()
      .min(1)
      .optional()
      .describe('A regular expression of the values the API takes here; a query with any other value is filtered by the hub.'),
  })
  .strict();

const dateFilter = z
  .object({
    param,
    format: z.string().min(1).describe('The layout the API reads, e.g. `YYYYMMDD` (inclusive bounds).'),
  })
  .strict();

export const restFilters = z
  .object({
    separator: z.string().min(1).max(3).default(',').describe('Between the values of a list parameter; a value containing it is filtered by the hub instead.'),
    applicants: listFilter.optional().describe('Permits of these applicant keys.'),
    statuses: listFilter.optional().describe('Permits with one of these raw status codes.'),
    serviceItems: listFilter.optional().describe('Permits of these (local) service item codes.'),
    appliedFrom: dateFilter.optional().describe('Applied at or after.'),
    appliedTo: dateFilter.optional().describe('Applied at or before.'),
  })
  .strict();

const endpointParts = {
  endpoint: z
    .string()
    .regex(/^\/[^?#\s]*$/, 'a path under baseUrl, starting with /')
    .describe('The list endpoint, e.g. `/api/v2/permits`.'),
  params: z.record(param, z.string()).optional().describe('Fixed query parameters sent with every request to this endpoint.'),
  rows: pathExpression.describe('Where the answer holds the list of rows, e.g. `data.rows`.'),
  total: pathExpression
    .optional()
    .describe('Where the answer holds the number of matching rows (ignoring paging); without it totals are counted by reading every row.'),
  errors: errorEnvelope.optional(),
  paging: restPaging,
  maxPageSize: z.number().int().min(1).max(100_000).default(100).describe('The most rows one request may ask for (the API’s cap).'),
};

export const restPermitsAt = {
  ...endpointParts,
  sorted: z
    .boolean()
    .default(false)
    .describe(
      'Whether the API returns permits in list order (appliedAt descending, then key): then a page is asked for directly; otherwise the hub reads every matching row and sorts.',
    ),
  filters: restFilters.optional(),
  lookup: z
    .object({
      param: param.describe('The parameter taking a list of permit keys, e.g. `ids`.'),
      max: z.number().int().min(1).max(100_000).optional().describe('The most keys per request; default `maxPageSize`.'),
    })
    .strict()
    .optional()
    .describe('Batch lookup by keys, when the API has one; otherwise lookups read the whole list.'),
};

export const restApplicantsAt = endpointParts;

/**
 * The `rest` kind's spec: JSON over HTTP. See README.md in this folder for every key.
 *
 * @example
 * restSpec.parse(yaml.parse(readFileSync('src/demo/specs/housing.yaml', 'utf8')));
 */
export const restSpec = departmentSpecSchema('rest', { connection: restConnection, permits: restPermitsAt, applicants: restApplicantsAt }).superRefine(
  (spec, ctx) => {
    const issue = (path: Array<string | number>, message: string) => ctx.addIssue({ code: 'custom', path, message });
    const checkPath = (path: Array<string | number>, expression: string | undefined) => {
      if (expression === undefined) return;
      try {
        compilePath(expression);
      } catch (error) {
        issue(path, (error as Error).message);
      }
    };
    const checkLayout = (path: Array<string | number>, format: string) => {
      try {
        compileDateLayout(format);
      } catch (error) {
        issue(path, (error as Error).message);
      }
    };
    for (const entity of ['permits', 'applicants'] as const) {
      const at = spec[entity];
      checkPath([entity, 'rows'], at.rows);
      checkPath([entity, 'total'], at.total);
      checkPath([entity, 'errors', 'codePath'], at.errors?.codePath);
      checkPath([entity, 'errors', 'messagePath'], at.errors?.messagePath);
      checkPath([entity, 'paging', 'next'], at.paging.next);
      const fields = entity === 'permits' ? permitSourceFields(spec) : applicantSourceFields(spec);
      for (const field of fields) checkPath(fieldPath(field.path, spec), field.from);
      if (at.paging.style === 'keyset' && at.paging.token !== undefined) {
        const allowed = entity === 'permits' ? ['appliedAt', 'key'] : fields.map((f) => f.name);
        const names = placeholders(at.paging.token);
        if (names.length === 0) issue([entity, 'paging', 'token'], 'names no field: write the last row’s fields as {key}, {appliedAt} …');
        for (const name of names) {
          if (!allowed.includes(name)) issue([entity, 'paging', 'token'], `{${name}} is not one of ${allowed.map((a) => `{${a}}`).join(', ')}`);
        }
        if (entity === 'permits' && names.includes('appliedAt')) {
          const format = at.paging.format ?? formatOf(spec.permits.fields.appliedAt);
          if (format === undefined)
            issue(['permits', 'fields', 'appliedAt'], 'needs a format for the keyset token’s {appliedAt} (or give permits.paging.format)');
          else checkLayout([entity, 'paging', at.paging.format ? 'format' : 'token'], format);
        }
      }
    }
    const permits = spec.permits;
    if (permits.paging.style === 'keyset' && !permits.sorted)
      issue(['permits', 'sorted'], 'must be true with keyset paging: a keyset position is a place in the API’s order');
    const filters = permits.filters;
    if (filters) {
      for (const name of ['applicants', 'statuses', 'serviceItems'] as const) {
        const accepts = filters[name]?.accepts;
        if (accepts === undefined) continue;
        try {
          new RegExp(accepts, 'u');
        } catch {
          issue(['permits', 'filters', name, 'accepts'], 'is not a regular expression');
        }
      }
      for (const name of ['appliedFrom', 'appliedTo'] as const) {
        const filter = filters[name];
        if (filter) checkLayout(['permits', 'filters', name, 'format'], filter.format);
      }
      const needs = { applicants: 'applicant', statuses: 'status', serviceItems: 'serviceItem', appliedFrom: 'appliedAt', appliedTo: 'appliedAt' } as const;
      for (const [name, field] of Object.entries(needs)) {
        if (filters[name as keyof typeof needs] && spec.permits.fields[field] === undefined)
          issue(['permits', 'filters', name], `needs permits.fields.${field}`);
      }
    }
  },
);

export type RestSpec = z.infer<typeof restSpec>;
export type RestEntity = RestSpec['permits'] | RestSpec['applicants'];

/** The names between braces in a keyset token template, e.g. `{appliedAt}_{key}` → appliedAt, key. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{([^{}]+)\}/g)].map((m) => m[1]!);
}

export function formatOf(field: FieldSource | undefined): string | undefined {
  return typeof field === 'object' ? field.format : undefined;
}

/** The exact spec path of a field's path expression: the field itself, or its `from` in the long form. */
export function fieldPath(path: string, spec: Pick<RestSpec, 'permits' | 'applicants'>): Array<string | number> {
  const steps: Array<string | number> = path.split('.').map((s) => (/^\d+$/.test(s) ? Number(s) : s));
  let node: unknown = spec;
  for (const s of steps) node = (node as Record<string | number, unknown> | undefined)?.[s];
  return typeof node === 'object' && node !== null ? [...steps, 'from'] : steps;
}
