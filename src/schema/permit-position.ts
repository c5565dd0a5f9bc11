import { badUserInput } from './errors.js';
import { INPUT_LIMITS, isPlainText } from './input-limits.js';
import { decodeCursor, encodeCursor } from './pagination.js';
import { isIsoInstant } from './scalars.js';

/** A permit's place in the order every permit list uses: applied-at descending (missing last), then local id. */
export interface PermitListPosition {
  /** ISO 8601 with offset, or null for a permit without an application date. */
  appliedAt: string | null;
  localId: string;
}

const KIND = 'permit-position';

/**
 * A department's cursor for a position in its permit list.
 *
 * @example
 * const cursor = encodePermitPosition({ appliedAt: '2023-04-12T10:30:00+08:00', localId: 'SJ2023000123' });
 */
export function encodePermitPosition(position: PermitListPosition): string {
  return encodeCursor(KIND, { appliedAt: position.appliedAt, localId: position.localId });
}

/**
 * The position in a department's cursor, checked field by field — a cursor is the caller's to forge,
 * and its fields go to the department's system — or BAD_USER_INPUT. Only the two fields, of the types
 * and shapes positions have: an ISO instant or null, and a plain local id.
 *
 * @example
 * decodePermitPosition(encodePermitPosition(p)); // p
 * decodePermitPosition(forgedWithAppliedAt('not-a-date')); // throws BAD_USER_INPUT
 */
export function decodePermitPosition(cursor: string): PermitListPosition {
  const position = decodeCursor<unknown>(cursor, KIND);
  if (!isPermitListPosition(position)) throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
  return { appliedAt: position.appliedAt, localId: position.localId };
}

/** Whether `value` is exactly `{ appliedAt: ISO instant | null, localId: plain text }`. */
export function isPermitListPosition(value: unknown): value is PermitListPosition {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const keys = Object.keys(value);
  if (keys.length !== 2 || !keys.includes('appliedAt') || !keys.includes('localId')) return false;
  const { appliedAt, localId } = value as Record<string, unknown>;
  return (appliedAt === null || (typeof appliedAt === 'string' && isIsoInstant(appliedAt))) && isPlainText(localId, INPUT_LIMITS.localId);
}
