import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Every version of every department's spec is kept: rollback is choosing an older one.
  await db.schema
    .createTable('department_specs')
    .addColumn('code', 'varchar(32)', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('spec', 'jsonb', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('created_by', 'varchar(64)', (c) => c.notNull())
    .addColumn('note', 'varchar(500)')
    .addPrimaryKeyConstraint('department_specs_pk', ['code', 'version'])
    .execute();
  await db.schema.alterTable('departments').addColumn('spec_version', 'integer').execute();
  await db.schema
    .alterTable('departments')
    .addColumn('enabled', 'boolean', (c) => c.notNull().defaultTo(true))
    .execute();
  await db.schema
    .alterTable('departments')
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  // One row: bumped with every registry change, so each hub process can tell whether it is behind.
  await db.schema
    .createTable('registry_state')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('generation', 'bigint', (c) => c.notNull().defaultTo(0))
    .execute();
  await db.insertInto('registry_state').values({ id: 1, generation: 0 }).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('registry_state').ifExists().execute();
  await db.schema.alterTable('departments').dropColumn('updated_at').execute();
  await db.schema.alterTable('departments').dropColumn('enabled').execute();
  await db.schema.alterTable('departments').dropColumn('spec_version').execute();
  await db.schema.dropTable('department_specs').ifExists().execute();
}
