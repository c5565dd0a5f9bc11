import { INPUT_LIMITS } from '../../schema/input-limits.js';
import { constraintDirectiveSdl } from '../../schema/sdl/common.js';

const { code, cursor, id, listItems } = INPUT_LIMITS;
const PAGE_ARGS = `"Which permits. 筛选条件"
      filter: PermitFilter
      "Page size, 0 to 200. 每页条数"
      first: Int = 20
      "Continue after this cursor (a previous page's endCursor); at most ${cursor} characters. 游标"
      after: String @constraint(maxLength: ${cursor})`;

/** The fields only the gateway can answer: lists and links that cross departments. */
export const gatewaySdl = /* GraphQL */ `
  ${constraintDirectiveSdl}

  "An edge of a cross-department permit list. 办件列表边"
  type PermitEdge {
    "The permit. 办件"
    node: Permit!
    "Position to pass as after; carries every department's own position. 游标"
    cursor: String!
  }

  "A page of permits from every department, newest application first. 跨部门办件分页"
  type PermitConnection {
    "Permits with cursors. 边"
    edges: [PermitEdge!]!
    "Permits alone. 节点"
    nodes: [Permit!]!
    "Paging state. 分页信息"
    pageInfo: PageInfo!
    "Permits matching the filter in the departments that answered. 总数"
    totalCount: Int!
  }

  "Filters for permit lists. 办件筛选"
  input PermitFilter {
    "Only these departments; at most ${listItems} codes of at most ${code} characters. 部门代码"
    departmentCodes: [String!] @constraint(maxLength: ${code}, maxItems: ${listItems})
    "Only these statuses. 办件状态"
    statuses: [PermitStatus!]
    "Only this applicant's permits (ignored under Applicant.permits); at most ${id} characters. 申请人标识"
    applicantId: ID @constraint(maxLength: ${id})
    "Only these service items; at most ${listItems} codes of at most ${code} characters. 事项编码"
    serviceItemCodes: [String!] @constraint(maxLength: ${code}, maxItems: ${listItems})
    "Applied at or after. 申请起始时间"
    appliedFrom: DateTime
    "Applied at or before. 申请截止时间"
    appliedTo: DateTime
  }

  "State of the hub's circuit breaker for a department's system. 熔断状态"
  enum CircuitState {
    "Calls flow normally. 闭合(正常)"
    CLOSED
    "Calls fail at once after repeated failures, sparing a system that is down. 断开(快速失败)"
    OPEN
    "One probe call decides whether the system is back. 半开(探测中)"
    HALF_OPEN
  }

  "Why a department's system could not answer. 不可用原因"
  enum UnavailableReason {
    "It did not answer within the deadline. 超时"
    TIMEOUT
    "It could not be reached. 无法连接"
    UNREACHABLE
    "It answered with data that breaks its own contract. 数据异常"
    BAD_DATA
    "The circuit is open: the hub is not calling it for now. 熔断中"
    CIRCUIT_OPEN
    "It reported an error. 系统错误"
    ERROR
  }

  "A failure of a department's system. 部门系统故障"
  type DepartmentFailure {
    "Why. 原因"
    reason: UnavailableReason!
    "When. 时间"
    at: DateTime!
  }

  "Health of a department's system as the hub sees it. 部门系统健康状况"
  type DepartmentHealth {
    "Circuit breaker state. 熔断状态"
    circuit: CircuitState!
    "The last failure, if any. 最近一次故障"
    lastError: DepartmentFailure
    "The last successful call. 最近一次成功调用"
    lastSuccessAt: DateTime
  }

  extend type Department {
    "Health of the department's approval system; null for a department without one (the bureau's own data). 系统健康状况"
    health: DepartmentHealth
  }

  "Kind of consumer of the hub. 调用方类型"
  enum ConsumerKind {
    "A district department. 部门"
    DEPARTMENT
    "A public-facing portal. 门户"
    PORTAL
    "A data steward of the bureau. 数据管理员"
    STEWARD
  }

  "The authenticated caller. 当前调用方"
  type Viewer {
    "Consumer id. 调用方标识"
    id: String!
    "Consumer name. 调用方名称"
    name: String!
    "Kind of consumer. 调用方类型"
    kind: ConsumerKind!
    "The consumer's department, for department consumers. 所属部门"
    department: Department
    "The purpose code declared in the x-purpose header. 申明用途"
    purpose: String
  }

  extend type Query {
    "Who the hub takes the caller to be; null for the public (no credential). 当前调用方"
    viewer: Viewer
    "Permits across every department, merged newest first; a department that fails yields the others' permits and a DEPARTMENT_UNAVAILABLE error. 跨部门办件"
    permits(
      ${PAGE_ARGS}
    ): PermitConnection
    "A permit by id, from whichever department holds it. 按标识查询办件"
    permit(
      "The permit's id; at most ${id} characters. 办件标识"
      id: ID! @constraint(maxLength: ${id})
    ): Permit
  }

  extend type Permit {
    "The applicant, linked across departments by the identity service. 申请人"
    applicant: Applicant @share(level: OPEN)
  }

  extend type Applicant {
    "This applicant's permits in every department, merged newest first. 申请人在各部门的办件"
    permits(
      ${PAGE_ARGS}
    ): PermitConnection @share(level: OPEN, person: UNCONDITIONAL)
  }
`;
