import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code. A counter every write to the crosswalk
// tables moves (statement-level triggers, whichever process or tool writes), so a process may keep
// crosswalk rows in memory and know with one small read whether they are still the stored ones.

const TABLES = ['applicants', 'applicant_records', 'applicant_identifiers'];

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('crosswalk_version')
    .addColumn('id', 'smallint', (c) => c.primaryKey().check(sql`id = 1`))
    .addColumn('version', 'bigint', (c) => c.notNull())
    .execute();
  await db.insertInto('crosswalk_version').values({ id: 1, version: 0 }).execute();
  // Once per transaction (a transaction-local flag), before the statement's first row: every transaction
  // that writes the crosswalk takes the counter's row lock before any crosswalk row's, so two such
  // transactions on PostgreSQL queue for it instead of deadlocking. Security definer: it moves whatever
  // role writes the crosswalk.
  await sql`create function huitong_crosswalk_changed() returns trigger language plpgsql security definer set search_path = public as $$
    begin
      if current_setting('huitong.crosswalk_changed', true) is distinct from 'yes' then
        update crosswalk_version set version = version + 1 where id = 1;
        perform set_config('huitong.crosswalk_changed', 'yes', true);
      end if;
      return null;
    end $$`.execute(db);
  for (const table of TABLES) {
    await sql`create trigger ${sql.id(`${table}_changed`)} before insert or update or delete or truncate on ${sql.table(table)}
      for each statement execute function huitong_crosswalk_changed()`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of TABLES) await sql`drop trigger if exists ${sql.id(`${table}_changed`)} on ${sql.table(table)}`.execute(db);
  await sql`drop function if exists huitong_crosswalk_changed()`.execute(db);
  await db.schema.dropTable('crosswalk_version').ifExists().execute();
}
