import { badUserInput } from '../../schema/index.js';

/** `Type.field` or `Type`: the shape of a coordinate, so only such strings are ever echoed in an error. */
const COORDINATE = /^[A-Z][A-Za-z0-9_]{0,99}(?:\.[A-Za-z_][A-Za-z0-9_]{0,99})?$/;

/** Most coordinates one request may name. */
export const MAX_REQUESTED_FIELDS = 100;

/**
 * Checks the fields of a request against the coordinates the hub governs (e.g. `ApplicantRecord.phone`):
 * each entry must be one of them, or a type that has one. Returns them trimmed, deduplicated and sorted.
 * BAD_USER_INPUT names the first bad entry (or its index, when it does not even look like a coordinate).
 *
 * @example
 * normalizeRequestedFields(['ApplicantRecord', 'ApplicantRecord.phone'], ['ApplicantRecord.phone']);
 * // ['ApplicantRecord', 'ApplicantRecord.phone']
 */
export function normalizeRequestedFields(fields: readonly string[], governed: Iterable<string>): string[] {
  if (fields.length === 0) throw badUserInput('fields must name at least one field or type', { argument: 'input.fields' });
  if (fields.length > MAX_REQUESTED_FIELDS) throw badUserInput(`fields may name at most ${MAX_REQUESTED_FIELDS} entries`, { argument: 'input.fields' });
  const known = new Set<string>();
  for (const coordinate of governed) {
    known.add(coordinate);
    const dot = coordinate.indexOf('.');
    if (dot > 0) known.add(coordinate.slice(0, dot));
  }
  const out = new Set<string>();
  fields.forEach((raw, index) => {
    const field = raw.trim();
    if (!COORDINATE.test(field)) {
      throw badUserInput(`fields[${index}] is not a field coordinate (Type.field) or a type name`, { argument: 'input.fields', index });
    }
    if (!known.has(field)) throw badUserInput(`fields: ${field} is not a field or type the hub governs`, { argument: 'input.fields', field });
    out.add(field);
  });
  return [...out].sort();
}
