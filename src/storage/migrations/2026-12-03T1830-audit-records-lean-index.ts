import type { Kysely } from 'kysely';

// The audit trail's record index loses its four-column primary key for a two-column index that serves the
// same lookups (who saw record or applicant X, in sequence order). Its rows are derived from the event's
// hashed text and checked against it by verification, so uniqueness guarded nothing the chain does not;
// maintaining the wide unique key was most of an append's cost (a 20-permit page's event indexes about 75
// records).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('audit_event_records_record').on('audit_event_records').columns(['record_id', 'event_seq']).execute();
  await db.schema.alterTable('audit_event_records').dropConstraint('audit_event_records_pk').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('audit_event_records')
    .addPrimaryKeyConstraint('audit_event_records_pk', ['record_id', 'kind', 'department', 'event_seq'])
    .execute();
  await db.schema.dropIndex('audit_event_records_record').execute();
}
