import { sql, type Kysely } from 'kysely';

// Frozen in time: this file never imports application code. How many disclosure items hold each word
// of the search index, kept by statement-level triggers in the writing transaction (whichever process
// or tool writes), so a one-word search's total is one row instead of a count over every match.

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('disclosure_word_counts')
    .addColumn('word', 'text', (c) => c.primaryKey())
    .addColumn('n', 'integer', (c) => c.notNull())
    .execute();
  // Transition tables carry a statement's rows (an import's thousands at once): one grouped change per
  // word. Writers queue on one lock, so two imports cannot deadlock on words taken in different orders.
  // Security definer: it moves the counts whatever role writes the items.
  await sql`create function huitong_disclosure_words_changed() returns trigger language plpgsql security definer set search_path = public as $$
    begin
      perform pg_advisory_xact_lock(hashtext('huitong-disclosure-words'));
      if tg_op = 'TRUNCATE' then
        delete from disclosure_word_counts;
        return null;
      end if;
      if tg_op in ('UPDATE', 'DELETE') then
        update disclosure_word_counts c set n = c.n - d.n
          from (select w, count(*) as n from old_items, unnest(tsvector_to_array(search_vector)) w group by w) d
          where c.word = d.w;
      end if;
      if tg_op in ('INSERT', 'UPDATE') then
        insert into disclosure_word_counts (word, n)
          select w, count(*) from new_items, unnest(tsvector_to_array(search_vector)) w group by w
          on conflict (word) do update set n = disclosure_word_counts.n + excluded.n;
      end if;
      return null;
    end $$`.execute(db);
  await sql`create trigger disclosure_words_inserted after insert on disclosure_items referencing new table as new_items
    for each statement execute function huitong_disclosure_words_changed()`.execute(db);
  await sql`create trigger disclosure_words_updated after update on disclosure_items referencing old table as old_items new table as new_items
    for each statement execute function huitong_disclosure_words_changed()`.execute(db);
  await sql`create trigger disclosure_words_deleted after delete on disclosure_items referencing old table as old_items
    for each statement execute function huitong_disclosure_words_changed()`.execute(db);
  await sql`create trigger disclosure_words_truncated after truncate on disclosure_items
    for each statement execute function huitong_disclosure_words_changed()`.execute(db);
  // The items already stored.
  await sql`insert into disclosure_word_counts (word, n)
    select w, count(*) from disclosure_items, unnest(tsvector_to_array(search_vector)) w group by w`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const name of ['inserted', 'updated', 'deleted', 'truncated'])
    await sql`drop trigger if exists ${sql.id(`disclosure_words_${name}`)} on disclosure_items`.execute(db);
  await sql`drop function if exists huitong_disclosure_words_changed()`.execute(db);
  await db.schema.dropTable('disclosure_word_counts').ifExists().execute();
}
