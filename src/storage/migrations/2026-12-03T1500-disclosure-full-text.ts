import { type Kysely, sql } from 'kysely';

// Frozen in time: this file never imports application code.

export async function up(db: Kysely<any>): Promise<void> {
  // Disclosure items' words, cut by the application's segmenter (null: not indexed yet — the catalogue
  // indexes such rows before its first search), and the inverted index the database derives from them:
  // title words weigh most.
  await db.schema.alterTable('disclosure_items').addColumn('title_tokens', 'text').addColumn('body_tokens', 'text').execute();
  await db.schema
    .alterTable('disclosure_items')
    .addColumn('search_vector', sql`tsvector`, (c) =>
      c
        .generatedAlwaysAs(
          sql`setweight(to_tsvector('simple', coalesce(title_tokens, '')), 'A') || setweight(to_tsvector('simple', coalesce(body_tokens, '')), 'D')`,
        )
        .stored(),
    )
    .execute();
  await sql`create index disclosure_items_search on disclosure_items using gin (search_vector)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropIndex('disclosure_items_search').ifExists().execute();
  await db.schema.alterTable('disclosure_items').dropColumn('search_vector').execute();
  await db.schema.alterTable('disclosure_items').dropColumn('body_tokens').dropColumn('title_tokens').execute();
}
