import { makeExecutableSchema } from '@graphql-tools/schema';
import DataLoader from 'dataloader';
import { type Kysely, type SelectQueryBuilder, sql } from 'kysely';
import { badUserInput, decodeCursor, encodeCursor, encodeGlobalId, pageSize, scalarResolvers, toConnection } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';
import type { Subgraph } from '../subgraph.js';
import { catalogueSdl } from './catalogue-sdl.js';
import { CodeCache } from './code-cache.js';
import { computeServiceItemStats } from './service-item-stats.js';
import { createDisclosureList, type DisclosureListArgs, type DisclosureRow, disclosureHighlight, searchTerm } from './disclosure-list.js';

type ServiceItemRow = HubDatabase['service_items'];

interface ServiceItemFilter {
  departmentCode?: string | null;
  category?: string | null;
  instant?: boolean | null;
  search?: string | null;
}
/** `%text%` for ILIKE with the user's own wildcards escaped. */
const contains = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/**
 * The catalogue subgraph over the hub database: the department registry's public face, the
 * service-item catalogue with its statistics, and disclosure items.
 *
 * @example
 * const catalogue = createCatalogueSubgraph(hub.db);
 */
export function createCatalogueSubgraph(db: Kysely<HubDatabase>): Subgraph {
  // The freshness bound of a department's totals is its active spec's (null: counted with every page).
  const departmentRows = () =>
    db
      .selectFrom('departments as d')
      .leftJoin('department_specs as s', (join) => join.onRef('s.code', '=', 'd.code').onRef('s.version', '=', 'd.spec_version'))
      .select(['d.code', 'd.name', 'd.last_synced_at', sql<number | null>`(s.spec -> 'totals' ->> 'maxAgeSeconds')::int`.as('totals_max_age_seconds')]);
  const departments = new CodeCache(async (codes) => departmentRows().where('d.code', 'in', codes).execute());
  const departmentsByCodes = (codes: readonly string[]) => departments.byCodes(codes);
  const serviceItems = new CodeCache(async (codes) => db.selectFrom('service_items').selectAll().where('code', 'in', codes).execute());
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

  const disclosureItems = createDisclosureList(db);

  const schema = makeExecutableSchema({
    typeDefs: catalogueSdl,
    resolvers: {
      ...scalarResolvers,
      Query: {
        departments: () => departmentRows().orderBy('d.code').execute(),
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
        disclosureItems: (_: unknown, args: DisclosureListArgs) => disclosureItems(args),
      },
      Department: {
        lastSyncedAt: (d: { last_synced_at: Date | null }) => d.last_synced_at,
        totalsMaxAgeSeconds: (d: { totals_max_age_seconds: number | null }) => d.totals_max_age_seconds,
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
        highlight: (d: DisclosureRow) => disclosureHighlight(d),
      },
    },
  });
  return { name: 'catalogue', sdl: catalogueSdl, schema };
}
