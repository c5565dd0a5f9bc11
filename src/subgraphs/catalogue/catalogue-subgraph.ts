import { makeExecutableSchema } from '@graphql-tools/schema';
import DataLoader from 'dataloader';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { badUserInput, decodeCursor, encodeCursor, encodeGlobalId, INPUT_LIMITS, pageSize, scalarResolvers, toConnection } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';
import type { Subgraph } from '../subgraph.js';
import { catalogueSdl } from './catalogue-sdl.js';
import { ServiceItemCache } from './service-item-cache.js';
import { computeServiceItemStats } from './service-item-stats.js';

type ServiceItemRow = HubDatabase['service_items'];
type DisclosureRow = Omit<HubDatabase['disclosure_items'], 'published_at'> & { published_at: Date };

interface ServiceItemFilter {
  departmentCode?: string | null;
  category?: string | null;
  instant?: boolean | null;
  search?: string | null;
}
interface DisclosureFilter {
  search?: string | null;
  category?: string | null;
  publisherCode?: string | null;
  mode?: string | null;
  publishedFrom?: string | null;
  publishedTo?: string | null;
}

/** `%text%` for ILIKE with the user's own wildcards escaped. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * A search term as the catalogue runs it: at most `INPUT_LIMITS.search` characters (BAD_USER_INPUT
 * above), so what a search costs is bounded by the rows it scans, whatever the term — a substring
 * match's work grows with the term's length — and blanks trimmed and collapsed.
 */
function searchTerm(search: string | null | undefined): string | null {
  if (search === null || search === undefined) return null;
  if (search.length > INPUT_LIMITS.search)
    throw badUserInput(`filter.search is longer than ${INPUT_LIMITS.search} characters`, { argument: 'filter.search', maxLength: INPUT_LIMITS.search });
  const term = search.trim().replace(/\s+/g, ' ');
  return term === '' ? null : term;
}

/**
 * The catalogue subgraph over the hub database: the department registry's public face, the
 * service-item catalogue with its statistics, and disclosure items.
 *
 * @example
 * const catalogue = createCatalogueSubgraph(hub.db);
 */
export function createCatalogueSubgraph(db: Kysely<HubDatabase>): Subgraph {
  const departmentFields = ['code', 'name', 'last_synced_at'] as const;
  const departmentsByCodes = async (codes: readonly string[]) => {
    const rows = codes.length ? await db.selectFrom('departments').select(departmentFields).where('code', 'in', codes).execute() : [];
    return codes.map((c) => rows.find((r) => r.code === c) ?? null);
  };
  const serviceItems = new ServiceItemCache(async (codes) => db.selectFrom('service_items').selectAll().where('code', 'in', codes).execute());
  // One query per response for every item's department, however many items it lists.
  const loaders = new WeakMap<object, DataLoader<string, Awaited<ReturnType<typeof departmentsByCodes>>[number]>>();
  const departmentLoader = (context: object) => {
    let loader = loaders.get(context);
    if (!loader) loaders.set(context, (loader = new DataLoader(departmentsByCodes)));
    return loader;
  };

  const filterItems = <O>(query: SelectQueryBuilder<HubDatabase, 'service_items', O>, filter: ServiceItemFilter | null | undefined) => {
    let q = query;
    if (filter?.departmentCode) q = q.where('department_code', '=', filter.departmentCode);
    if (filter?.category) q = q.where('category', '=', filter.category);
    if (typeof filter?.instant === 'boolean') q = q.where('instant', '=', filter.instant);
    const search = searchTerm(filter?.search);
    if (search) {
      const like = contains(search);
      q = q.where((eb) => eb.or([eb('name', 'ilike', like), eb('code', 'ilike', like)]));
    }
    return q;
  };

  const filterDisclosure = <O>(query: SelectQueryBuilder<HubDatabase, 'disclosure_items', O>, filter: DisclosureFilter | null | undefined) => {
    let q = query;
    const search = searchTerm(filter?.search);
    if (search) {
      const like = contains(search);
      q = q.where((eb) => eb.or([eb('title', 'ilike', like), eb('body', 'ilike', like)]));
    }
    if (filter?.category) q = q.where('category', '=', filter.category);
    if (filter?.publisherCode) q = q.where('publisher_code', '=', filter.publisherCode);
    if (filter?.mode) q = q.where('mode', '=', filter.mode);
    if (filter?.publishedFrom) q = q.where('published_at', '>=', new Date(filter.publishedFrom));
    if (filter?.publishedTo) q = q.where('published_at', '<=', new Date(filter.publishedTo));
    return q;
  };

  const schema = makeExecutableSchema({
    typeDefs: catalogueSdl,
    resolvers: {
      ...scalarResolvers,
      Query: {
        departments: () => db.selectFrom('departments').select(departmentFields).orderBy('code').execute(),
        // Through the request's loader: the gateway's Department lookups and ServiceItem.department share one read.
        _departmentsByCodes: (_: unknown, { codes }: { codes: string[] }, context: object) => departmentLoader(context ?? {}).loadMany(codes),
        _serviceItemsByCodes: (_: unknown, { codes }: { codes: string[] }) => serviceItems.byCodes(codes),
        serviceItems: async (_: unknown, args: { filter?: ServiceItemFilter | null; first?: number | null; after?: string | null }) => {
          const first = pageSize(args.first);
          let page = filterItems(db.selectFrom('service_items').selectAll(), args.filter)
            .orderBy('code')
            .limit(first + 1);
          if (args.after) page = page.where('code', '>', decodeCursor<{ code: string }>(args.after, 'serviceItems').code);
          const [rows, count] = await Promise.all([
            page.execute(),
            filterItems(
              db.selectFrom('service_items').select((eb) => eb.fn.countAll<number>().as('n')),
              args.filter,
            ).executeTakeFirstOrThrow(),
          ]);
          return toConnection(rows, first, Number(count.n), (r) => encodeCursor('serviceItems', { code: r.code }));
        },
        serviceItemStats: async (_: unknown, args: { departmentCode?: string | null; category?: string | null; instantCountsAsDays?: number | null }) => {
          const asDays = args.instantCountsAsDays ?? 0;
          if (!Number.isInteger(asDays) || asDays < 0 || asDays > 60) {
            throw badUserInput('instantCountsAsDays must be an integer from 0 to 60', { argument: 'instantCountsAsDays' });
          }
          const rows = await filterItems(db.selectFrom('service_items').select(['statutory_days', 'committed_days', 'instant']), {
            departmentCode: args.departmentCode ?? null,
            category: args.category ?? null,
          }).execute();
          return computeServiceItemStats(rows, asDays);
        },
        disclosureItems: async (_: unknown, args: { filter?: DisclosureFilter | null; first?: number | null; after?: string | null }) => {
          const first = pageSize(args.first);
          let page = filterDisclosure(db.selectFrom('disclosure_items').selectAll(), args.filter)
            .orderBy('published_at', 'desc')
            .orderBy('id')
            .limit(first + 1);
          if (args.after) {
            const { t, id } = decodeCursor<{ t: string; id: string }>(args.after, 'disclosureItems');
            const at = new Date(t);
            if (Number.isNaN(at.getTime()) || typeof id !== 'string') throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
            page = page.where((eb) => eb.or([eb('published_at', '<', at), eb.and([eb('published_at', '=', at), eb('id', '>', id)])]));
          }
          const [rows, count] = await Promise.all([
            page.execute() as Promise<DisclosureRow[]>,
            filterDisclosure(
              db.selectFrom('disclosure_items').select((eb) => eb.fn.countAll<number>().as('n')),
              args.filter,
            ).executeTakeFirstOrThrow(),
          ]);
          return toConnection(rows, first, Number(count.n), (r) => encodeCursor('disclosureItems', { t: r.published_at.toISOString(), id: r.id }));
        },
      },
      Department: {
        lastSyncedAt: (d: { last_synced_at: Date | null }) => d.last_synced_at,
      },
      ServiceItem: {
        id: (s: ServiceItemRow) => encodeGlobalId('ServiceItem', s.code),
        department: (s: ServiceItemRow, _: unknown, context: object) => departmentLoader(context ?? {}).load(s.department_code),
        statutoryDays: (s: ServiceItemRow) => s.statutory_days,
        committedDays: (s: ServiceItemRow) => s.committed_days,
        legalBasis: (s: ServiceItemRow) => s.legal_basis,
      },
      DisclosureItem: {
        id: (d: DisclosureRow) => encodeGlobalId('DisclosureItem', d.id),
        publisher: (d: DisclosureRow, _: unknown, context: object) => departmentLoader(context ?? {}).load(d.publisher_code),
        publishedAt: (d: DisclosureRow) => d.published_at,
      },
    },
  });
  return { name: 'catalogue', sdl: catalogueSdl, schema };
}
