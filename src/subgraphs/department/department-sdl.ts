import { departmentStubSdl, permitStatusSdl, scalarsSdl, shareDirectiveSdl } from '../../schema/sdl/common.js';

/**
 * The SDL every department subgraph ships, whatever its adapter. Fields starting with `_` are the
 * gateway's protocol (pages, batches, sync) and are removed from the public schema.
 */
export const departmentSdl = /* GraphQL */ `
  ${scalarsSdl}
  ${permitStatusSdl}
  ${departmentStubSdl}
  ${shareDirectiveSdl}

  "A catalogued service; the catalogue subgraph owns its fields. 政务服务事项"
  type ServiceItem {
    "Catalogue code of the item. 事项编码"
    code: String!
  }

  "One application case and its outcome in a department's approval system. 许可/审批件/办件"
  type Permit {
    "Globally unique opaque id. 全局标识"
    id: ID! @share(level: OPEN)
    "The department whose system holds the case. 办理部门"
    department: Department! @share(level: OPEN)
    "The catalogued service applied for. 政务服务事项"
    serviceItem: ServiceItem @share(level: OPEN)
    "Title of the permit or case. 许可名称/项目名称"
    title: String! @share(level: OPEN)
    "Unified status. 办件状态"
    status: PermitStatus! @share(level: OPEN)
    "The department's own status code or text, verbatim; not shared outside the department (stewards excepted). 原始状态"
    rawStatus: String @share(level: NONE)
    "When the application was received or accepted. 申请/受理时间"
    appliedAt: DateTime @share(level: OPEN)
    "When it was decided. 决定时间"
    decidedAt: DateTime @share(level: OPEN)
    "Last day of validity of the permit granted. 有效期至"
    validUntil: Date @share(level: OPEN)
    "Working days the law allows. 法定时限(工作日)"
    statutoryDays: Int @share(level: OPEN)
    "Working days the department promises. 承诺时限(工作日)"
    committedDays: Int @share(level: OPEN)
    "Working days it actually took. 实际用时(工作日)"
    actualDays: Int @share(level: OPEN)
    _applicantKey: String
  }

  input _PermitQuery {
    applicantLocalIds: [String!]
    statuses: [PermitStatus!]
    serviceItemCodes: [String!]
    appliedFrom: DateTime
    appliedTo: DateTime
    after: String
    first: Int!
  }

  type _PermitPage {
    totalCount: Int!
    hasMore: Boolean!
    "Position after the last row read (bad rows included)."
    endCursor: String
    items: [_PermitItem!]!
  }

  type _PermitItem {
    cursor: String!
    appliedAt: DateTime
    localId: String!
    permit: Permit!
  }

  type _ApplicantIdentifier {
    value: String!
    claimedType: String
  }

  type _ApplicantRecord {
    localId: String!
    kind: String
    name: String!
    identifiers: [_ApplicantIdentifier!]!
    phone: String
    address: String
  }

  type _DepartmentHealth {
    circuit: String!
    lastErrorReason: String
    lastErrorAt: DateTime
    lastSuccessAt: DateTime
  }

  type _ApplicantRecordPage {
    records: [_ApplicantRecord!]!
    next: String
  }

  "Entry points of the data-sharing hub. 查询入口"
  type Query {
    _permitPage(query: _PermitQuery!): _PermitPage!
    "Several pages in one request, answered by one adapter call; an entry is null (with its error) when its query is invalid or the system fails."
    _permitPages(queries: [_PermitQuery!]!): [_PermitPage]!
    _permitsByIds(ids: [ID!]!): [Permit]!
    "Items by local id, in order (null when not found): the ones this request's pages already read come from memory, the rest from one call."
    _permitItems(localIds: [String!]!): [_PermitItem]!
    "The permits themselves, as _permitItems finds them: for a list whose client reads them in one place only."
    _permitsByLocalIds(localIds: [String!]!): [Permit]!
    _applicantRecords(after: String, first: Int!): _ApplicantRecordPage!
    _health: _DepartmentHealth!
  }
`;
