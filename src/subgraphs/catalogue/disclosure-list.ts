import type { Kysely, SelectQueryBuilder } from 'kysely';
import { badUserInput, decodeCursor, encodeCursor, INPUT_LIMITS, pageSize, toConnection } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';
import { highlightSpans, indexPendingDisclosureItems, matchesSearch, queryTokens, relevance, searchTotal, snippetSpans } from './full-text.js';

export interface DisclosureFilter {
  search?: string | null;
  category?: string | null;
  publisherCode?: string | null;
  mode?: string | null;
  publishedFrom?: string | null;
  publishedTo?: string | null;
}

export interface DisclosureListArgs {
  filter?: DisclosureFilter | null;
  first?: number | null;
  after?: string | null;
  /** NEWEST (the default) or RELEVANCE: best match for `filter.search` first, then newest. */
  orderBy?: 'NEWEST' | 'RELEVANCE' | null;
}

/** A listed item: its row, and the searched words its highlight marks (null when the list was not searched). */
export type DisclosureRow = Omit<HubDatabase['disclosure_items'], 'published_at' | 'title_tokens' | 'body_tokens' | 'search_vector'> & {
  published_at: Date;
  _searched: readonly string[] | null;
};

const COLUMNS = ['id', 'title', 'category', 'publisher_code', 'published_at', 'body', 'mode'] as const;

/**
 * A search term as the catalogue runs it: at most `INPUT_LIMITS.search` characters (BAD_USER_INPUT
 * above), blanks trimmed and collapsed; null when there is nothing to search for.
 */
export function searchTerm(search: string | null | undefined): string | null {
  if (search === null || search === undefined) return null;
  if (search.length > INPUT_LIMITS.search)
    throw badUserInput(`filter.search is longer than ${INPUT_LIMITS.search} characters`, { argument: 'filter.search', maxLength: INPUT_LIMITS.search });
  const term = search.trim().replace(/\s+/g, ' ');
  return term === '' ? null : term;
}

/**
 * The disclosure list: filters, full-text search over an index (so what a search costs does not
 * depend on the term), newest-first or relevance order, keyset cursors and an exact total.
 * Rows stored before the index existed are indexed before the first search.
 *
 * @example
 * const list = createDisclosureList(db);
 * await list({ filter: { search: '规划' }, orderBy: 'RELEVANCE', first: 20 });
 */
export function createDisclosureList(db: Kysely<HubDatabase>) {
  let indexed: Promise<number> | undefined;
  const ensureIndexed = () =>
    (indexed ??= indexPendingDisclosureItems(db).catch((error: unknown) => {
      indexed = undefined;
      throw error;
    }));

  const filtered = <O>(query: SelectQueryBuilder<HubDatabase, 'disclosure_items', O>, filter: DisclosureFilter | null | undefined, words: string[] | null) => {
    let q = query;
    if (words) q = q.where(matchesSearch(words));
    if (filter?.category) q = q.where('category', '=', filter.category);
    if (filter?.publisherCode) q = q.where('publisher_code', '=', filter.publisherCode);
    if (filter?.mode) q = q.where('mode', '=', filter.mode);
    if (filter?.publishedFrom) q = q.where('published_at', '>=', new Date(filter.publishedFrom));
    if (filter?.publishedTo) q = q.where('published_at', '<=', new Date(filter.publishedTo));
    return q;
  };

  return async (args: DisclosureListArgs) => {
    const first = pageSize(args.first);
    const term = searchTerm(args.filter?.search);
    const words = term === null ? null : queryTokens(term);
    if (words) await ensureIndexed();
    if (words?.length === 0) return toConnection<DisclosureRow>([], first, 0, () => '');
    const byRelevance = args.orderBy === 'RELEVANCE' && words !== null;
    const cursorKind = byRelevance ? 'disclosureItemsByRelevance' : 'disclosureItems';

    let page = filtered(db.selectFrom('disclosure_items').select(COLUMNS), args.filter, words);
    if (byRelevance) page = page.select(relevance(words).as('score')).orderBy('score', 'desc');
    page = page
      .orderBy('published_at', 'desc')
      .orderBy('id')
      .limit(first + 1);
    if (args.after) {
      const { s, t, id } = decodeCursor<{ s?: unknown; t?: unknown; id?: unknown }>(args.after, cursorKind);
      const at = new Date(typeof t === 'string' ? t : Number.NaN);
      if (Number.isNaN(at.getTime()) || typeof id !== 'string' || (byRelevance && !Number.isSafeInteger(s)))
        throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
      page = page.where((eb) => {
        const afterTime = eb.or([eb('published_at', '<', at), eb.and([eb('published_at', '=', at), eb('id', '>', id)])]);
        if (!byRelevance) return afterTime;
        const score = relevance(words);
        return eb.or([eb(score, '<', s as number), eb.and([eb(score, '=', s as number), afterTime])]);
      });
    }
    const { search: _, ...others } = args.filter ?? {};
    const searchOnly = words !== null && Object.values(others).every((v) => v === null || v === undefined || v === '');
    const [rows, count] = await Promise.all([
      page.execute() as Promise<Array<Omit<DisclosureRow, '_searched'> & { score?: number | string }>>,
      searchOnly
        ? searchTotal(words)
            .execute(db)
            .then((r) => r.rows[0]!)
        : filtered(
            db.selectFrom('disclosure_items').select((eb) => eb.fn.countAll<number>().as('n')),
            args.filter,
            words,
          ).executeTakeFirstOrThrow(),
    ]);
    return toConnection(
      rows.map((r) => ({ ...r, _searched: words })),
      first,
      Number(count.n),
      (r) => encodeCursor(cursorKind, { ...(byRelevance ? { s: Number(r.score) } : {}), t: r.published_at.toISOString(), id: r.id }),
    );
  };
}

/** Where an item matches the search: its title and a snippet of its body, as marked spans; null unsearched. */
export function disclosureHighlight(row: DisclosureRow) {
  if (!row._searched) return null;
  return { title: highlightSpans(row.title, row._searched), snippet: snippetSpans(row.body, row._searched) };
}
