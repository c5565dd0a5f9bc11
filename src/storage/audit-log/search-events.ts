import { sql, type Kysely } from 'kysely';
import type { AuditLogDatabase } from './audit-tables.js';
import type { AuditEventDocument } from './event-document.js';

export interface AuditSearchFilter {
  consumer?: string;
  /** The department whose data was released. */
  department?: string;
  /** The GraphQL operation name. */
  operation?: string;
  outcome?: string;
  /** Inclusive. */
  from?: Date;
  /** Exclusive. */
  to?: Date;
  /** A department record id among the released ones ("who saw this record"); with `department`, in that department. */
  recordId?: string;
  /** A hub applicant id among the released ones ("who accessed this applicant's data"). */
  applicantId?: string;
  /** Events after this sequence number (paging). */
  afterSeq?: number;
  /** At most this many (default 100, at most 1000). */
  limit?: number;
}

export interface FoundAuditEvent {
  seq: number;
  hash: string;
  event: AuditEventDocument;
}

/**
 * Finds events by consumer, department, operation, outcome, time range and released record or
 * applicant id, in sequence order. Every filter is an index lookup. Results come from the stored
 * text; run `verifyAuditChain` to know the rows are genuine.
 *
 * @example
 * const whoSaw = await searchAuditEvents(db, { applicantId: 'ap_test1', from: new Date('2026-01-01') });
 */
export async function searchAuditEvents(db: Kysely<any>, filter: AuditSearchFilter = {}): Promise<FoundAuditEvent[]> {
  const limit = Math.min(Math.max(filter.limit ?? 100, 1), 1000);
  let query = (db as Kysely<AuditLogDatabase>).selectFrom('audit_events as e').select(['e.seq', 'e.hash', 'e.canonical']);
  if (filter.consumer !== undefined) query = query.where('e.consumer', '=', filter.consumer);
  if (filter.operation !== undefined) query = query.where('e.operation_name', '=', filter.operation);
  if (filter.outcome !== undefined) query = query.where('e.outcome', '=', filter.outcome);
  if (filter.department !== undefined) query = query.where(sql<boolean>`e.departments @> array[${filter.department}]::text[]`);
  if (filter.from !== undefined) query = query.where('e.occurred_at', '>=', filter.from);
  if (filter.to !== undefined) query = query.where('e.occurred_at', '<', filter.to);
  if (filter.afterSeq !== undefined) query = query.where('e.seq', '>', filter.afterSeq);
  if (filter.recordId !== undefined) query = query.where('e.seq', 'in', eventsNaming(db, 'record', filter.recordId, filter.department));
  if (filter.applicantId !== undefined) query = query.where('e.seq', 'in', eventsNaming(db, 'applicant', filter.applicantId));
  const rows = await query.orderBy('e.seq').limit(limit).execute();
  return rows.map((r) => ({ seq: r.seq, hash: r.hash, event: JSON.parse(r.canonical) as AuditEventDocument }));
}

/** The events whose record index names `id` (of `kind`, in `department` when given): a lookup in the GIN index. */
function eventsNaming(db: Kysely<any>, kind: 'record' | 'applicant', id: string, department?: string) {
  return (db as Kysely<AuditLogDatabase>)
    .selectFrom('audit_event_record_sets as r')
    .select('r.event_seq')
    .where(sql<boolean>`r.record_ids @> array[${id}]::text[]`)
    .where('r.kind', '=', kind)
    .$if(department !== undefined, (q) => q.where('r.department', '=', department!));
}
