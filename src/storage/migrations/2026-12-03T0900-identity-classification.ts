import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code. It only adds the tables; re-classifying the
// applicants already stored needs the classifier, which is application code, so the hub does it at
// start (before it serves) whenever `hub_markers` says the stored classification is older than its own.

export async function up(db: Kysely<any>): Promise<void> {
  // Named facts about what the stored data was computed with, e.g. which identifier classification.
  await db.schema
    .createTable('hub_markers')
    .addColumn('name', 'varchar(64)', (c) => c.primaryKey())
    .addColumn('value', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // Department records whose identifier may be a natural person's number and could not be settled: the
  // hub treats them as a person's, and a data steward reviews them.
  await db.schema
    .createTable('identity_kind_reviews')
    .addColumn('department_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('local_id', 'varchar(100)', (c) => c.notNull())
    // OPEN, or the kind a steward settled: PERSON or ORGANIZATION.
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('OPEN'))
    .addColumn('action_id', 'integer')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addPrimaryKeyConstraint('identity_kind_reviews_pk', ['department_code', 'local_id'])
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['identity_kind_reviews', 'hub_markers']) await db.schema.dropTable(table).ifExists().execute();
}
