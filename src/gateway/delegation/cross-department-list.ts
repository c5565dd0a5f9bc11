import { phasesOf } from '../../subgraphs/phase-context.js';
import { createHash } from 'node:crypto';
import { getSubschema, getUnpathedErrors, resolveExternalValue, type Subschema } from '@graphql-tools/delegate';
import {
  GraphQLError,
  responsePathAsArray,
  type FieldNode,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type SelectionNode,
  type SelectionSetNode,
} from 'graphql';
import { classifyFailure } from '../../adapters/core/adapter-error.js';
import { badUserInput, decodeCursor, departmentUnavailable, encodeCursor, ErrorCode, pageSize } from '../../schema/index.js';
import { field, fields, nodeSelections } from './delegated-selection.js';
import type { HubContext } from '../hub-context.js';
import type { DepartmentPageQuery, PageRequests } from './page-requests.js';
import { directiveVariables } from './prepared-delegation.js';

/**
 * What a cross-department list lists, so one merge serves every such list: the permits today
 * (`permit-lists.ts`); disclosure items or service items across departments would be another. Each
 * department answers a `pagesField` page whose items carry `cursor`, `appliedAt`, `localId` and the
 * listed object under `itemField`; the pages are merged by (appliedAt desc, department, local id).
 *
 * @example
 * const PERMITS: ListedItems<PermitFilterInput> = { cursorKind: 'permits', types: { connection: 'PermitConnection', … }, … };
 */
export interface ListedItems<Filter> {
  /** The cursor's kind, so a cursor made by one list is refused by another. */
  cursorKind: string;
  /** The public types: the connection, its edge and node types, and the page info. */
  types: { connection: string; edge: string; node: string; pageInfo: string };
  /** The subgraph field each department's page is read from, and the item field holding the listed object. */
  pagesField: string;
  itemField: string;
  /** The filter with every value checked before any department is asked; throws BAD_USER_INPUT. */
  checkFilter(filter: Filter, departments: ReadonlyMap<string, unknown>): Filter;
  /** The filter's values a cursor is tied to: a cursor made under another filter is refused. */
  filterKey(filter: Filter): unknown[];
  /** Whether the filter leaves this department in the list (before the scope). */
  includes(filter: Filter, department: string): boolean;
  /** What one department is asked for. */
  departmentQuery(filter: Filter, first: number, after: string | null, applicantLocalIds: readonly string[] | null): DepartmentPageQuery;
  /** Whether a department's position in a cursor is well-formed. */
  isPosition(position: string): boolean;
}

/** The arguments every cross-department list takes. */
export interface ListArgs<Filter> {
  filter?: Filter | null;
  first?: number | null;
  after?: string | null;
}

/** Each department's position in the merged order; `f` ties the cursor to the filter it was made for. */
interface ListCursor {
  f: string;
  p: Record<string, string | null>;
}

/** One department's item as delivered: its permit selections still raw until it survives the merge. */
interface PageItem {
  department: string;
  /** The department's own position after this item; null when the client reads no cursor. */
  cursor: string | null;
  appliedAt: string | null;
  /** `appliedAt` as epoch ms (NaN when missing), parsed once for sorting. */
  appliedMs: number;
  localId: string;
  page: DepartmentPage;
  e: unknown;
  n: unknown;
  /** Two steps: the external `_PermitItem` the second step brought (its subschema and errors wrap e and n). */
  fetched?: object;
  /** Two steps, one place read: the second step brought the listed object itself, already external. */
  direct?: boolean;
}

interface DepartmentPage {
  department: string;
  totalCount: number;
  hasMore: boolean;
  endCursor: string | null;
  items: PageItem[];
  /** Wraps a raw permit of this page for the gateway's resolvers (stitching's external value). */
  wrap: (value: unknown) => unknown;
  /** In-process department: the page carries keys only; kept items are fetched in a second step. */
  twoSteps: boolean;
  subschema: Subschema;
}

/** What one list field asks of every department: the `pagesField` selection, built once per client selection. */
interface ListSelection {
  fieldNodes: readonly FieldNode[];
  fromEdges: readonly SelectionNode[] | null;
  fromNodes: readonly SelectionNode[] | null;
  cursors: boolean;
  pageField: FieldNode;
  /** For two steps: the page without the listed objects' selections, and the item selection of the second step. */
  keysPageField: FieldNode;
  itemSelection: SelectionSetNode | null;
  /** For two steps when the client reads the listed objects under edges or under nodes, not both: that selection. */
  directSelection: { key: 'e' | 'n'; selection: SelectionSetNode } | null;
}

/**
 * By operation and list field: the selections seen so far (they differ only through @skip/@include with
 * variables). Apollo reuses one parsed document per query, so a selection — and the subgraph document
 * planned for it — is built once, not on every request.
 */
const selections = new WeakMap<OperationDefinitionNode, WeakMap<FieldNode, ListSelection[]>>();

const sameNodes = (a: readonly SelectionNode[] | null, b: readonly SelectionNode[] | null) =>
  a === b || (a !== null && b !== null && a.length === b.length && a.every((n, i) => n === b[i]));

function listSelection(listed: ListedItems<unknown>, info: GraphQLResolveInfo): ListSelection {
  let byField = selections.get(info.operation);
  if (!byField) selections.set(info.operation, (byField = new WeakMap()));
  let seen = byField.get(info.fieldNodes[0]!);
  if (!seen) byField.set(info.fieldNodes[0]!, (seen = []));
  // Without @skip/@include on variables the selection is the same for every request of the operation:
  // no need to collect it again (a nested list does this once per parent).
  if (seen.length && directiveVariables(info).length === 0) {
    const known = seen.find((s) => sameNodes(s.fieldNodes, info.fieldNodes));
    if (known) return known;
  }
  const schema = info.schema;
  const found = nodeSelections(
    info,
    schema.getType(listed.types.connection) as GraphQLObjectType,
    schema.getType(listed.types.edge) as GraphQLObjectType,
    schema.getType(listed.types.pageInfo) as GraphQLObjectType,
  );
  const fromEdges = found.fromEdges?.selections ?? null;
  const fromNodes = found.fromNodes?.selections ?? null;
  const hit = seen.find(
    (s) => s.cursors === found.cursors && sameNodes(s.fieldNodes, info.fieldNodes) && sameNodes(s.fromEdges, fromEdges) && sameNodes(s.fromNodes, fromNodes),
  );
  if (hit) return hit;
  const permitFields = [found.fromEdges && field(listed.itemField, found.fromEdges, 'e'), found.fromNodes && field(listed.itemField, found.fromNodes, 'n')];
  const page = (withPermits: boolean) =>
    field(
      listed.pagesField,
      fields(
        field('totalCount'),
        field('hasMore'),
        found.cursors ? field('endCursor') : null,
        field('items', fields(found.cursors ? field('cursor') : null, field('appliedAt'), field('localId'), ...(withPermits ? permitFields : []))),
      ),
    );
  const selection: ListSelection = {
    fieldNodes: info.fieldNodes,
    fromEdges,
    fromNodes,
    cursors: found.cursors,
    pageField: page(true),
    keysPageField: page(false),
    itemSelection: found.fromEdges || found.fromNodes ? fields(...permitFields) : null,
    directSelection:
      found.fromEdges && !found.fromNodes
        ? { key: 'e', selection: found.fromEdges }
        : found.fromNodes && !found.fromEdges
          ? { key: 'n', selection: found.fromNodes }
          : null,
  };
  // A handful of @skip/@include combinations at most; the bound only guards against the pathological.
  if (seen.length < 16) seen.push(selection);
  return selection;
}

/** What a list is asked, checked: the page size, the filter, and each department's position from `after`. */
interface ListRequest<Filter> {
  first: number;
  filter: Filter;
  /** The filter (and scope) a cursor is tied to; computed only when a cursor is read or written. */
  fingerprint: () => string;
  positions: Record<string, string | null>;
}

/**
 * One page of listed items across departments: every department is asked once (batched with its
 * siblings by the stitching executor), the pages are merge-sorted by (appliedAt desc, department, local
 * id), and the cursor carries each department's own position, so paging is stable and complete. A
 * department that fails leaves its position unchanged and adds a DEPARTMENT_UNAVAILABLE error; the rest answers.
 *
 * `scope` restricts the list to given department-local applicant ids (for `Applicant.permits` and the
 * `applicantId` filter); a department absent from it is not asked at all.
 *
 * @example
 * return resolveCrossDepartmentList(PERMITS, departments, pageRequests, args, null, context, info);
 */
export async function resolveCrossDepartmentList<Filter>(
  listed: ListedItems<Filter>,
  departments: ReadonlyMap<string, Subschema>,
  pageRequests: PageRequests,
  args: ListArgs<Filter>,
  scope: Map<string, string[]> | null,
  context: HubContext,
  info: GraphQLResolveInfo,
) {
  const request = checkedRequest(listed, departments, args, scope);
  const targets = [...departments.keys()].filter((code) => listed.includes(request.filter, code) && (!scope || scope.has(code)));
  const selection = listSelection(listed as ListedItems<unknown>, info);
  const nodeType = info.schema.getType(listed.types.node) as GraphQLObjectType;
  const pages = await Promise.all(
    targets.map((department) =>
      askDepartment(listed, department, departments.get(department)!, request, scope, selection, pageRequests, context, info, nodeType),
    ),
  );
  const { answered, merged } = await mergePages(
    pages.filter((p): p is DepartmentPage => p !== null),
    request.first,
    pageRequests,
    selection,
    context,
    info,
  );
  const phases = phasesOf(context);
  const start = phases ? performance.now() : 0;
  const result = connection(listed, answered, merged, request, selection, args.after, context, info, nodeType);
  if (phases) phases.add('merge', performance.now() - start);
  return result;
}

/** The page size, the checked filter and the positions `after` holds; BAD_USER_INPUT for a bad filter or cursor. */
function checkedRequest<Filter>(
  listed: ListedItems<Filter>,
  departments: ReadonlyMap<string, Subschema>,
  args: ListArgs<Filter>,
  scope: Map<string, string[]> | null,
): ListRequest<Filter> {
  const first = pageSize(args.first);
  const filter = listed.checkFilter(args.filter ?? ({} as Filter), departments);
  // Only cursors need it: computed when one is read or written (not for each of a response's nested lists).
  let fingerprintValue: string | undefined;
  const fingerprint = () =>
    (fingerprintValue ??= createHash('sha256')
      .update(JSON.stringify([...listed.filterKey(filter), scope && [...scope]]))
      .digest('base64url')
      .slice(0, 12));
  const positions: Record<string, string | null> = {};
  if (args.after) {
    const cursor = decodeCursor<unknown>(args.after, listed.cursorKind);
    if (!isListCursor(cursor, departments, listed.isPosition)) throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
    if (cursor.f !== fingerprint()) throw badUserInput('after was made for a different list or filter', { argument: 'after' });
    Object.assign(positions, cursor.p);
  }
  return { first, filter, fingerprint, positions };
}

/** One department's page from its position on; null (and a coded error on the context) when it fails. */
async function askDepartment<Filter>(
  listed: ListedItems<Filter>,
  department: string,
  subschema: Subschema,
  request: ListRequest<Filter>,
  scope: Map<string, string[]> | null,
  selection: ListSelection,
  pageRequests: PageRequests,
  context: HubContext,
  info: GraphQLResolveInfo,
  nodeType: GraphQLObjectType,
): Promise<DepartmentPage | null> {
  const query = listed.departmentQuery(request.filter, request.first, request.positions[department] ?? null, scope?.get(department) ?? null);
  // Two steps pay where most of a page is dropped by the merge: lists over whole departments (each
  // sends `first`). A list scoped to an applicant's records mostly keeps what it reads: one step.
  const twoSteps = scope === null && selection.itemSelection !== null && pageRequests.twoSteps(subschema);
  let result: any;
  try {
    result = await pageRequests.load(subschema, twoSteps ? selection.keysPageField : selection.pageField, query, context, info);
  } catch (error) {
    result = error;
  }
  if (!result || result instanceof Error) {
    context.departmentErrors.push(asDepartmentError(department, result, info));
    return null;
  }
  const owner = getSubschema(result, 'items');
  const errors = getUnpathedErrors(result);
  const page: DepartmentPage = {
    department,
    totalCount: result.totalCount,
    hasMore: result.hasMore,
    endCursor: result.endCursor ?? null,
    items: [],
    // Only the items that survive the merge are wrapped: a page of `first` from every department
    // leaves most of them out.
    wrap: (value) => (value === undefined ? undefined : resolveExternalValue(value, errors, owner, context, info, nodeType)),
    twoSteps,
    subschema,
  };
  page.items = (result.items as any[]).map((item) => ({
    department,
    cursor: item.cursor ?? null,
    appliedAt: item.appliedAt,
    appliedMs: item.appliedAt === null ? Number.NaN : Date.parse(item.appliedAt),
    localId: item.localId,
    page,
    e: item.e,
    n: item.n,
  }));
  return page;
}

/**
 * The first `first` items of the answered pages in list order. Two steps: the kept items of in-process
 * departments are fetched; a department failing here is treated as failing its page (left out, position
 * unchanged, coded error), and the merge is made again without it.
 */
async function mergePages(
  pages: DepartmentPage[],
  first: number,
  pageRequests: PageRequests,
  selection: ListSelection,
  context: HubContext,
  info: GraphQLResolveInfo,
): Promise<{ answered: DepartmentPage[]; merged: PageItem[] }> {
  let answered = pages;
  const phases = phasesOf(context);
  const merge = () => {
    const start = phases ? performance.now() : 0;
    const items = answered
      .flatMap((p) => p.items)
      .sort(compareItems)
      .slice(0, first);
    if (phases) phases.add('merge', performance.now() - start);
    return items;
  };
  let merged = merge();
  for (let round = 0; round <= answered.length; round++) {
    const failed = await fetchKeptItems(merged, pageRequests, selection, context, info);
    if (failed.size === 0) break;
    for (const [department, error] of failed) context.departmentErrors.push(asDepartmentError(department, error, info));
    answered = answered.filter((p) => !failed.has(p.department));
    merged = merge();
  }
  return { answered, merged };
}

/** The connection the client reads: edges with cursors holding every department's position, nodes, total and page info. */
function connection<Filter>(
  listed: ListedItems<Filter>,
  answered: DepartmentPage[],
  merged: PageItem[],
  request: ListRequest<Filter>,
  selection: ListSelection,
  after: string | null | undefined,
  context: HubContext,
  info: GraphQLResolveInfo,
  nodeType: GraphQLObjectType,
) {
  const taken = new Map<string, number>();
  for (const item of merged) taken.set(item.department, (taken.get(item.department) ?? 0) + 1);
  const lastOf = new Map(answered.map((p) => [p.department, p]));

  const running = { ...request.positions };
  const edges = merged.map((item) => {
    let cursor: string | null = null;
    if (selection.cursors) {
      const page = lastOf.get(item.department)!;
      const isLastOfPage = page.items[page.items.length - 1] === item && taken.get(item.department) === page.items.length;
      // After a department's last item, resume from where its read ended: past any bad rows it skipped.
      running[item.department] = isLastOfPage ? (page.endCursor ?? item.cursor) : item.cursor;
      cursor = encodeCursor(listed.cursorKind, { f: request.fingerprint(), p: { ...running } } satisfies ListCursor);
    }
    return { node: wrapItem(item, 'e', context, info, nodeType), listNode: wrapItem(item, 'n', context, info, nodeType), cursor };
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
      endCursor: edges.at(-1)?.cursor ?? after ?? null,
    },
  };
}

/**
 * Whether a decoded list cursor is one this gateway could have made: `{ f, p }` with `p` holding, for
 * registered departments only, null or a department position that `isPosition` accepts. Cursors are
 * not signed — they hold nothing a caller could not ask for with a filter — so every field is checked.
 */
function isListCursor(value: unknown, departments: ReadonlyMap<string, unknown>, isPosition: (position: string) => boolean): value is ListCursor {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const { f, p } = value as Record<string, unknown>;
  if (Object.keys(value).length !== 2 || typeof f !== 'string' || typeof p !== 'object' || p === null || Array.isArray(p)) return false;
  return Object.entries(p).every(([department, position]) => {
    if (!departments.has(department)) return false;
    if (position === null) return true;
    if (typeof position !== 'string') return false;
    return isPosition(position);
  });
}

/**
 * The second step for the kept items of two-step pages: one `_permitItems` request per department (shared
 * with the other lists of the same tick). Returns the departments that failed it, with their failure.
 */
async function fetchKeptItems(
  merged: readonly PageItem[],
  pageRequests: PageRequests,
  selection: ListSelection,
  context: HubContext,
  info: GraphQLResolveInfo,
): Promise<Map<string, unknown>> {
  const failed = new Map<string, unknown>();
  if (!selection.itemSelection) return failed;
  const wanted = new Map<DepartmentPage, PageItem[]>();
  for (const item of merged) {
    if (!item.page.twoSteps || item.fetched || item.direct) continue;
    let list = wanted.get(item.page);
    if (!list) wanted.set(item.page, (list = []));
    list.push(item);
  }
  const direct = selection.directSelection;
  await Promise.all(
    [...wanted].map(async ([page, items]) => {
      const localIds = items.map((i) => i.localId);
      const fetched = direct
        ? await pageRequests.items(page.subschema, direct.selection, localIds, context, info, true)
        : await pageRequests.items(page.subschema, selection.itemSelection!, localIds, context, info);
      const failure = fetched.find((f) => f instanceof Error || f === null);
      if (failure !== undefined) {
        failed.set(page.department, failure ?? new Error(`${page.department}: a permit of its page is gone`));
        return;
      }
      items.forEach((item, i) => {
        if (direct) {
          item[direct.key] = fetched[i];
          item.direct = true;
          return;
        }
        const external = fetched[i] as { e?: unknown; n?: unknown };
        item.fetched = external;
        item.e = external.e;
        item.n = external.n;
      });
    }),
  );
  return failed;
}

/** An item's listed object (`e` for edges, `n` for nodes) as the external value the gateway's resolvers read. */
function wrapItem(item: PageItem, key: 'e' | 'n', context: HubContext, info: GraphQLResolveInfo, nodeType: GraphQLObjectType): unknown {
  const value = item[key];
  if (item.direct) return value;
  if (!item.fetched) return item.page.wrap(value);
  if (value === undefined) return undefined;
  const external = item.fetched as Parameters<typeof getSubschema>[0];
  return resolveExternalValue(value, getUnpathedErrors(external), getSubschema(external, key), context, info, nodeType);
}

/** appliedAt descending with missing dates last, then department, then local id by code point. */
function compareItems(a: PageItem, b: PageItem): number {
  if (a.appliedAt !== b.appliedAt) {
    if (a.appliedAt === null) return 1;
    if (b.appliedAt === null) return -1;
    const diff = b.appliedMs - a.appliedMs;
    if (diff !== 0) return diff;
  }
  if (a.department !== b.department) return a.department < b.department ? -1 : 1;
  return a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0;
}

/**
 * The coded error for a department that failed a delegation, located at the list field: the
 * department's own DEPARTMENT_UNAVAILABLE, or its BAD_USER_INPUT when it refused what it was asked (the
 * caller's mistake, not the department's failure).
 */
export function asDepartmentError(department: string, failure: unknown, info: GraphQLResolveInfo): GraphQLError {
  const original = failure instanceof GraphQLError ? failure : null;
  const coded = findDepartmentError(original);
  const base = coded ?? departmentUnavailable(department, classifyFailure(failure, false));
  const extensions = base.extensions.code === ErrorCode.BAD_USER_INPUT ? { ...base.extensions, department } : base.extensions;
  return new GraphQLError(base.message, { path: responsePathAsArray(info.path), extensions });
}

const PASSED_ON = new Set<unknown>([ErrorCode.DEPARTMENT_UNAVAILABLE, ErrorCode.BAD_USER_INPUT]);

function findDepartmentError(error: GraphQLError | null): GraphQLError | null {
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth++) {
    if (current instanceof GraphQLError && PASSED_ON.has(current.extensions?.code)) return current;
    const e = current as { originalError?: unknown; errors?: unknown[] };
    current = e.originalError ?? e.errors?.[0];
  }
  return null;
}
