import { sql, type Kysely } from 'kysely';

// A sync that joins two applicants repoints every earlier redirect to the merged-away id (`merged_into =
// $id`); without an index each such update reads every applicant.
export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.createIndex('applicants_merged_into').on('applicants').column('merged_into').where(sql.ref('merged_into'), 'is not', null).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('applicants_merged_into').ifExists().execute();
}
