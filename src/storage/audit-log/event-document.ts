import { canonicalJson } from './canonical-json.js';
import { hashText, type AuditHashAlgorithm } from './hash-algorithms.js';

/** What one department released in one operation. */
export interface AuditReleasedData {
  /** The department whose data it is. */
  department: string;
  /** Fields released in clear text, e.g. `['name', 'licence.status']`. */
  clearFields: string[];
  /** Fields released masked (e.g. a phone number as 138****0000). */
  maskedFields: string[];
  /** The department's record ids whose data was released. */
  recordIds: string[];
}

/** released: everything asked for; partial: some departments withheld or failed; denied/failed: nothing released. */
export type AuditOutcome = 'released' | 'partial' | 'denied' | 'failed';
const OUTCOMES: readonly AuditOutcome[] = ['released', 'partial', 'denied', 'failed'];

/** One operation that touched data of a department other than the caller's own. */
export interface AuditEventInput {
  /** The consumer (API client) id. */
  consumer: string;
  /** The consumer's own department, or null for a consumer outside every department. */
  consumerDepartment: string | null;
  /** The declared purpose of use (用途), as the consumer stated it. */
  purpose: string;
  /** The GraphQL operation name (null if anonymous) and the hash of its document text. */
  operation: { name: string | null; hash: string };
  released: AuditReleasedData[];
  /** Hub applicant ids whose data was released, for "who accessed this applicant". */
  applicantIds?: string[];
  outcome: AuditOutcome;
  /** What was refused, as `Type.field@department` or `lookup:<identifier type>`: attempts are evidence too. */
  denied?: string[];
  /** The request or trace id, to join with the access log. */
  requestId?: string;
}

/** The stored event: the input plus its place and time in the chain. */
export interface AuditEventDocument extends Required<Omit<AuditEventInput, 'requestId' | 'denied'>> {
  denied?: string[];
  v: 1;
  seq: number;
  /** ISO 8601, the database clock when the event took its place in the chain. */
  at: string;
  requestId?: string;
}

const text = (value: unknown, what: string, max: number): string => {
  if (typeof value !== 'string' || value.length === 0 || value.length > max)
    throw new TypeError(`audit event: ${what} must be a non-empty string of at most ${max} characters`);
  return value;
};
const texts = (value: unknown, what: string, max: number): string[] => {
  if (!Array.isArray(value)) throw new TypeError(`audit event: ${what} must be an array`);
  return value.map((v, i) => text(v, `${what}[${i}]`, max));
};

/** An event validated and copied, before it has its place in the chain. */
export type CheckedAuditEvent = Omit<AuditEventDocument, 'v' | 'seq' | 'at'>;

/**
 * Validates an event and copies what will be stored of it. Throws a TypeError naming the bad field:
 * the caller must not release data described by an event that cannot be written.
 *
 * @example
 * const checked = checkAuditEvent(event); // before the event queues for the chain
 * const doc = placeAuditEvent(checked, 42, new Date());
 */
export function checkAuditEvent(event: AuditEventInput): CheckedAuditEvent {
  if (!OUTCOMES.includes(event.outcome)) throw new TypeError(`audit event: outcome must be one of ${OUTCOMES.join(', ')}`);
  if (!Array.isArray(event.released)) throw new TypeError('audit event: released must be an array');
  return {
    consumer: text(event.consumer, 'consumer', 200),
    consumerDepartment: event.consumerDepartment === null ? null : text(event.consumerDepartment, 'consumerDepartment', 32),
    purpose: text(event.purpose, 'purpose', 1000),
    operation: {
      name: event.operation?.name == null ? null : text(event.operation.name, 'operation.name', 200),
      hash: text(event.operation?.hash, 'operation.hash', 128),
    },
    released: event.released.map((r, i) => ({
      department: text(r.department, `released[${i}].department`, 32),
      clearFields: texts(r.clearFields, `released[${i}].clearFields`, 200),
      maskedFields: texts(r.maskedFields, `released[${i}].maskedFields`, 200),
      recordIds: texts(r.recordIds, `released[${i}].recordIds`, 200),
    })),
    applicantIds: texts(event.applicantIds ?? [], 'applicantIds', 200),
    outcome: event.outcome,
    // Only present when something was refused, so events written before this field hash the same.
    ...(event.denied?.length ? { denied: texts(event.denied, 'denied', 300) } : {}),
    ...(event.requestId !== undefined ? { requestId: text(event.requestId, 'requestId', 200) } : {}),
  };
}

/** A checked event at its place and time in the chain. */
export function placeAuditEvent(checked: CheckedAuditEvent, seq: number, at: Date): AuditEventDocument {
  return { v: 1, seq, at: at.toISOString(), ...checked };
}

/** The stored text of an event: canonical JSON, hashed exactly as stored. */
export function canonicalEventText(document: AuditEventDocument): string {
  return canonicalJson(document);
}

/**
 * The chain link: binds an event's position, algorithm and predecessor to the hash of its text. The
 * text itself is not needed to check a link, so an export can prove that a range is followed by a
 * signed checkpoint without disclosing the events in between.
 */
export function linkHash(algorithm: AuditHashAlgorithm, seq: number, prevHash: string, contentHash: string): string {
  return hashText(algorithm, `huitong-audit-link/v1\n${seq}\n${algorithm}\n${prevHash}\n${contentHash}`);
}

/** The search columns of an event's row. */
export function searchColumnsOf(document: AuditEventDocument) {
  return {
    consumer: document.consumer,
    consumer_department: document.consumerDepartment,
    operation_name: document.operation.name,
    operation_hash: document.operation.hash,
    departments: [...new Set(document.released.map((r) => r.department))].sort(),
    outcome: document.outcome,
  };
}

/**
 * The search columns and side-table rows an event implies: what an append writes (the database reads
 * the rows out of the stored text the same way), and what verification recomputes from the text.
 */
export function searchIndexOf(document: AuditEventDocument) {
  const records = new Map<string, { record_id: string; kind: 'record' | 'applicant'; department: string }>();
  for (const r of document.released)
    for (const id of r.recordIds) records.set(`record\u0000${r.department}\u0000${id}`, { record_id: id, kind: 'record', department: r.department });
  for (const id of document.applicantIds) records.set(`applicant\u0000\u0000${id}`, { record_id: id, kind: 'applicant', department: '' });
  return { columns: searchColumnsOf(document), records: [...records.values()] };
}
