import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Pairs the resolver could not decide, for a data steward.
  await db.schema
    .createTable('identity_review_candidates')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    .addColumn('a_department', 'varchar(32)', (c) => c.notNull())
    .addColumn('a_local_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('b_department', 'varchar(32)', (c) => c.notNull())
    .addColumn('b_local_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('score', 'real', (c) => c.notNull())
    .addColumn('evidence', 'jsonb', (c) => c.notNull())
    // OPEN, CONFIRMED or REJECTED.
    .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('OPEN'))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('identity_review_candidates_pair', ['a_department', 'a_local_id', 'b_department', 'b_local_id'])
    .execute();
  // A steward's decision that a record belongs to an applicant; every later sync honours it.
  await db.schema
    .createTable('identity_pins')
    .addColumn('department_code', 'varchar(32)', (c) => c.notNull())
    .addColumn('local_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('applicant_id', 'varchar(40)', (c) => c.notNull())
    .addColumn('action_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('identity_pins_pk', ['department_code', 'local_id'])
    .execute();
  // A steward's decision that two records are different applicants.
  await db.schema
    .createTable('identity_separations')
    .addColumn('a_department', 'varchar(32)', (c) => c.notNull())
    .addColumn('a_local_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('b_department', 'varchar(32)', (c) => c.notNull())
    .addColumn('b_local_id', 'varchar(100)', (c) => c.notNull())
    .addColumn('action_id', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('identity_separations_pk', ['a_department', 'a_local_id', 'b_department', 'b_local_id'])
    .execute();
  // Every steward action, with who and why: the history a split or merge keeps.
  await db.schema
    .createTable('identity_actions')
    .addColumn('id', 'serial', (c) => c.primaryKey())
    // CONFIRM, REJECT, MERGE or SPLIT.
    .addColumn('action', 'varchar(16)', (c) => c.notNull())
    .addColumn('steward', 'varchar(64)', (c) => c.notNull())
    .addColumn('reason', 'text', (c) => c.notNull())
    .addColumn('applicant_ids', 'jsonb', (c) => c.notNull())
    .addColumn('records', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of ['identity_actions', 'identity_separations', 'identity_pins', 'identity_review_candidates'])
    await db.schema.dropTable(table).ifExists().execute();
}
