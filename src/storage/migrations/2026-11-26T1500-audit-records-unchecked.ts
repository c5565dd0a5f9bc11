import type { Kysely } from 'kysely';

// The audit trail's record index drops its foreign key to the events. Every append inserts an event and
// its records in one transaction, and pruning deletes the records before their events, so the key
// checked nothing the code does not already guarantee — and its check was the append's main cost. Its
// query plan is cached per connection from the first append, when the event table is empty (a sequential
// scan); embedded PGlite has no autovacuum to re-plan it, so each append read every earlier event and
// the audited hub slowed down as its trail grew (applicant 360° at scale 5: 69 → 45 req/s over 4,000
// requests; flat at ~96 without the key).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('audit_event_records').dropConstraint('audit_event_records_event_seq_fkey').ifExists().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('audit_event_records')
    .addForeignKeyConstraint('audit_event_records_event_seq_fkey', ['event_seq'], 'audit_events', ['seq'])
    .onDelete('cascade')
    .execute();
}
