import DataLoader from 'dataloader';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { AdapterError, AdapterInputError } from '../../adapters/core/adapter-error.js';
import type { RuntimeAdapter, UnifiedPermitPage, UnifiedPermitQuery } from '../../adapters/core/runtime-adapter.js';
import { departmentUnavailable } from '../../schema/errors.js';
import { decodeGlobalId, encodeGlobalId } from '../../schema/global-id.js';
import { PERMIT_STATUSES, type PermitStatus, type UnifiedPermit } from '../../schema/model.js';
import { badUserInput, decodePermitPosition, encodePermitPosition, INPUT_LIMITS, isIsoInstant, isPlainText, MAX_PAGE_SIZE } from '../../schema/index.js';
import type { Subgraph } from '../subgraph.js';
import { timedBackend } from '../phase-context.js';
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

/** Most applicant ids one page query may be scoped to (an applicant's records in one department are few). */
const MAX_APPLICANT_IDS = 1000;
/** Most applicant records one `_applicantRecords` page may ask for. */
const MAX_RECORD_PAGE = 5000;

/**
 * A list of plain strings (keys, codes) of at most `maxItems`, each at most `maxLength`; BAD_USER_INPUT
 * naming the argument otherwise. This subgraph checks what it is sent even though the gateway did: it
 * also serves callers other than the gateway, and nothing unchecked may reach the department's system.
 */
function plainList(values: readonly unknown[] | null | undefined, argument: string, maxItems: number, maxLength: number): string[] | undefined {
  if (values === null || values === undefined) return undefined;
  if (!Array.isArray(values) || values.length > maxItems || !values.every((v) => isPlainText(v, maxLength))) {
    throw badUserInput(`${argument} must be at most ${maxItems} strings of 1 to ${maxLength} printable characters`, { argument });
  }
  return values as string[];
}

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
          const pages = await guard(code, () => timedBackend(context, code, () => traced(context, () => adapter.listPermits(queries))));
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

  /** A page query checked field by field before anything reaches the adapter; BAD_USER_INPUT otherwise. */
  const unifiedQuery = (query: PermitQueryInput): UnifiedPermitQuery => {
    if (!Number.isInteger(query.first) || query.first < 0 || query.first > MAX_PAGE_SIZE) throw badUserInput('first out of range', { argument: 'first' });
    const unified: UnifiedPermitQuery = { first: query.first };
    const applicantLocalIds = plainList(query.applicantLocalIds, 'applicantLocalIds', MAX_APPLICANT_IDS, INPUT_LIMITS.localId);
    if (applicantLocalIds) unified.applicantLocalIds = applicantLocalIds;
    if (query.statuses) {
      if (!query.statuses.every((s) => PERMIT_STATUSES.includes(s))) throw badUserInput('statuses holds an unknown status', { argument: 'statuses' });
      unified.statuses = [...new Set(query.statuses)];
    }
    const serviceItemCodes = plainList(query.serviceItemCodes, 'serviceItemCodes', INPUT_LIMITS.listItems, INPUT_LIMITS.code);
    if (serviceItemCodes) unified.serviceItemCodes = serviceItemCodes;
    for (const bound of ['appliedFrom', 'appliedTo'] as const) {
      const value = query[bound];
      if (value === null || value === undefined) continue;
      if (!isIsoInstant(value)) throw badUserInput(`${bound} is not an ISO 8601 instant`, { argument: bound });
      unified[bound] = value;
    }
    if (query.after !== null && query.after !== undefined) unified.after = decodePermitPosition(query.after);
    return unified;
  };
  const itemOf = (permit: UnifiedPermit) => ({ appliedAt: permit.appliedAt, localId: permit.localId, permit });
  // An item's cursor is encoded only when the gateway asks for it (it does when the client wants cursors).
  const pageResult = (page: UnifiedPermitPage, query: PermitQueryInput) => ({
    totalCount: page.total,
    hasMore: page.hasMore,
    endCursor: page.end ? encodePermitPosition(page.end) : (query.after ?? null),
    items: page.permits.map(itemOf),
  });

  /** Permits by local id, in order (null when not found): this request's pages' from memory, the rest from one call. */
  const permitsByLocalIds = async (localIds: readonly string[], context: object): Promise<Array<UnifiedPermit | Error | null>> => {
    const read = seen.get(context ?? {});
    const valid = (id: string) => isPlainText(id, INPUT_LIMITS.localId);
    const missing = localIds.filter((id) => valid(id) && !read?.has(id));
    const found = missing.length
      ? await guard(code, () => timedBackend(context, code, () => traced(context, () => adapter.getPermits([...new Set(missing)]))))
      : null;
    return localIds.map((id) =>
      valid(id) ? (read?.get(id) ?? found?.get(id) ?? null) : badUserInput('localIds holds a malformed id', { argument: 'localIds' }),
    );
  };

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
          // A malformed id fails alone (its entry is an error); another department's or type's is null.
          const localIds = ids.map((id): string | null | Error => {
            const decoded = decodeGlobalId(id);
            if (!decoded) return badUserInput('id is not a valid id', { argument: 'ids' });
            const prefix = `${code}:`;
            if (decoded.type !== 'Permit' || !decoded.key.startsWith(prefix)) return null;
            const localId = decoded.key.slice(prefix.length);
            return isPlainText(localId, INPUT_LIMITS.localId) ? localId : badUserInput('id is not a valid permit id', { argument: 'ids' });
          });
          const wanted = localIds.filter((id): id is string => typeof id === 'string');
          const found = wanted.length
            ? await guard(code, () => timedBackend(context, code, () => traced(context, () => adapter.getPermits(wanted))))
            : new Map<string, UnifiedPermit>();
          return localIds.map((id) => (typeof id === 'string' ? (found.get(id) ?? null) : id));
        },
        _permitItems: async (_root: unknown, { localIds }: { localIds: string[] }, context: object) =>
          (await permitsByLocalIds(localIds, context)).map((permit) => (permit && !(permit instanceof Error) ? itemOf(permit) : permit)),
        _permitsByLocalIds: (_root: unknown, { localIds }: { localIds: string[] }, context: object) => permitsByLocalIds(localIds, context),
        _health: () => {
          const health = adapter.health();
          return {
            circuit: health.circuit,
            lastErrorReason: health.lastError?.reason ?? null,
            lastErrorAt: health.lastError?.at ?? null,
            lastSuccessAt: health.lastSuccessAt,
          };
        },
        _applicantRecords: async (_root: unknown, { after, first }: { after?: string | null; first: number }) => {
          if (!Number.isInteger(first) || first < 1 || first > MAX_RECORD_PAGE)
            throw badUserInput(`first must be an integer from 1 to ${MAX_RECORD_PAGE}`, { argument: 'first' });
          if (after !== null && after !== undefined && !isPlainText(after, INPUT_LIMITS.localId))
            throw badUserInput('after is not a valid position', { argument: 'after' });
          return guard(code, () => adapter.listApplicants(after ?? null, first));
        },
      },
      _PermitItem: {
        cursor: (item: { appliedAt: string | null; localId: string }) => encodePermitPosition(item),
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

/**
 * Adapter failures become the coded GraphQL error clients see; the cause stays in the log. A request
 * the department's system refused as malformed is the caller's: BAD_USER_INPUT naming the department.
 */
async function guard<T>(department: string, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof AdapterError) throw departmentUnavailable(department, error.reason);
    if (error instanceof AdapterInputError) throw badUserInput(error.message, { department });
    throw error;
  }
}
