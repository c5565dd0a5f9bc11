import { sql, type Kysely } from 'kysely';

// The audit record index compares its ids byte by byte (`collate "C"`): they are codes (`market:SJ1001`,
// applicant keys), never words, and under the database's own collation every comparison the GIN index makes
// while merging an append's ~760 ids went through the locale's collation routine — about a fifth of the
// server's work per append of a 200-permit page under C.UTF-8, more under a language locale such as
// zh_CN.UTF-8. Lookups (`record_ids @> array[X]`) take the column's collation and use the index as before.
export async function up(db: Kysely<any>): Promise<void> {
  await recollate(db, sql`collate "C"`);
}

export async function down(db: Kysely<any>): Promise<void> {
  await recollate(db, sql`collate "default"`);
}

async function recollate(db: Kysely<any>, collation: ReturnType<typeof sql>): Promise<void> {
  await sql`drop index audit_event_record_sets_ids`.execute(db);
  await sql`alter table audit_event_record_sets alter column record_ids type text[] ${collation}`.execute(db);
  await sql`create index audit_event_record_sets_ids on audit_event_record_sets using gin (record_ids)`.execute(db);
}
