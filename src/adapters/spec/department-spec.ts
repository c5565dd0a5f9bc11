import { z } from 'zod';
import { PERMIT_STATUSES, type PermitStatus } from '../../schema/model.js';

/**
 * Where one unified field's value lives in the legacy system: a column, CSV header or path expression
 * (the shorthand string), or the long form with a date `format` or a value `map`.
 */
export const fieldSource = z.union([
  z.string().min(1),
  z
    .object({
      from: z.string().min(1).describe('The column, CSV header or path expression holding the value.'),
      format: z
        .string()
        .min(1)
        .optional()
        .describe(
          'For dates: the layout the system writes, with YYYY MM M DD D HH H mm ss (e.g. `YYYYMMDD`, `YYYY/M/D HH:mm`). Without it the common layouts are read.',
        ),
      map: z.record(z.string(), z.string()).optional().describe('For coded values (applicant kind, identifier type): the system’s code → the unified value.'),
    })
    .strict(),
]);
export type FieldSource = z.infer<typeof fieldSource>;

const SETTLED_STATUSES = PERMIT_STATUSES.filter((s) => s !== 'UNKNOWN') as [Exclude<PermitStatus, 'UNKNOWN'>, ...Exclude<PermitStatus, 'UNKNOWN'>[]];

export const permitFields = z
  .object({
    key: fieldSource.describe('The permit’s key in the system (its local id). Global ids are built from it: it must never change.'),
    applicant: fieldSource.optional().describe('The applicant’s key, as `applicants.fields.key` holds it.'),
    serviceItem: fieldSource.optional().describe('The service item code (事项编码); mapped through `serviceItems` when given.'),
    title: fieldSource.describe('The permit’s name (许可名称).'),
    status: fieldSource.describe('The raw status code or text; translated through `statuses`.'),
    appliedAt: fieldSource.optional().describe('When the application was accepted (受理日期): the list order.'),
    decidedAt: fieldSource.optional(),
    validUntil: fieldSource.optional(),
    statutoryDays: fieldSource.optional().describe('法定时限, whole working days.'),
    committedDays: fieldSource.optional().describe('承诺时限, whole working days.'),
    actualDays: fieldSource.optional().describe('实际用时, whole working days.'),
  })
  .strict();
export type PermitFields = z.infer<typeof permitFields>;

const IDENTIFIER_TYPES = ['USCC', 'ORG_CODE', 'RESIDENT_ID'] as const;

export const identifierField = z
  .object({
    value: fieldSource.describe('The identifier as stored (USCC, organisation code, resident ID; any spelling).'),
    type: z.enum(IDENTIFIER_TYPES).optional().describe('The type the system claims for every value of this field.'),
    typeFrom: fieldSource
      .optional()
      .describe('Or the field holding the claimed type per record (证件类型), with `map` from its codes; free text such as 居民身份证 is read without a map.'),
  })
  .strict();

export const applicantFields = z
  .object({
    key: fieldSource.describe('The applicant’s key in the system; permits refer to it.'),
    name: fieldSource,
    kind: fieldSource.optional().describe('The record’s claimed kind, with `map` to ORGANIZATION or PERSON; a claim only.'),
    identifiers: z.array(identifierField).max(8).optional(),
    phone: fieldSource.optional(),
    address: fieldSource.optional(),
  })
  .strict();
export type ApplicantFields = z.infer<typeof applicantFields>;

/**
 * A secret: read from an environment variable or from a file in the hub's secrets directory
 * (`HUITONG_SECRETS_DIR`), never written in the spec itself.
 */
export const secretRef = z.union([
  z.object({ env: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name in capitals') }).strict(),
  z.object({ secret: z.string().regex(/^[A-Za-z0-9._-]+$/, 'a file name in the secrets directory') }).strict(),
]);
export type SecretRef = z.infer<typeof secretRef>;

/** A setting that may be written in the spec or, like a secret, come from the environment. */
export const valueOrRef = z.union([z.string().min(1), secretRef]);
export type ValueOrRef = z.infer<typeof valueOrRef>;

const TIME_ZONE = /^(Asia\/Shanghai|UTC|[+-](0\d|1[0-4]):[0-5]\d)$/;

/**
 * The parts every department spec has, whatever its kind: who it is, how its codes translate, and the
 * unified fields of its permits and applicants. A kind adds its `connection` and where each entity lives.
 */
export const specBase = {
  specVersion: z.literal(1).describe('The spec format version; 1.'),
  code: z
    .string()
    .regex(/^[a-z][a-z0-9-]{1,31}$/, 'lower-case letters, digits and dashes, starting with a letter, 2–32 characters')
    .describe('The department’s code, e.g. `market`. Fixed for ever: global ids and cursors carry it.'),
  name: z.string().min(1).max(100).describe('The department’s name, e.g. 区市场监督管理局.'),
  timeZone: z
    .string()
    .regex(TIME_ZONE, 'Asia/Shanghai, UTC or a fixed offset such as +08:00')
    .default('Asia/Shanghai')
    .describe('The zone of the system’s zone-less dates and times.'),
  statuses: z
    .record(z.string(), z.enum(SETTLED_STATUSES))
    .describe('The system’s status codes → unified statuses; any other code is UNKNOWN (and kept as rawStatus).'),
  serviceItems: z.record(z.string(), z.string().min(1)).optional().describe('The system’s permit types → catalogue service item codes, where they differ.'),
  totals: z
    .object({
      maxAgeSeconds: z
        .number()
        .int()
        .min(1)
        .max(3600)
        .describe('The longest a total may be reused, in seconds: the freshness bound of this department’s totals.'),
    })
    .strict()
    .optional()
    .describe(
      'For a system whose counts scan its table: the total of a list not narrowed to applicants is reused for at most `maxAgeSeconds` (its pages are always read live); a list still read in the last fifth of that time is counted again in the background. Unset: counted with every page.',
    ),
};

/** What every kind's spec parses to; `connection` and the entities' locations are the kind's own. */
export interface DepartmentSpec<Connection = unknown, PermitsAt = unknown, ApplicantsAt = unknown> {
  specVersion: 1;
  code: string;
  name: string;
  kind: string;
  timeZone: string;
  statuses: Record<string, Exclude<PermitStatus, 'UNKNOWN'>>;
  serviceItems?: Record<string, string> | undefined;
  totals?: { maxAgeSeconds: number } | undefined;
  connection: Connection;
  permits: PermitsAt & { fields: PermitFields };
  applicants: ApplicantsAt & { fields: ApplicantFields };
}

/**
 * A kind's whole spec schema from its own parts, so every kind reads the same common keys.
 *
 * @example
 * export const sqlSpec = departmentSpecSchema('sql', {
 *   connection: z.object({ dialect: z.enum(['postgres', 'mysql', 'pglite']), url: valueOrRef }).strict(),
 *   permits: { table: z.string() },
 *   applicants: { table: z.string() },
 * });
 */
export function departmentSpecSchema<Kind extends string, Connection extends z.ZodType, PermitsAt extends z.ZodRawShape, ApplicantsAt extends z.ZodRawShape>(
  kind: Kind,
  parts: { connection: Connection; permits: PermitsAt; applicants: ApplicantsAt },
) {
  return z
    .object({
      ...specBase,
      kind: z.literal(kind),
      connection: parts.connection,
      permits: z.object({ ...parts.permits, fields: permitFields }).strict(),
      applicants: z.object({ ...parts.applicants, fields: applicantFields }).strict(),
    })
    .strict();
}
