import { sql, type Kysely } from 'kysely';

// The audit trail's record index becomes one row per released department (and one for the applicants) of
// each event, its ids in an array under a GIN index, instead of one row per id under a b-tree. A 200-permit
// page's event names about 760 ids; as rows, each was a heap tuple and two b-tree entries at a random place
// in an index that outgrows memory, written in the request's path (and, after every checkpoint, a full
// page image in the WAL each). GIN gathers new entries in its pending list and merges them in bulk, so an
// append writes four small rows. Lookups ("who saw record X") stay index scans: `record_ids @> {X}`.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_event_record_sets')
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('department', 'varchar(32)', (c) => c.notNull())
    .addColumn('record_ids', sql`text[]`, (c) => c.notNull())
    .execute();
  await sql`insert into audit_event_record_sets (event_seq, kind, department, record_ids)
            select event_seq, kind, department, array_agg(record_id order by record_id)
              from audit_event_records group by event_seq, kind, department`.execute(db);
  await db.schema.createIndex('audit_event_record_sets_event').on('audit_event_record_sets').column('event_seq').execute();
  await sql`create index audit_event_record_sets_ids on audit_event_record_sets using gin (record_ids)`.execute(db);
  await db.schema.dropTable('audit_event_records').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_event_records')
    .addColumn('record_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('department', 'varchar(32)', (c) => c.notNull())
    .addColumn('event_seq', 'bigint', (c) => c.notNull())
    .execute();
  await sql`insert into audit_event_records (record_id, kind, department, event_seq)
            select distinct id, kind, department, event_seq from audit_event_record_sets cross join lateral unnest(record_ids) id`.execute(db);
  await db.schema.createIndex('audit_event_records_event').on('audit_event_records').column('event_seq').execute();
  await db.schema.createIndex('audit_event_records_record').on('audit_event_records').columns(['record_id', 'event_seq']).execute();
  await db.schema.dropTable('audit_event_record_sets').execute();
}
