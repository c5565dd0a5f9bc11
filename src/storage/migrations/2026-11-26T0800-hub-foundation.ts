import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code, so later changes cannot rewrite history.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('departments')
    .addColumn('code', 'varchar(32)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(100)', (c) => c.notNull())
    .addColumn('adapter_kind', 'varchar(32)', (c) => c.notNull())
    .addColumn('connection', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('url', 'varchar(500)')
    .addColumn('last_synced_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('service_items')
    .addColumn('code', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('name', 'varchar(200)', (c) => c.notNull())
    .addColumn('department_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('category', 'varchar(20)', (c) => c.notNull())
    .addColumn('statutory_days', 'integer')
    .addColumn('committed_days', 'integer')
    .addColumn('instant', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('legal_basis', 'text')
    .execute();
  await db.schema.createIndex('service_items_department').on('service_items').columns(['department_code', 'code']).execute();

  await db.schema
    .createTable('disclosure_items')
    .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('title', 'varchar(300)', (c) => c.notNull())
    .addColumn('category', 'varchar(64)', (c) => c.notNull())
    .addColumn('publisher_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('published_at', 'timestamptz', (c) => c.notNull())
    .addColumn('body', 'text', (c) => c.notNull())
    .addColumn('mode', 'varchar(16)', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('disclosure_items_published').on('disclosure_items').columns(['published_at desc', 'id']).execute();

  await db.schema
    .createTable('applicants')
    .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
    .addColumn('kind', 'varchar(16)', (c) => c.notNull())
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    // A merged-away applicant keeps its row and points at the survivor, so old ids keep resolving.
    .addColumn('merged_into', 'varchar(40)')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('applicant_records')
    .addColumn('department_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('local_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('applicant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('kind', 'varchar(16)')
    .addColumn('name', 'varchar(300)', (c) => c.notNull())
    // Canonical identifiers this record validated to, as [{type, value}].
    .addColumn('identifiers', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addColumn('synced_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('applicant_records_pk', ['department_code', 'local_id'])
    .execute();
  await db.schema.createIndex('applicant_records_applicant').on('applicant_records').column('applicant_id').execute();

  await db.schema
    .createTable('applicant_identifiers')
    .addColumn('type', 'varchar(16)', (c) => c.notNull())
    .addColumn('value', 'varchar(18)', (c) => c.notNull())
    .addColumn('applicant_id', 'varchar(40)', (c) => c.notNull())
    .addPrimaryKeyConstraint('applicant_identifiers_pk', ['type', 'value'])
    .execute();
  await db.schema.createIndex('applicant_identifiers_applicant').on('applicant_identifiers').column('applicant_id').execute();

  await db.schema
    .createTable('working_days')
    .addColumn('day', 'date', (c) => c.primaryKey())
    .addColumn('working', 'boolean', (c) => c.notNull())
    .addColumn('note', 'varchar(100)')
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['working_days', 'applicant_identifiers', 'applicant_records', 'applicants', 'disclosure_items', 'service_items', 'departments']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
