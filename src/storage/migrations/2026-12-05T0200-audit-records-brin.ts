import type { Kysely } from 'kysely';

// The record index's second index, by event, serves only ranges of events (verification's batches,
// pruning a prefix), and its rows are appended in event order: a BRIN index answers those ranges as
// well, for a fraction of what keeping a B-tree costs every append (hundreds of entries per page event).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_event_records_event').execute();
  await db.schema.createIndex('audit_event_records_event').on('audit_event_records').using('brin').column('event_seq').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('audit_event_records_event').execute();
  await db.schema.createIndex('audit_event_records_event').on('audit_event_records').column('event_seq').execute();
}
