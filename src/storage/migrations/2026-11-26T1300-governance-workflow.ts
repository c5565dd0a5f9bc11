import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Who revoked a grant and why, as a decision on a request records who decided and why.
  await db.schema.alterTable('grants').addColumn('revoked_by', 'varchar(64)').execute();
  await db.schema.alterTable('grants').addColumn('revoke_reason', 'text').execute();
  // A department's grants given (the revoke and list paths) and a department's queue of requests to decide.
  await db.schema.createIndex('grants_department').on('grants').column('department_code').execute();
  await db.schema.createIndex('access_requests_due').on('access_requests').columns(['status', 'due_on']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('access_requests_due').ifExists().execute();
  await db.schema.dropIndex('grants_department').ifExists().execute();
  await db.schema.alterTable('grants').dropColumn('revoke_reason').execute();
  await db.schema.alterTable('grants').dropColumn('revoked_by').execute();
}
