import type { Subschema } from '@graphql-tools/delegate';
import type { GraphQLResolveInfo } from 'graphql';
import { badUserInput, decodePermitPosition, INPUT_LIMITS, isPlainText, type PermitStatus } from '../../schema/index.js';
import type { HubContext } from '../hub-context.js';
import { type ListArgs, type ListedItems, resolveCrossDepartmentList } from './cross-department-list.js';
import type { PageRequests } from './page-requests.js';

export interface PermitFilterInput {
  departmentCodes?: string[] | null;
  statuses?: PermitStatus[] | null;
  applicantId?: string | null;
  serviceItemCodes?: string[] | null;
  appliedFrom?: string | null;
  appliedTo?: string | null;
}

export type PermitListArgs = ListArgs<PermitFilterInput>;

/**
 * The permits as a cross-department list: `permits`, `Applicant.permits`, read from each department's
 * `_permitPages`.
 */
export const PERMITS: ListedItems<PermitFilterInput> = {
  cursorKind: 'permits',
  types: { connection: 'PermitConnection', edge: 'PermitEdge', node: 'Permit', pageInfo: 'PageInfo' },
  pagesField: '_permitPages',
  itemField: 'permit',
  checkFilter: checkedFilter,
  filterKey: (filter) => [filter.departmentCodes, filter.statuses, filter.serviceItemCodes, filter.appliedFrom, filter.appliedTo, filter.applicantId],
  includes: (filter, department) => !filter.departmentCodes || filter.departmentCodes.includes(department),
  departmentQuery: (filter, first, after, applicantLocalIds) => ({
    first,
    after,
    statuses: filter.statuses ?? null,
    serviceItemCodes: filter.serviceItemCodes ?? null,
    appliedFrom: filter.appliedFrom ?? null,
    appliedTo: filter.appliedTo ?? null,
    applicantLocalIds,
  }),
  isPosition: (position) => {
    try {
      decodePermitPosition(position);
      return true;
    } catch {
      return false;
    }
  },
};

/**
 * One page of permits across departments (`resolveCrossDepartmentList` over `PERMITS`): merge-sorted
 * by (appliedAt desc, department, local id), a cursor holding every department's position, partial
 * results with coded errors. `scope` restricts it to given department-local applicant ids.
 *
 * @example
 * return resolvePermitList(departments, pageRequests, args, null, context, info);
 */
export function resolvePermitList(
  departments: ReadonlyMap<string, Subschema>,
  pageRequests: PageRequests,
  args: PermitListArgs,
  scope: Map<string, string[]> | null,
  context: HubContext,
  info: GraphQLResolveInfo,
) {
  return resolveCrossDepartmentList(PERMITS, departments, pageRequests, args, scope, context, info);
}

/**
 * The filter with every value checked before any department is asked: known department codes, at
 * most `INPUT_LIMITS.listItems` plain service-item codes (dates and statuses are checked by their
 * scalar and enum). Lists are deduplicated, so a repeated value costs nothing downstream.
 */
function checkedFilter(filter: PermitFilterInput, departments: ReadonlyMap<string, unknown>): PermitFilterInput {
  const checked: PermitFilterInput = { ...filter };
  if (filter.departmentCodes) {
    for (const code of filter.departmentCodes) {
      if (!departments.has(code))
        throw badUserInput(`unknown department code ${JSON.stringify(code.slice(0, INPUT_LIMITS.code))}`, { argument: 'filter.departmentCodes' });
    }
    checked.departmentCodes = [...new Set(filter.departmentCodes)];
  }
  if (filter.statuses) checked.statuses = [...new Set(filter.statuses)];
  if (filter.serviceItemCodes) {
    const codes = filter.serviceItemCodes;
    if (codes.length > INPUT_LIMITS.listItems || !codes.every((c) => isPlainText(c, INPUT_LIMITS.code))) {
      throw badUserInput(`filter.serviceItemCodes must be at most ${INPUT_LIMITS.listItems} codes of 1 to ${INPUT_LIMITS.code} printable characters`, {
        argument: 'filter.serviceItemCodes',
      });
    }
    checked.serviceItemCodes = [...new Set(codes)];
  }
  return checked;
}
