import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { parse } from 'graphql';
import { badUserInput, MAX_PAGE_SIZE } from '../../schema/index.js';
import { pageInfoSdl } from '../../schema/sdl/common.js';
import { departmentSdl } from '../department/department-sdl.js';
import type { Subgraph } from '../subgraph.js';
import { type Info, protocolResolvers, unwrap } from './protocol-resolvers.js';
import { FEDERATION_LINK, publicSdl } from './public-sdl.js';

/**
 * The root-field prefix of a department in a supergraph: its code with dashes as underscores (codes
 * hold no underscore, so two departments never share one), e.g. `market` → `market_permits`.
 */
export const departmentField = (code: string) => code.replaceAll('-', '_');

/**
 * The prefix of a department's own types in a supergraph: its code in PascalCase (dashes mark the
 * capitals, so it stays unique), e.g. `city-mgmt` → `CityMgmt` → `CityMgmtPermit`.
 */
export const departmentTypePrefix = (code: string) =>
  code
    .split('-')
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join('');

const PAGE_ARGS = `"Which permits. 筛选条件"
    filter: DepartmentPermitFilter
    "Page size, 0 to 200. 每页条数"
    first: Int = 20
    "Continue after this cursor (a previous page's endCursor). 游标"
    after: String`;

/**
 * The federated SDL of one department: the hub's Permit as the department's own entity type
 * (`MarketPermit`, keyed by `id`), and its root fields, named after the department, so departments with
 * identical schemas compose without colliding. A type of its own, not one Permit shared by every
 * department: a query planner may send an entity to any subgraph that declares its key, and a
 * department can answer only for its own permits.
 *
 * @example
 * departmentFederationSdl('market'); // Query { market_permits(…), market_permit(id) }, Applicant { market_permits(…) }, MarketPermit
 */
export function departmentFederationSdl(code: string): string {
  const field = departmentField(code);
  const type = departmentTypePrefix(code);
  return /* GraphQL */ `
  ${FEDERATION_LINK}
  ${publicSdl(departmentSdl, {
    types: ['DateTime', 'Date', 'PermitStatus', 'Department', 'ServiceItem', 'Permit'],
    protocolFields: ['Permit._applicantKey'],
    directives: {
      Department: '@key(fields: "code", resolvable: false)',
      ServiceItem: '@key(fields: "code", resolvable: false)',
      Permit: '@key(fields: "id")',
      // The identity subgraph reads it (@requires) to link the applicant; no client may.
      'Permit._applicantKey': '@inaccessible',
    },
    rename: { Permit: `${type}Permit` },
  })}
  ${publicSdl(pageInfoSdl, { types: ['PageInfo'], directives: { PageInfo: '@shareable' } })}

  "An edge of the ${code} department's permit list. 部门办件列表边"
  type ${type}PermitEdge {
    "The permit. 办件"
    node: ${type}Permit!
    "Position in this department's list; pass it as after. 游标"
    cursor: String!
  }

  "A page of the ${code} department's permits, newest application first. 部门办件分页"
  type ${type}PermitConnection {
    "Permits with cursors. 边"
    edges: [${type}PermitEdge!]!
    "Permits alone. 节点"
    nodes: [${type}Permit!]!
    "Paging state. 分页信息"
    pageInfo: PageInfo!
    "Permits matching the filter in this department. 总数"
    totalCount: Int!
  }

  "Filters for one department's permits. 部门办件筛选"
  input DepartmentPermitFilter {
    "Only these statuses. 办件状态"
    statuses: [PermitStatus!]
    "Only these service items. 事项编码"
    serviceItemCodes: [String!]
    "Applied at or after. 申请起始时间"
    appliedFrom: DateTime
    "Applied at or before. 申请截止时间"
    appliedTo: DateTime
  }

  "An applicant, owned by the identity subgraph; this department adds its permits. 申请人"
  type Applicant @key(fields: "id") {
    id: ID!
    _recordKeys: [String!]! @external
    "This applicant's permits in the ${code} department, newest first. 申请人在本部门的办件"
    ${field}_permits(
      ${PAGE_ARGS}
    ): ${type}PermitConnection @requires(fields: "_recordKeys")
  }

  type Query {
    "The ${code} department's permits, newest application first. 本部门办件"
    ${field}_permits(
      ${PAGE_ARGS}
    ): ${type}PermitConnection!
    "A permit of the ${code} department by id; null when it is another department's or not found. 按标识查询本部门办件"
    ${field}_permit(
      "The permit's id. 办件标识"
      id: ID!
    ): ${type}Permit
  }
`;
}

interface PageArgs {
  filter?: { statuses?: string[] | null; serviceItemCodes?: string[] | null; appliedFrom?: string | null; appliedTo?: string | null } | null;
  first: number;
  after?: string | null;
}
interface ProtocolPage {
  totalCount: number;
  hasMore: boolean;
  endCursor: string | null;
  items: Array<{ appliedAt: string | null; localId: string; permit: unknown }>;
}

/**
 * A department subgraph's Federation v2 view (`_service`, `_entities`, `@key`), answered by the same
 * resolvers and per-request loaders as the hub's protocol: `Applicant.market_permits` for fifty
 * applicants is one call to the department's system, as `Applicant.permits` is through the hub.
 *
 * @example
 * const federated = federateDepartment(createDepartmentSubgraph(adapter)); // serve federated.schema
 */
export function federateDepartment(subgraph: Subgraph): Subgraph {
  const code = subgraph.name;
  const field = departmentField(code);
  const type = departmentTypePrefix(code);
  const own = protocolResolvers(subgraph.schema);
  const permitPage = own.field('Query', '_permitPage');
  const permitsByIds = own.field('Query', '_permitsByIds');
  const cursorOf = own.field('_PermitItem', 'cursor');
  const byIdLoaders = new WeakMap<object, DataLoader<string, unknown>>();

  const page = async (args: PageArgs, applicantLocalIds: string[] | undefined, context: object, info: Info) => {
    const filter = args.filter ?? {};
    const query = { ...filter, applicantLocalIds, first: args.first, after: args.after };
    const result = (await permitPage(undefined, { query }, context, info)) as ProtocolPage;
    const edges = await Promise.all(result.items.map(async (item) => ({ cursor: await cursorOf(item, {}, context, info), node: item.permit })));
    return {
      edges,
      nodes: edges.map((e) => e.node),
      totalCount: result.totalCount,
      pageInfo: { hasNextPage: result.hasMore, hasPreviousPage: false, startCursor: edges[0]?.cursor ?? null, endCursor: result.endCursor },
    };
  };
  const permitById = (context: object, info: Info) => {
    let loader = byIdLoaders.get(context);
    if (!loader) {
      loader = new DataLoader(async (ids) => (await permitsByIds(undefined, { ids }, context, info)) as unknown[], { cache: false });
      byIdLoaders.set(context, loader);
    }
    return loader;
  };
  const sdl = departmentFederationSdl(code);
  const schema = buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: {
      ...own.scalars,
      Query: {
        [`${field}_permits`]: (_: unknown, args: PageArgs, context: object, info: Info) => page(args, undefined, context ?? {}, info),
        [`${field}_permit`]: async (_: unknown, { id }: { id: string }, context: object, info: Info) => unwrap(await permitById(context ?? {}, info).load(id)),
      },
      [`${type}Permit`]: {
        ...own.fields('Permit'),
        __resolveReference: async ({ id }: { id: string }, context: object, info: Info) => unwrap(await permitById(context ?? {}, info).load(id)),
      },
      Applicant: {
        __resolveReference: (reference: { id: string; _recordKeys?: string[] }) => reference,
        [`${field}_permits`]: (applicant: { _recordKeys?: string[] }, args: PageArgs, context: object, info: Info) => {
          const prefix = `${code}:`;
          const localIds = (applicant._recordKeys ?? []).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
          // An applicant with no record here has no permit here: the department's system is not asked.
          if (localIds.length === 0) {
            if (!Number.isInteger(args.first) || args.first < 0 || args.first > MAX_PAGE_SIZE) throw badUserInput('first out of range', { argument: 'first' });
            return { edges: [], nodes: [], totalCount: 0, pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null } };
          }
          return page(args, localIds, context ?? {}, info);
        },
      },
    } as never,
  });
  return { name: code, sdl, schema };
}
