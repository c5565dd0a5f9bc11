import { createHash } from 'node:crypto';
import { delegateToSchema, getSubschema, getUnpathedErrors, resolveExternalValue, type Subschema } from '@graphql-tools/delegate';
import { GraphQLError, OperationTypeNode, responsePathAsArray, type GraphQLObjectType, type GraphQLResolveInfo } from 'graphql';
import { classifyFailure } from '../adapters/core/adapter-error.js';
import { badUserInput, decodeCursor, departmentUnavailable, encodeCursor, ErrorCode, pageSize, type PermitStatus } from '../schema/index.js';
import { field, fields, nodeSelections } from './delegated-selection.js';
import type { HubContext } from './hub-context.js';

export interface PermitFilterInput {
  departmentCodes?: string[] | null;
  statuses?: PermitStatus[] | null;
  applicantId?: string | null;
  serviceItemCodes?: string[] | null;
  appliedFrom?: string | null;
  appliedTo?: string | null;
}

export interface PermitListArgs {
  filter?: PermitFilterInput | null;
  first?: number | null;
  after?: string | null;
}

/** Each department's position in the merged order; `f` ties the cursor to the filter it was made for. */
interface ListCursor {
  f: string;
  p: Record<string, string | null>;
}

interface PageItem {
  department: string;
  cursor: string;
  appliedAt: string | null;
  localId: string;
  edgeNode: unknown;
  listNode: unknown;
}

interface DepartmentPage {
  department: string;
  totalCount: number;
  hasMore: boolean;
  endCursor: string | null;
  items: PageItem[];
}

const CURSOR_KIND = 'permits';

/**
 * One page of permits across departments: every department is asked once (batched with its siblings
 * by the stitching executor), the pages are merge-sorted by (appliedAt desc, department, local id), and
 * the cursor carries each department's own position, so paging is stable and complete. A department
 * that fails leaves its position unchanged and adds a DEPARTMENT_UNAVAILABLE error; the rest answers.
 *
 * `scope` restricts the list to given department-local applicant ids (for `Applicant.permits` and the
 * `applicantId` filter); a department absent from it is not asked at all.
 */
export async function resolvePermitList(
  departments: ReadonlyMap<string, Subschema>,
  pageType: GraphQLObjectType,
  args: PermitListArgs,
  scope: Map<string, string[]> | null,
  context: HubContext,
  info: GraphQLResolveInfo,
) {
  const first = pageSize(args.first);
  const filter = args.filter ?? {};
  for (const code of filter.departmentCodes ?? []) {
    if (!departments.has(code)) throw badUserInput(`unknown department code ${JSON.stringify(code)}`, { argument: 'filter.departmentCodes' });
  }
  const fingerprint = createHash('sha256')
    .update(JSON.stringify([filter.departmentCodes, filter.statuses, filter.serviceItemCodes, filter.appliedFrom, filter.appliedTo, filter.applicantId, scope && [...scope]]))
    .digest('base64url')
    .slice(0, 12);
  const positions: Record<string, string | null> = {};
  if (args.after) {
    const cursor = decodeCursor<ListCursor>(args.after, CURSOR_KIND);
    if (cursor.f !== fingerprint || typeof cursor.p !== 'object' || cursor.p === null) {
      throw badUserInput('after was made for a different list or filter', { argument: 'after' });
    }
    Object.assign(positions, cursor.p);
  }

  const targets = [...departments.keys()].filter(
    (code) => (!filter.departmentCodes || filter.departmentCodes.includes(code)) && (!scope || scope.has(code)),
  );
  const connectionType = info.schema.getType('PermitConnection') as GraphQLObjectType;
  const { fromEdges, fromNodes } = nodeSelections(info, connectionType, info.schema.getType('PermitEdge') as GraphQLObjectType);
  const pageField = field(
    '_permitPage',
    fields(
      field('totalCount'),
      field('hasMore'),
      field('endCursor'),
      field('items', fields(field('cursor'), field('appliedAt'), field('localId'), fromEdges && field('permit', fromEdges, 'e'), fromNodes && field('permit', fromNodes, 'n'))),
    ),
  );
  const permitType = info.schema.getType('Permit') as GraphQLObjectType;

  const pages = await Promise.all(
    targets.map(async (department): Promise<DepartmentPage | null> => {
      const subschema = departments.get(department)!;
      const query = {
        first,
        after: positions[department] ?? null,
        statuses: filter.statuses ?? null,
        serviceItemCodes: filter.serviceItemCodes ?? null,
        appliedFrom: filter.appliedFrom ?? null,
        appliedTo: filter.appliedTo ?? null,
        applicantLocalIds: scope?.get(department) ?? null,
      };
      let result: any;
      try {
        result = await delegateToSchema({
          schema: subschema,
          operation: OperationTypeNode.QUERY,
          fieldName: '_permitPage',
          args: { query },
          fieldNodes: [pageField],
          returnType: pageType,
          context,
          info,
        });
      } catch (error) {
        result = error;
      }
      if (!result || result instanceof Error) {
        context.departmentErrors.push(asDepartmentError(department, result, info));
        return null;
      }
      const owner = getSubschema(result, 'items');
      const errors = getUnpathedErrors(result);
      const wrap = (value: unknown) => (value === undefined ? undefined : resolveExternalValue(value, errors, owner, context, info, permitType));
      return {
        department,
        totalCount: result.totalCount,
        hasMore: result.hasMore,
        endCursor: result.endCursor,
        items: (result.items as any[]).map((item) => ({
          department,
          cursor: item.cursor,
          appliedAt: item.appliedAt,
          localId: item.localId,
          edgeNode: wrap(item.e),
          listNode: wrap(item.n),
        })),
      };
    }),
  );

  const answered = pages.filter((p): p is DepartmentPage => p !== null);
  const merged = answered.flatMap((p) => p.items).sort(compareItems).slice(0, first);
  const taken = new Map<string, number>();
  for (const item of merged) taken.set(item.department, (taken.get(item.department) ?? 0) + 1);
  const lastOf = new Map(answered.map((p) => [p.department, p]));

  const running = { ...positions };
  const edges = merged.map((item) => {
    const page = lastOf.get(item.department)!;
    const isLastOfPage = page.items[page.items.length - 1] === item && taken.get(item.department) === page.items.length;
    // After a department's last item, resume from where its read ended: past any bad rows it skipped.
    running[item.department] = isLastOfPage ? page.endCursor ?? item.cursor : item.cursor;
    return { node: item.edgeNode, listNode: item.listNode, cursor: encodeCursor(CURSOR_KIND, { f: fingerprint, p: { ...running } } satisfies ListCursor) };
  });
  const hasNextPage = answered.some((p) => p.hasMore || (taken.get(p.department) ?? 0) < p.items.length);
  return {
    edges,
    nodes: edges.map((e) => e.listNode),
    totalCount: answered.reduce((sum, p) => sum + p.totalCount, 0),
    pageInfo: {
      hasNextPage,
      hasPreviousPage: false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? (args.after ?? null),
    },
  };
}

/** appliedAt descending with missing dates last, then department, then local id by code point. */
function compareItems(a: PageItem, b: PageItem): number {
  if (a.appliedAt !== b.appliedAt) {
    if (a.appliedAt === null) return 1;
    if (b.appliedAt === null) return -1;
    const diff = Date.parse(b.appliedAt) - Date.parse(a.appliedAt);
    if (diff !== 0) return diff;
  }
  if (a.department !== b.department) return a.department < b.department ? -1 : 1;
  return a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0;
}

/** The coded error for a department that failed a delegation, located at the list field. */
export function asDepartmentError(department: string, failure: unknown, info: GraphQLResolveInfo): GraphQLError {
  const original = failure instanceof GraphQLError ? failure : null;
  const coded = findDepartmentError(original);
  const base = coded ?? departmentUnavailable(department, classifyFailure(failure, false));
  return new GraphQLError(base.message, { path: responsePathAsArray(info.path), extensions: base.extensions });
}

function findDepartmentError(error: GraphQLError | null): GraphQLError | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof GraphQLError && current.extensions?.code === ErrorCode.DEPARTMENT_UNAVAILABLE) return current;
    const e = current as { originalError?: unknown; errors?: unknown[] };
    current = e.originalError ?? e.errors?.[0];
  }
  return null;
}
