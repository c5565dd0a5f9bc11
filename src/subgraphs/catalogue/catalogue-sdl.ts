import { INPUT_LIMITS } from '../../schema/input-limits.js';
import { constraintDirectiveSdl, pageInfoSdl, powerCategorySdl, scalarsSdl } from '../../schema/sdl/common.js';

const { code, cursor, search } = INPUT_LIMITS;

/** The bureau's catalogue subgraph: departments, service items, statistics and disclosure items. */
export const catalogueSdl = /* GraphQL */ `
  ${scalarsSdl}
  ${powerCategorySdl}
  ${pageInfoSdl}
  ${constraintDirectiveSdl}

  "A district department that owns an approval system. 部门/委办局"
  type Department {
    "Stable code: market, housing, health, bureau, … 部门代码"
    code: String!
    "Official name. 部门名称"
    name: String!
    "When the hub last read the department's applicant records. 最近同步时间"
    lastSyncedAt: DateTime
    "The freshness bound of this department's permit totals, in seconds: a list's totalCount (not one narrowed to applicants) may be up to this old; its pages are always read live. Null: counted with every page. 总数时效(秒)"
    totalsMaxAgeSeconds: Int
  }

  "A catalogued government service with its legal limits. 政务服务事项"
  type ServiceItem {
    "Globally unique opaque id. 全局标识"
    id: ID!
    "Catalogue code. 事项编码"
    code: String!
    "Name. 事项名称"
    name: String!
    "The department that handles it. 实施部门"
    department: Department!
    "Category in the power-and-responsibility list. 权力类别"
    category: PowerCategory!
    "Working days the law allows; null where the law sets none. 法定时限(工作日)"
    statutoryDays: Int
    "Working days the department promises (at most the statutory limit). 承诺时限(工作日)"
    committedDays: Int
    "Decided on the spot when the papers are complete. 即办件"
    instant: Boolean!
    "Legal basis. 设定依据"
    legalBasis: String
  }

  "An edge of a service-item list. 事项列表边"
  type ServiceItemEdge {
    "The item. 事项"
    node: ServiceItem!
    "Position to pass as after. 游标"
    cursor: String!
  }

  "A page of service items. 事项分页"
  type ServiceItemConnection {
    "Items with cursors. 边"
    edges: [ServiceItemEdge!]!
    "Items alone. 节点"
    nodes: [ServiceItem!]!
    "Paging state. 分页信息"
    pageInfo: PageInfo!
    "Items matching the filter, all pages. 总数"
    totalCount: Int!
  }

  "Filters for service items. 事项筛选"
  input ServiceItemFilter {
    "Only this department's items; at most ${code} characters. 部门代码"
    departmentCode: String @constraint(maxLength: ${code})
    "Only this category. 权力类别"
    category: PowerCategory
    "Only instant (or only non-instant) items. 是否即办"
    instant: Boolean
    "Name or code contains this text; at most ${search} characters. 关键词"
    search: String @constraint(maxLength: ${search})
  }

  "Time-limit figures over a set of service items, as the annual report computes them. 事项时限统计"
  type ServiceItemStats {
    "Items counted. 事项数"
    itemCount: Int!
    "Instant items among them. 即办件数"
    instantCount: Int!
    "instantCount / itemCount, between 0 and 1 (0 when there are no items). 即办率"
    instantRate: Float!
    "(Σ statutory − Σ committed) / Σ statutory over items with a statutory limit, between 0 and 1; an instant item's committed limit counts as instantCountsAsDays. No official formula is published: this is the hub's. Null when no item has a statutory limit. 时限压缩率"
    compressionRate: Float
    "Items that have a statutory limit (the compression rate's base). 有法定时限的事项数"
    itemsWithStatutoryLimit: Int!
  }

  "Proactive or on-request disclosure. 公开方式"
  enum DisclosureMode {
    "Published on the government's own initiative. 主动公开"
    PROACTIVE
    "Released on an applicant's request. 依申请公开"
    ON_REQUEST
  }

  "A published government information item. 政府信息公开条目"
  type DisclosureItem {
    "Globally unique opaque id. 全局标识"
    id: ID!
    "Title. 标题"
    title: String!
    "Category, e.g. 政策文件, 规划计划. 信息类别"
    category: String!
    "The department that published it. 发布部门"
    publisher: Department!
    "When it was published. 发布时间"
    publishedAt: DateTime!
    "Text. 正文"
    body: String!
    "Proactive or on request. 公开方式"
    mode: DisclosureMode!
    "Where it matches filter.search: the title and a snippet of the body, the searched words marked; null when the list was not searched. 命中高亮"
    highlight: DisclosureHighlight
  }

  "A piece of text, marked when it is one of the searched words; render it as you like (no markup is mixed in). 文本片段"
  type TextSpan {
    "The text. 文本"
    text: String!
    "Whether it is a searched word. 是否命中"
    matched: Boolean!
  }

  "Where a disclosure item matches a search. 命中高亮"
  type DisclosureHighlight {
    "The whole title, in spans. 标题"
    title: [TextSpan!]!
    "Up to 80 characters of the body around the first match, in spans; an ellipsis marks a cut. 正文摘要"
    snippet: [TextSpan!]!
  }

  "How a disclosure list is ordered. 公开条目排序"
  enum DisclosureOrder {
    "Newest first. 最新优先"
    NEWEST
    "Best match for filter.search first (title words weigh most), then newest; newest first when not searching. 相关度优先"
    RELEVANCE
  }

  "An edge of a disclosure list. 公开条目边"
  type DisclosureItemEdge {
    "The item. 条目"
    node: DisclosureItem!
    "Position to pass as after. 游标"
    cursor: String!
  }

  "A page of disclosure items, newest first. 公开条目分页"
  type DisclosureItemConnection {
    "Items with cursors. 边"
    edges: [DisclosureItemEdge!]!
    "Items alone. 节点"
    nodes: [DisclosureItem!]!
    "Paging state. 分页信息"
    pageInfo: PageInfo!
    "Items matching the filter, all pages. 总数"
    totalCount: Int!
  }

  "Filters for disclosure items. 公开条目筛选"
  input DisclosureItemFilter {
    "Words the title or body must all contain (Chinese is cut into words; one character finds the words it is part of); at most ${search} characters. 关键词"
    search: String @constraint(maxLength: ${search})
    "Only this category; at most ${code} characters. 信息类别"
    category: String @constraint(maxLength: ${code})
    "Only this publisher's items; at most ${code} characters. 发布部门代码"
    publisherCode: String @constraint(maxLength: ${code})
    "Only this mode. 公开方式"
    mode: DisclosureMode
    "Published at or after. 起始时间"
    publishedFrom: DateTime
    "Published at or before. 截止时间"
    publishedTo: DateTime
  }

  "Entry points of the data-sharing hub. 查询入口"
  type Query {
    "Every department in the hub's registry. 部门列表"
    departments: [Department!]!
    "The service-item catalogue. 政务服务事项目录"
    serviceItems(
      "Which items. 筛选条件"
      filter: ServiceItemFilter
      "Page size, 0 to 200. 每页条数"
      first: Int = 20
      "Continue after this cursor (a previous page's endCursor); at most ${cursor} characters. 游标"
      after: String @constraint(maxLength: ${cursor})
    ): ServiceItemConnection!
    "Instant rate and time-limit compression over the catalogue; the report's 71.79 % is over LICENSING items only. 即办率与时限压缩率"
    serviceItemStats(
      "Only this department's items; at most ${code} characters. 部门代码"
      departmentCode: String @constraint(maxLength: ${code})
      "Only this category. 权力类别"
      category: PowerCategory
      "Working days an instant item's committed limit counts as, 0 to 60. 即办件折算天数"
      instantCountsAsDays: Int = 0
    ): ServiceItemStats!
    "Government information disclosure items, newest first unless ordered by relevance. 政府信息公开"
    disclosureItems(
      "Which items. 筛选条件"
      filter: DisclosureItemFilter
      "Page size, 0 to 200. 每页条数"
      first: Int = 20
      "Continue after this cursor (a previous page's endCursor, in the same order); at most ${cursor} characters. 游标"
      after: String @constraint(maxLength: ${cursor})
      "Newest first (the default), or best match first. 排序"
      orderBy: DisclosureOrder = NEWEST
    ): DisclosureItemConnection!
    _departmentsByCodes(codes: [String!]!): [Department]!
    _serviceItemsByCodes(codes: [String!]!): [ServiceItem]!
  }
`;
