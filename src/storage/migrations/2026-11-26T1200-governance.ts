import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Contact data the sync already reads, kept for the masked/granted fields of ApplicantRecord.
  await db.schema.alterTable('applicant_records').addColumn('phone', 'text').execute();
  await db.schema.alterTable('applicant_records').addColumn('address', 'text').execute();

  // The purpose catalogue: the ASCII codes an `x-purpose` header may carry (用途目录).
  await db.schema
    .createTable('purposes')
    .addColumn('code', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  // A consumer's request for conditional data (有条件共享申请), decided by the owning department.
  await db.schema
    .createTable('access_requests')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('consumer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('department_code', 'varchar(32)', (c) => c.notNull())
    // Field coordinates (`ApplicantRecord.phone`) or whole types (`ApplicantRecord`).
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('purpose', 'varchar(64)', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('clear_text', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('valid_from', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz', (c) => c.notNull())
    // PENDING, APPROVED or REJECTED.
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('PENDING'))
    .addColumn('submitted_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    // 10 working days after submission, by the hub's working-day calendar.
    .addColumn('due_on', 'date', (c) => c.notNull())
    .addColumn('decided_at', 'timestamptz')
    .addColumn('decided_by', 'varchar(64)')
    .addColumn('decision_reason', 'text')
    .execute();
  await db.schema.createIndex('access_requests_consumer').on('access_requests').column('consumer_id').execute();
  await db.schema.createIndex('access_requests_department').on('access_requests').columns(['department_code', 'status']).execute();

  // A live permission to conditional data: what an approved request becomes; expires by itself.
  await db.schema
    .createTable('grants')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('consumer_id', 'varchar(64)', (c) => c.notNull())
    .addColumn('department_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('fields', 'jsonb', (c) => c.notNull())
    .addColumn('purpose', 'varchar(64)', (c) => c.notNull())
    .addColumn('legal_basis', 'text', (c) => c.notNull())
    .addColumn('clear_text', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('valid_from', 'timestamptz', (c) => c.notNull())
    .addColumn('valid_until', 'timestamptz', (c) => c.notNull())
    .addColumn('request_id', 'integer')
    .addColumn('revoked_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('grants_consumer').on('grants').columns(['consumer_id', 'valid_until']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('grants').ifExists().execute();
  await db.schema.dropTable('access_requests').ifExists().execute();
  await db.schema.dropTable('purposes').ifExists().execute();
  await db.schema.alterTable('applicant_records').dropColumn('address').execute();
  await db.schema.alterTable('applicant_records').dropColumn('phone').execute();
}
