import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

// Access requests were named to clients by their serial number, so one seen id gave its neighbours away.
// Each now has a random public id (UUID v4); the serial stays the internal key (order, grants.request_id).
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('access_requests').addColumn('public_id', 'varchar(36)').execute();
  await sql`update access_requests set public_id = gen_random_uuid()::text`.execute(db);
  await sql`alter table access_requests alter column public_id set not null`.execute(db);
  await db.schema.createIndex('access_requests_public_id').on('access_requests').column('public_id').unique().execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('access_requests_public_id').ifExists().execute();
  await db.schema.alterTable('access_requests').dropColumn('public_id').execute();
}
