import type { Kysely } from 'kysely';
import { badUserInput, decodeCursor, decodeGlobalId, encodeCursor, encodeGlobalId, toConnection } from '../../schema/index.js';
import { searchAuditEvents, type AuditSearchFilter, type FoundAuditEvent } from '../../storage/audit-log/index.js';

/** The audit search as GraphQL asks for it: outcome in upper case, applicant as its global id. */
export interface AuditEventFilterInput {
  consumerId?: string | null;
  department?: string | null;
  applicantId?: string | null;
  recordId?: string | null;
  from?: string | null;
  to?: string | null;
  outcome?: 'RELEASED' | 'PARTIAL' | 'DENIED' | 'FAILED' | null;
  operationName?: string | null;
}

const CURSOR = 'auditEvents';

/** The search filter for the storage layer; BAD_USER_INPUT for an applicant id that is not one. */
export function toAuditSearchFilter(filter: AuditEventFilterInput | null | undefined): AuditSearchFilter {
  const out: AuditSearchFilter = {};
  if (!filter) return out;
  if (filter.consumerId != null) out.consumer = filter.consumerId;
  if (filter.department != null) out.department = filter.department;
  if (filter.recordId != null) out.recordId = filter.recordId;
  if (filter.operationName != null) out.operation = filter.operationName;
  if (filter.outcome != null) out.outcome = filter.outcome.toLowerCase();
  if (filter.from != null) out.from = new Date(filter.from);
  if (filter.to != null) out.to = new Date(filter.to);
  if (filter.applicantId != null) {
    const decoded = decodeGlobalId(filter.applicantId);
    if (decoded?.type !== 'Applicant') throw badUserInput('filter.applicantId is not an applicant id', { argument: 'filter.applicantId' });
    out.applicantId = decoded.key;
  }
  return out;
}

/** An event as the AuditEvent type shows it. */
export function auditEventNode({ seq, hash, event }: FoundAuditEvent) {
  return {
    seq,
    hash,
    at: event.at,
    consumerId: event.consumer,
    consumerDepartment: event.consumerDepartment === null ? null : { code: event.consumerDepartment },
    purpose: event.purpose,
    operationName: event.operation.name,
    operationHash: event.operation.hash,
    released: event.released.map((r) => ({
      department: { code: r.department },
      clearFields: r.clearFields,
      maskedFields: r.maskedFields,
      recordIds: r.recordIds,
    })),
    applicantIds: event.applicantIds.map((id) => encodeGlobalId('Applicant', id)),
    outcome: event.outcome.toUpperCase(),
    requestId: event.requestId ?? null,
  };
}

/**
 * One page of the audit search, oldest first, over `searchAuditEvents` (each filter an index lookup).
 * The caller checks the steward credential.
 *
 * @example
 * const page = await auditEventsPage(db, { applicantId }, 20, null); // who accessed this applicant's data
 */
export async function auditEventsPage(db: Kysely<any>, filter: AuditEventFilterInput | null | undefined, first: number, after: string | null | undefined) {
  const search = toAuditSearchFilter(filter);
  if (after) {
    const { seq } = decodeCursor<{ seq: unknown }>(after, CURSOR);
    if (typeof seq !== 'number' || !Number.isSafeInteger(seq) || seq < 0)
      throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
    search.afterSeq = seq;
  }
  // One row more than asked says whether a next page exists; the storage layer needs a limit of at least 1.
  const found = await searchAuditEvents(db, { ...search, limit: first + 1 });
  const rows = first === 0 ? found.slice(0, 1) : found;
  const connection = toConnection(rows.map(auditEventNode), first, 0, (node) => encodeCursor(CURSOR, { seq: node.seq }));
  return { edges: connection.edges, nodes: connection.nodes, pageInfo: connection.pageInfo };
}
