import type { ColumnType } from 'kysely';

/** Row types of the audit tables (migration 2026-11-26T1000-audit-log and later). */
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
  /** The record index (migration 2026-12-05T2300-audit-record-sets): per event, one row per released department and one for the applicants. */
  audit_event_record_sets: { event_seq: number; kind: 'record' | 'applicant'; department: string; record_ids: string[] };
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
