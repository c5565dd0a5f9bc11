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
  if (filter.recordId !== undefined) {
    const recordId = filter.recordId;
    const department = filter.department;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('audit_event_records as r')
          .select('r.event_seq')
          .whereRef('r.event_seq', '=', 'e.seq')
          .where('r.record_id', '=', recordId)
          .where('r.kind', '=', 'record')
          .$if(department !== undefined, (q) => q.where('r.department', '=', department!)),
      ),
    );
  }
  if (filter.applicantId !== undefined) {
    const applicantId = filter.applicantId;
    query = query.where(({ exists, selectFrom }) =>
      exists(
        selectFrom('audit_event_records as r')
          .select('r.event_seq')
          .whereRef('r.event_seq', '=', 'e.seq')
          .where('r.record_id', '=', applicantId)
          .where('r.kind', '=', 'applicant'),
      ),
    );
  }
  const rows = await query.orderBy('e.seq').limit(limit).execute();
  return rows.map((r) => ({ seq: r.seq, hash: r.hash, event: JSON.parse(r.canonical) as AuditEventDocument }));
}
