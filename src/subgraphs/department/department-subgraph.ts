import DataLoader from 'dataloader';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import type { PermitPosition } from '../../adapters/core/contract.js';
import { AdapterError } from '../../adapters/core/adapter-error.js';
import type { RuntimeAdapter, UnifiedPermitPage, UnifiedPermitQuery } from '../../adapters/core/runtime-adapter.js';
import { departmentUnavailable } from '../../schema/errors.js';
import { decodeGlobalId, encodeGlobalId } from '../../schema/global-id.js';
import type { PermitStatus, UnifiedPermit } from '../../schema/model.js';
import { decodeCursor, encodeCursor, MAX_PAGE_SIZE, badUserInput } from '../../schema/index.js';
import { traced } from '../trace-context.js';
import { departmentSdl } from './department-sdl.js';
import { memoizedScalarResolvers } from './memoized-scalars.js';

interface PermitQueryInput {
  applicantLocalIds?: string[] | null;
  statuses?: PermitStatus[] | null;
  serviceItemCodes?: string[] | null;
  appliedFrom?: string | null;
  appliedTo?: string | null;
  after?: string | null;
  first: number;
}

/** A subgraph: its SDL (what the gateway composes from) and the executable schema that serves it. */
export interface Subgraph {
  name: string;
  sdl: string;
  schema: GraphQLSchema;
}

const POSITION_CURSOR = 'permit-position';

/**
 * The subgraph of one department, built from its wrapped adapter. Page requests that arrive together
 * (the gateway's batched delegations, e.g. `Applicant.permits` for fifty applicants) are collected by a
 * per-request DataLoader into one `listPermits` call: one round trip to the legacy system.
 *
 * @example
 * const market = createDepartmentSubgraph(new RuntimeAdapter('market', await createMarketAdapter(settings)));
 */
export function createDepartmentSubgraph(adapter: RuntimeAdapter): Subgraph {
  const code = adapter.department;
  const loaders = new WeakMap<object, DataLoader<UnifiedPermitQuery, UnifiedPermitPage>>();
  /** Per request: the permits its pages read, by local id (`_permitItems` serves the gateway's second step from here). */
  const seen = new WeakMap<object, Map<string, UnifiedPermit>>();

  const pageLoader = (context: object) => {
    let loader = loaders.get(context);
    if (!loader) {
      const read = new Map<string, UnifiedPermit>();
      seen.set(context, read);
      loader = new DataLoader(
        async (queries) => {
          const pages = await guard(code, () => traced(context, () => adapter.listPermits(queries)));
          for (const page of pages) for (const permit of page.permits) read.set(permit.localId, permit);
          return pages;
        },
        { cache: false, maxBatchSize: adapter.maxBatch },
      );
      loaders.set(context, loader);
    }
    return loader;
  };

  const permitId = (localId: string) => encodeGlobalId('Permit', `${code}:${localId}`);

  const unifiedQuery = (query: PermitQueryInput): UnifiedPermitQuery => {
    if (!Number.isInteger(query.first) || query.first < 0 || query.first > MAX_PAGE_SIZE) throw badUserInput('first out of range');
    const unified: UnifiedPermitQuery = { first: query.first };
    if (query.applicantLocalIds) unified.applicantLocalIds = query.applicantLocalIds;
    if (query.statuses) unified.statuses = query.statuses;
    if (query.serviceItemCodes) unified.serviceItemCodes = query.serviceItemCodes;
    if (query.appliedFrom) unified.appliedFrom = query.appliedFrom;
    if (query.appliedTo) unified.appliedTo = query.appliedTo;
    if (query.after) unified.after = decodeCursor<PermitPosition>(query.after, POSITION_CURSOR);
    return unified;
  };
  // An item's cursor is encoded only when the gateway asks for it (it does when the client wants cursors).
  const pageResult = (page: UnifiedPermitPage, query: PermitQueryInput) => ({
    totalCount: page.total,
    hasMore: page.hasMore,
    endCursor: page.end ? encodeCursor(POSITION_CURSOR, page.end) : query.after ?? null,
    items: page.permits.map((permit) => ({ appliedAt: permit.appliedAt, localId: permit.localId, permit })),
  });

  const schema = makeExecutableSchema({
    typeDefs: departmentSdl,
    resolvers: {
      ...memoizedScalarResolvers,
      Query: {
        _permitPage: async (_root: unknown, { query }: { query: PermitQueryInput }, context: object) => {
          const unified = unifiedQuery(query);
          return pageResult(await pageLoader(context ?? {}).load(unified), query);
        },
        _permitPages: async (_root: unknown, { queries }: { queries: PermitQueryInput[] }, context: object) => {
          // A query that is not valid fails alone; the valid ones still go out in one call.
          const unified = queries.map((query) => {
            try {
              return unifiedQuery(query);
            } catch (error) {
              return error as Error;
            }
          });
          const valid = unified.filter((q): q is UnifiedPermitQuery => !(q instanceof Error));
          const pages = await pageLoader(context ?? {}).loadMany(valid);
          let next = 0;
          return unified.map((q, i) => {
            if (q instanceof Error) return q;
            const page = pages[next++]!;
            return page instanceof Error ? page : pageResult(page, queries[i]!);
          });
        },
        _permitsByIds: async (_root: unknown, { ids }: { ids: string[] }, context: object) => {
          const localIds = ids.map((id) => {
            const decoded = decodeGlobalId(id);
            const prefix = `${code}:`;
            return decoded?.type === 'Permit' && decoded.key.startsWith(prefix) ? decoded.key.slice(prefix.length) : null;
          });
          const found = await guard(code, () => traced(context, () => adapter.getPermits(localIds.filter((id): id is string => id !== null))));
          return localIds.map((id) => (id === null ? null : found.get(id) ?? null));
        },
        _permitItems: async (_root: unknown, { localIds }: { localIds: string[] }, context: object) => {
          const read = seen.get(context ?? {});
          const missing = localIds.filter((id) => !read?.has(id));
          const found = missing.length ? await guard(code, () => traced(context, () => adapter.getPermits([...new Set(missing)]))) : null;
          return localIds.map((id) => {
            const permit = read?.get(id) ?? found?.get(id);
            return permit ? { appliedAt: permit.appliedAt, localId: permit.localId, permit } : null;
          });
        },
        _health: () => {
          const health = adapter.health();
          return { circuit: health.circuit, lastErrorReason: health.lastError?.reason ?? null, lastErrorAt: health.lastError?.at ?? null, lastSuccessAt: health.lastSuccessAt };
        },
        _applicantRecords: async (_root: unknown, { after, first }: { after?: string | null; first: number }) =>
          guard(code, () => adapter.listApplicants(after ?? null, first)),
      },
      _PermitItem: {
        cursor: (item: { appliedAt: string | null; localId: string }) => encodeCursor(POSITION_CURSOR, { appliedAt: item.appliedAt, localId: item.localId }),
      },
      Permit: {
        id: (p: UnifiedPermit) => permitId(p.localId),
        department: () => ({ code }),
        serviceItem: (p: UnifiedPermit) => (p.serviceItemCode ? { code: p.serviceItemCode } : null),
        _applicantKey: (p: UnifiedPermit) => (p.applicantLocalId ? `${code}:${p.applicantLocalId}` : null),
      },
    },
  });
  return { name: code, sdl: departmentSdl, schema };
}


/** Adapter failures become the coded GraphQL error clients see; the cause stays in the log. */
async function guard<T>(department: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AdapterError) throw departmentUnavailable(department, error.reason);
    throw error;
  }
}
