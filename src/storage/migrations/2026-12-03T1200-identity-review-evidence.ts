import type { Kysely } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  // What a steward needs beside the per-field evidence: why the resolver did not link the pair, how
  // common the shared name is, the two clusters compared as wholes, the queue position it sorts by,
  // and a signature of the two clusters (members and compared fields) at the time it was proposed.
  await db.schema
    .alterTable('identity_review_candidates')
    .addColumn('reason', 'varchar(24)')
    .addColumn('name_holders', 'integer')
    .addColumn('cluster_score', 'real')
    .addColumn('priority', 'real')
    .addColumn('clusters_signature', 'varchar(64)')
    .execute();
  // The clusters' signature when a steward kept the pair apart: the pair is proposed again only once it
  // differs (a compared field changed, or a record joined either cluster). Null for older decisions:
  // never proposed again.
  await db.schema.alterTable('identity_separations').addColumn('clusters_signature', 'varchar(64)').execute();
  // The queue's order: priority, then score.
  await db.schema.createIndex('identity_review_candidates_queue').on('identity_review_candidates').columns(['status', 'priority', 'score']).execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('identity_review_candidates_queue').ifExists().execute();
  await db.schema.alterTable('identity_separations').dropColumn('clusters_signature').execute();
  for (const column of ['clusters_signature', 'priority', 'cluster_score', 'name_holders', 'reason'])
    await db.schema.alterTable('identity_review_candidates').dropColumn(column).execute();
}
