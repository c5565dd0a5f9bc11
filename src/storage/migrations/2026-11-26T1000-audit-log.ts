import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, so later changes cannot rewrite history.
// The tamper-evident audit log (see storage/audit-log/README.md). Rows are only ever inserted; the
// hub's writer role gets INSERT and SELECT, never UPDATE or DELETE (pruning runs as the owner).

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('audit_events')
    // Assigned by the appender under a lock, not by a sequence: a sequence leaves gaps on rollback, and
    // a gap must mean "a row was deleted".
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    .addColumn('occurred_at', 'timestamptz', (c) => c.notNull())
    // Copies of fields of `canonical`, for indexed search only; verification checks they agree.
    .addColumn('consumer', 'varchar(200)', (c) => c.notNull())
    .addColumn('consumer_department', 'varchar(32)')
    .addColumn('operation_name', 'varchar(200)')
    .addColumn('operation_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('departments', sql`text[]`, (c) => c.notNull())
    .addColumn('outcome', 'varchar(16)', (c) => c.notNull())
    // The chain: hash = H(seq, hash_alg, prev_hash, content_hash); content_hash = H(canonical) exactly as stored.
    .addColumn('hash_alg', 'varchar(16)', (c) => c.notNull())
    .addColumn('prev_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('content_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('canonical', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('audit_events_occurred').on('audit_events').column('occurred_at').execute();
  await db.schema.createIndex('audit_events_consumer').on('audit_events').columns(['consumer', 'seq']).execute();
  await db.schema.createIndex('audit_events_operation').on('audit_events').columns(['operation_name', 'seq']).execute();
  await sql`create index audit_events_departments on audit_events using gin (departments)`.execute(db);

  // "Who accessed this applicant's data": one row per released record id (kind 'record', with its
  // department) and per applicant id (kind 'applicant', department ''), so the lookup is an index scan.
  await db.schema
    .createTable('audit_event_records')
    .addColumn('record_id', 'varchar(200)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('department', 'varchar(32)', (c) => c.notNull())
    .addColumn('event_seq', 'bigint', (c) => c.notNull().references('audit_events.seq').onDelete('cascade'))
    .addPrimaryKeyConstraint('audit_event_records_pk', ['record_id', 'kind', 'department', 'event_seq'])
    .execute();
  await db.schema.createIndex('audit_event_records_event').on('audit_event_records').column('event_seq').execute();

  await db.schema
    .createTable('audit_checkpoints')
    .addColumn('seq', 'bigint', (c) => c.primaryKey())
    // 'periodic' | 'on-demand' | 'anchor' (the signed start left behind by pruning).
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('hash_alg', 'varchar(16)', (c) => c.notNull())
    .addColumn('head_hash', 'varchar(128)', (c) => c.notNull())
    .addColumn('signed_at', 'timestamptz', (c) => c.notNull())
    .addColumn('key_id', 'varchar(64)', (c) => c.notNull())
    // The exact signed text and its Ed25519 signature (base64).
    .addColumn('statement', 'text', (c) => c.notNull())
    .addColumn('signature', 'text', (c) => c.notNull())
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['audit_checkpoints', 'audit_event_records', 'audit_events']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
