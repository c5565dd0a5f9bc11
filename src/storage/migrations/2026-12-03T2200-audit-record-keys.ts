import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, so later changes cannot rewrite history.
// The audit trail's record index moves from a side table (one row per released record or applicant, two
// b-tree entries each) into one array per event with a GIN index: a 20-permit page's event wrote ~75 rows
// and ~150 index entries; now it writes one array that GIN appends to its pending list, merged in bulk.
// Keys (U+001F, the unit separator, between parts): `rd␟<department>␟<record id>` (a record in its
// department), `r␟<record id>` (that record in any department) and `a␟<applicant id>`. A small pending
// list keeps each merge short: the embedded database has no autovacuum to merge it in the background.
const SEP = sql`chr(31)`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table audit_events add column record_keys text[] not null default '{}'`.execute(db);
  await sql`
    update audit_events e set record_keys = k.keys
    from (
      select event_seq, array_agg(distinct key) as keys
      from (
        select event_seq, case when kind = 'record' then 'rd' || ${SEP} || department || ${SEP} || record_id else 'a' || ${SEP} || record_id end as key
        from audit_event_records
        union all
        select event_seq, 'r' || ${SEP} || record_id from audit_event_records where kind = 'record'
      ) as x
      group by event_seq
    ) as k
    where k.event_seq = e.seq`.execute(db);
  await sql`create index audit_events_record_keys on audit_events using gin (record_keys) with (gin_pending_list_limit = 64)`.execute(db);
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
  await sql`
    insert into audit_event_records (record_id, kind, department, event_seq)
    select case when split_part(key, ${SEP}, 1) = 'rd' then substr(key, length(split_part(key, ${SEP}, 2)) + 5) else substr(key, 3) end,
           case when split_part(key, ${SEP}, 1) = 'rd' then 'record' else 'applicant' end,
           case when split_part(key, ${SEP}, 1) = 'rd' then split_part(key, ${SEP}, 2) else '' end,
           seq
    from audit_events, unnest(record_keys) as key
    where split_part(key, ${SEP}, 1) in ('rd', 'a')`.execute(db);
  await db.schema.createIndex('audit_event_records_record').on('audit_event_records').columns(['record_id', 'event_seq']).execute();
  await db.schema.createIndex('audit_event_records_event').on('audit_event_records').column('event_seq').execute();
  await sql`drop index audit_events_record_keys`.execute(db);
  await sql`alter table audit_events drop column record_keys`.execute(db);
}
