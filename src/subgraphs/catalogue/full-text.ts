import { Jieba } from '@node-rs/jieba';
import { dict } from '@node-rs/jieba/dict.js';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type { HubDatabase } from '../../storage/index.js';

// Chinese full-text search over disclosure items. Most Chinese search terms are two characters, which a
// trigram index handles badly; a word segmenter (jieba) turns text into words, and PostgreSQL's own
// inverted index (tsvector + GIN, the `simple` configuration: no stemming, no stop words) finds them, on
// PGlite and PostgreSQL alike. Documents are cut in search mode (城乡规划 also yields 城乡 and 规划) and
// every Han character is indexed alone too, so a one-character term finds what it is part of; a term is
// cut as a sentence and all its words must match.

let jieba: Jieba | undefined;
// The dictionary takes a few hundred milliseconds to load: only once, and only when text is cut.
const segmenter = () => (jieba ??= Jieba.withDict(dict));

const WORDLIKE = /[\p{L}\p{N}]/u;
const HAN = /^\p{Script=Han}$/u;

/** What both sides fold: full-width forms to half-width, Latin to lower case. */
const fold = (text: string) => text.normalize('NFKC').toLowerCase();

/**
 * A text as the index stores it: its words (search mode) and its Han characters, separated by spaces,
 * in reading order (positions count for relevance).
 *
 * @example
 * documentTokens('城乡规划许可'); // '城乡 规划 城乡规划 许可 城 乡 规 划 许 可'
 */
export function documentTokens(text: string): string {
  const folded = fold(text);
  const words = segmenter()
    .cutForSearch(folded, true)
    .filter((w) => WORDLIKE.test(w));
  const characters = [...folded].filter((c) => HAN.test(c));
  return [...words, ...characters].join(' ');
}

/**
 * The words a search term asks for, all of which must match; none when it holds nothing searchable
 * (punctuation alone), and then nothing matches.
 *
 * @example
 * queryTokens('规划 许可'); // ['规划', '许可']
 */
export function queryTokens(term: string): string[] {
  return [
    ...new Set(
      segmenter()
        .cut(fold(term), true)
        .map((w) => w.trim())
        .filter((w) => WORDLIKE.test(w)),
    ),
  ];
}

/** The `tsquery` of a term's words; `plainto_tsquery` quotes them, so no input is query syntax. */
export const tsQuery = (tokens: readonly string[]): RawBuilder<unknown> => sql`plainto_tsquery('simple', ${tokens.join(' ')})`;

/**
 * How many items hold each word of the index, counted over the items: what `disclosure_word_counts` keeps
 * (its migration fills it the same way, frozen in its own words).
 *
 * @example
 * await sql`insert into disclosure_word_counts ${wordCountsOfItems}`.execute(db);
 */
export const wordCountsOfItems: RawBuilder<{ word: string; n: number | string }> = sql`select w as word, count(*) as n
  from disclosure_items, unnest(tsvector_to_array(search_vector)) w group by w`;

/**
 * The total of a search with no other filter, as one statement: a term that is one word of the index
 * reads its count from `disclosure_word_counts` (kept by triggers); any other is counted over its matches.
 * The words are the ones `plainto_tsquery` makes of the same text, so both sides agree on what "one word" is.
 *
 * @example
 * const { n } = await searchTotal(['规划']).execute(db).then((r) => r.rows[0]!);
 */
export const searchTotal = (tokens: readonly string[]): RawBuilder<{ n: number | string }> =>
  sql<{ n: number | string }>`select case when cardinality(l.words) = 1
      then coalesce((select c.n from disclosure_word_counts c where c.word = l.words[1]), 0)
      else (select count(*) from disclosure_items where ${matchesSearch(tokens)}) end as n
    from (select tsvector_to_array(to_tsvector('simple', ${tokens.join(' ')})) as words) l`;

/** The condition a searched disclosure list adds: every word of the term is in the title or body. */
export const matchesSearch = (tokens: readonly string[]): RawBuilder<boolean> => sql<boolean>`search_vector @@ ${tsQuery(tokens)}`;

/**
 * Relevance as a whole number (cover density, title words weighing most), so a cursor can hold it exactly.
 */
export const relevance = (tokens: readonly string[]): RawBuilder<number> => sql<number>`(ts_rank_cd(search_vector, ${tsQuery(tokens)}) * 1000000)::bigint`;

/** The columns a disclosure item's index is made from (the database derives `search_vector` from them). */
export function disclosureTokenColumns(item: { title: string; body: string }): { title_tokens: string; body_tokens: string } {
  return { title_tokens: documentTokens(item.title), body_tokens: documentTokens(item.body) };
}

/**
 * Indexes the disclosure items stored before full-text search existed (or by a tool that left their
 * tokens out), a few hundred at a time. Returns how many it indexed.
 *
 * @example
 * await indexPendingDisclosureItems(db); // 0 once every item is indexed
 */
export async function indexPendingDisclosureItems(db: Kysely<HubDatabase>, batch = 500): Promise<number> {
  let indexed = 0;
  for (;;) {
    const rows = await db.selectFrom('disclosure_items').select(['id', 'title', 'body']).where('title_tokens', 'is', null).limit(batch).execute();
    if (rows.length === 0) return indexed;
    await db.transaction().execute(async (tx) => {
      for (const row of rows) await tx.updateTable('disclosure_items').set(disclosureTokenColumns(row)).where('id', '=', row.id).execute();
    });
    indexed += rows.length;
  }
}

/** A piece of text, marked when it is one of the searched words. */
export interface TextSpan {
  text: string;
  matched: boolean;
}

/**
 * Splits a text into spans, marking every occurrence of the searched words (case-insensitive); a client
 * renders them as it likes, so no markup is ever mixed into the data.
 *
 * @example
 * highlightSpans('城乡规划许可', ['规划']); // [{ text: '城乡', matched: false }, { text: '规划', matched: true }, { text: '许可', matched: false }]
 */
export function highlightSpans(text: string, tokens: readonly string[]): TextSpan[] {
  const lower = text.toLowerCase();
  const marked = new Uint8Array(text.length);
  for (const token of tokens) {
    if (token === '') continue;
    for (let at = lower.indexOf(token); at >= 0; at = lower.indexOf(token, at + token.length)) marked.fill(1, at, at + token.length);
  }
  const spans: TextSpan[] = [];
  let start = 0;
  for (let i = 1; i <= text.length; i++) {
    if (i === text.length || marked[i] !== marked[start]) {
      if (i > start) spans.push({ text: text.slice(start, i), matched: marked[start] === 1 });
      start = i;
    }
  }
  return spans;
}

/**
 * Up to `width` characters of a body around its first match (its beginning when nothing matches),
 * as spans; an ellipsis marks where it was cut.
 *
 * @example
 * snippetSpans(longBody, ['规划'], 80);
 */
export function snippetSpans(body: string, tokens: readonly string[], width = 80): TextSpan[] {
  const lower = body.toLowerCase();
  const first = Math.min(...tokens.map((t) => lower.indexOf(t)).filter((i) => i >= 0), body.length);
  const from = first === body.length ? 0 : Math.max(0, first - Math.floor(width / 4));
  const to = Math.min(body.length, from + width);
  const spans = highlightSpans(body.slice(from, to), tokens);
  if (from > 0) spans.unshift({ text: '…', matched: false });
  if (to < body.length) spans.push({ text: '…', matched: false });
  return spans;
}
