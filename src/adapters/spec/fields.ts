import type { DepartmentSpec, FieldSource } from './department-spec.js';

/** The unified permit fields a spec maps, in the order the spec reference lists them. */
export const PERMIT_FIELDS = [
  'key',
  'applicant',
  'serviceItem',
  'title',
  'status',
  'appliedAt',
  'decidedAt',
  'validUntil',
  'statutoryDays',
  'committedDays',
  'actualDays',
] as const;
export type PermitField = (typeof PERMIT_FIELDS)[number];

/** The scalar applicant fields a spec maps; identifiers are a list beside them. */
export const APPLICANT_FIELDS = ['key', 'name', 'kind', 'phone', 'address'] as const;
export type ApplicantField = (typeof APPLICANT_FIELDS)[number];

/**
 * A raw record as every connector hands it over: the legacy values, untouched, under the names the
 * spec's fields give them (`appliedAt`, `identifiers.0.value` …). Where each value lives — a column, a
 * JSON path, a CSV header — is the connector's business; what it means is the mapper's.
 */
export type RawRecord = Readonly<Record<string, unknown>>;

/** One value a connector must read for each record: the name it is handed over under, and where it lives. */
export interface SourceField {
  /** The name in the raw record, e.g. `appliedAt` or `identifiers.1.type`. */
  name: string;
  /** The column, header or path expression, as the spec gives it. */
  from: string;
  /** The spec path that declared it, for error messages (`permits.fields.appliedAt`). */
  path: string;
}

/** Where a field's value comes from: the shorthand string, or `from` of the long form. */
export function sourceOf(field: FieldSource): string {
  return typeof field === 'string' ? field : field.from;
}

/**
 * The values a connector reads for each permit record, by raw-record name.
 *
 * @example
 * permitSourceFields(spec); // [{ name: 'key', from: 'sqbh', path: 'permits.fields.key' }, …]
 */
export function permitSourceFields(spec: Pick<DepartmentSpec, 'permits'>): SourceField[] {
  const out: SourceField[] = [];
  for (const name of PERMIT_FIELDS) {
    const field = spec.permits.fields[name];
    if (field !== undefined) out.push({ name, from: sourceOf(field), path: `permits.fields.${name}` });
  }
  return out;
}

/**
 * The values a connector reads for each applicant record: the scalar fields, then each identifier's
 * value and, when its type is read from the record, its type (`identifiers.<i>.value`, `identifiers.<i>.type`).
 */
export function applicantSourceFields(spec: Pick<DepartmentSpec, 'applicants'>): SourceField[] {
  const out: SourceField[] = [];
  const fields = spec.applicants.fields;
  for (const name of APPLICANT_FIELDS) {
    const field = fields[name];
    if (field !== undefined) out.push({ name, from: sourceOf(field), path: `applicants.fields.${name}` });
  }
  (fields.identifiers ?? []).forEach((identifier, i) => {
    out.push({ name: `identifiers.${i}.value`, from: sourceOf(identifier.value), path: `applicants.fields.identifiers.${i}.value` });
    if (identifier.typeFrom !== undefined) {
      out.push({ name: `identifiers.${i}.type`, from: sourceOf(identifier.typeFrom), path: `applicants.fields.identifiers.${i}.typeFrom` });
    }
  });
  return out;
}
