import type { ColumnType } from 'kysely';

/** Row types of the audit tables (migration 2026-11-26T1000-audit-log). */
export interface AuditLogDatabase {
  audit_events: {
    seq: ColumnType<number, number, never>;
    occurred_at: ColumnType<Date, Date | string, never>;
    consumer: string;
    consumer_department: string | null;
    operation_name: string | null;
    operation_hash: string;
    departments: ColumnType<string[], string[], never>;
    outcome: string;
    hash_alg: string;
    prev_hash: string;
    content_hash: string;
    hash: string;
    canonical: string;
  };
  audit_event_records: { record_id: string; kind: 'record' | 'applicant'; department: string; event_seq: number };
  audit_checkpoints: {
    seq: number;
    kind: AuditCheckpointKind;
    hash_alg: string;
    head_hash: string;
    signed_at: ColumnType<Date, Date | string, never>;
    key_id: string;
    statement: string;
    signature: string;
  };
}

/** periodic: every N events; on-demand: `checkpoint()`; anchor: the signed start pruning leaves behind. */
export type AuditCheckpointKind = 'periodic' | 'on-demand' | 'anchor';
