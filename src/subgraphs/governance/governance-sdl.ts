import { INPUT_LIMITS } from '../../schema/input-limits.js';
import { constraintDirectiveSdl, departmentStubSdl, pageInfoSdl, scalarsSdl, shareDirectiveSdl } from '../../schema/sdl/common.js';

const { code, cursor, id, listItems, localId, text } = INPUT_LIMITS;
const PAGE_ARGS = (filter: string) => `"Which ones. 筛选条件"
      filter: ${filter}
      "Page size, 0 to 200. 每页条数"
      first: Int = 20
      "Continue after this cursor (a previous page's endCursor); at most ${cursor} characters. 游标"
      after: String @constraint(maxLength: ${cursor})`;
const DECISION_ARGS = (what: string) => `"${what}; at most ${id} characters. 标识"
      id: ID! @constraint(maxLength: ${id})
      "Why, for the record; at most ${text} characters. 理由"
      reason: String! @constraint(maxLength: ${text})`;

/** The governance subgraph: the purpose catalogue, conditional-sharing requests and grants, and the audit search. */
export const governanceSdl = /* GraphQL */ `
  ${scalarsSdl}
  ${departmentStubSdl}
  ${pageInfoSdl}
  ${shareDirectiveSdl}

  "A governed field, its sharing classes and the departments that provide it: whom to ask with requestAccess. 数据项及其提供部门"
  type FieldProvider {
    "Field coordinate, e.g. ApplicantRecord.phone. 数据项"
    field: String!
    "Class for data about organisations, or about no one. 共享类型"
    shareLevel: ShareLevel!
    "Class when the row concerns a natural person. 涉及自然人时的共享类型"
    personShareLevel: ShareLevel!
    "Personal data it holds, masked unless a grant allows clear text. 个人信息类别"
    personal: PersonalData
    "The departments whose systems provide it: each decides requests for its own data. 数据提供部门"
    departments: [Department!]!
  }
  ${constraintDirectiveSdl}

  "A purpose of use a consumer declares (x-purpose header) and states in a request. 用途"
  type Purpose {
    "ASCII code, e.g. LICENSING_REVIEW. 用途代码"
    code: String!
    "What the purpose is, in English and Chinese. 用途说明"
    description: String!
  }

  "State of an access request. 申请状态"
  enum AccessRequestStatus {
    "Awaiting the owning department's decision. 待审批"
    PENDING
    "Approved: a grant was created. 已同意"
    APPROVED
    "Rejected, with a reason. 已拒绝"
    REJECTED
  }

  "Which side of a request the caller is on. 申请视角"
  enum AccessRequestRole {
    "Requests the caller made. 我提出的申请"
    MINE
    "Requests the caller may decide: to its department, or every request for a steward. 待我审批的申请"
    TO_DECIDE
  }

  "Which side of a grant the caller is on. 授权视角"
  enum GrantRole {
    "Grants the caller holds. 我获得的授权"
    HELD
    "Grants the caller's department gave, or every grant for a steward. 我方给出的授权"
    GIVEN
  }

  "A consumer's request to read another department's conditional data (有条件共享申请). Due 10 working days after submission. 共享申请"
  type AccessRequest {
    "Opaque id. 标识"
    id: ID!
    "The consumer that asked. 申请方标识"
    consumerId: String!
    "The consumer's name. 申请方名称"
    consumerName: String
    "The department that owns the data and decides. 数据提供部门"
    department: Department!
    "Field coordinates (ApplicantRecord.phone) or whole types (ApplicantRecord) asked for. 申请的数据项"
    fields: [String!]!
    "Purpose code from the catalogue. 用途代码"
    purpose: String!
    "The legal basis stated. 共享依据"
    legalBasis: String!
    "Whether personal data is asked for unmasked. 是否申请明文"
    clearText: Boolean!
    "Start of the period asked for. 申请有效期起"
    validFrom: DateTime!
    "End of the period asked for. 申请有效期止"
    validUntil: DateTime!
    "State. 状态"
    status: AccessRequestStatus!
    "When it was submitted. 提交时间"
    submittedAt: DateTime!
    "The day the decision is due: 10 working days after submission, by the hub's working-day calendar. 答复期限"
    dueOn: Date!
    "Still pending after its due day (Asia/Shanghai). 是否逾期"
    overdue: Boolean!
    "When it was decided. 审批时间"
    decidedAt: DateTime
    "The consumer that decided. 审批人"
    decidedBy: String
    "Why it was approved or rejected. 审批理由"
    decisionReason: String
    "The grant an approval created. 对应授权"
    grant: Grant
  }

  "A live permission to a department's conditional data (共享授权); expires by itself at validUntil. 授权"
  type Grant {
    "Opaque id. 标识"
    id: ID!
    "The consumer that holds it. 被授权方标识"
    consumerId: String!
    "The consumer's name. 被授权方名称"
    consumerName: String
    "The department whose data it opens. 数据提供部门"
    department: Department!
    "Field coordinates or whole types. 授权数据项"
    fields: [String!]!
    "The only purpose it is valid for. 用途代码"
    purpose: String!
    "The legal basis. 共享依据"
    legalBasis: String!
    "Whether personal data is released unmasked. 是否明文"
    clearText: Boolean!
    "Start of validity. 有效期起"
    validFrom: DateTime!
    "End of validity. 有效期止"
    validUntil: DateTime!
    "Not revoked and valid now. 是否生效"
    active: Boolean!
    "When it was created. 创建时间"
    createdAt: DateTime!
    "The request it came from. 来源申请"
    request: AccessRequest
    "When it was revoked. 撤销时间"
    revokedAt: DateTime
    "Who revoked it. 撤销人"
    revokedBy: String
    "Why it was revoked. 撤销理由"
    revokeReason: String
  }

  "An edge of an access request list. 申请列表边"
  type AccessRequestEdge {
    "The request. 申请"
    node: AccessRequest!
    "Position to pass as after. 游标"
    cursor: String!
  }

  "A page of access requests, newest first. 共享申请分页"
  type AccessRequestConnection {
    "Requests with cursors. 边"
    edges: [AccessRequestEdge!]!
    "Requests alone. 节点"
    nodes: [AccessRequest!]!
    "Paging state. 分页信息"
    pageInfo: PageInfo!
    "Requests matching the filter that the caller may see. 总数"
    totalCount: Int!
  }

  "An edge of a grant list. 授权列表边"
  type GrantEdge {
    "The grant. 授权"
    node: Grant!
    "Position to pass as after. 游标"
    cursor: String!
  }

  "A page of grants, newest first. 授权分页"
  type GrantConnection {
    "Grants with cursors. 边"
    edges: [GrantEdge!]!
    "Grants alone. 节点"
    nodes: [Grant!]!
    "Paging state. 分页信息"
    pageInfo: PageInfo!
    "Grants matching the filter that the caller may see. 总数"
    totalCount: Int!
  }

  "Filters for access requests. 共享申请筛选"
  input AccessRequestFilter {
    "Only this state. 状态"
    status: AccessRequestStatus
    "Only requests the caller made, or only those it may decide. 视角"
    role: AccessRequestRole
    "Only overdue requests (true) or only those that are not (false). 是否逾期"
    overdue: Boolean
    "Only requests to this department; at most ${code} characters. 数据提供部门"
    departmentCode: String @constraint(maxLength: ${code})
  }

  "Filters for grants. 授权筛选"
  input GrantFilter {
    "Only grants valid now and not revoked (true), or only the others (false). 是否生效"
    active: Boolean
    "Only grants the caller holds, or only those its department gave. 视角"
    role: GrantRole
    "Only grants on this department's data; at most ${code} characters. 数据提供部门"
    departmentCode: String @constraint(maxLength: ${code})
  }

  "What a consumer asks for. 共享申请内容"
  input AccessRequestInput {
    "The department that owns the data; at most ${code} characters. 数据提供部门"
    departmentCode: String! @constraint(maxLength: ${code})
    "Field coordinates (ApplicantRecord.phone) or whole types (ApplicantRecord) the hub governs; at most ${listItems} items of at most ${code} characters. 申请的数据项"
    fields: [String!]! @constraint(maxLength: ${code}, maxItems: ${listItems})
    "A purpose code from the catalogue; at most ${code} characters. 用途代码"
    purpose: String! @constraint(maxLength: ${code})
    "The law, regulation or document that allows the use; at most ${text} characters. 共享依据"
    legalBasis: String! @constraint(maxLength: ${text})
    "Start of the period. 有效期起"
    validFrom: DateTime!
    "End of the period: after the start, and at most a year later. 有效期止"
    validUntil: DateTime!
    "Ask for personal data unmasked. 是否申请明文"
    clearText: Boolean = false
  }

  "Outcome of an audited operation. 审计结果"
  enum AuditOutcome {
    "Everything asked for was released. 已提供"
    RELEASED
    "Some departments' data was withheld or failed. 部分提供"
    PARTIAL
    "Nothing was released: not allowed. 已拒绝"
    DENIED
    "Nothing was released: an error. 失败"
    FAILED
  }

  "What one department released in an audited operation. 部门数据提供情况"
  type AuditRelease {
    "The department whose data it is. 数据提供部门"
    department: Department!
    "Fields released in clear text. 明文提供的数据项"
    clearFields: [String!]!
    "Fields released masked. 脱敏提供的数据项"
    maskedFields: [String!]!
    "The department's record ids released. 涉及的部门记录"
    recordIds: [String!]!
  }

  "One operation that touched another department's data, from the tamper-evident audit log. 审计事件"
  type AuditEvent {
    "Position in the hash chain. 序号"
    seq: Int!
    "When it was written (the database clock). 时间"
    at: DateTime!
    "The consumer. 调用方标识"
    consumerId: String!
    "The consumer's own department, if any. 调用方所属部门"
    consumerDepartment: Department
    "The purpose declared. 用途"
    purpose: String!
    "The GraphQL operation name, if given. 操作名称"
    operationName: String
    "Hash of the operation's document. 操作摘要"
    operationHash: String!
    "Per department, what was released. 数据提供情况"
    released: [AuditRelease!]!
    "Applicants whose data was released, or asked for and refused. 涉及的申请人"
    applicantIds: [ID!]!
    "Outcome. 结果"
    outcome: AuditOutcome!
    "The request id, to join with the access log. 请求标识"
    requestId: String
    "The event's link hash in the chain. 链哈希"
    hash: String!
  }

  "An edge of an audit event list. 审计事件列表边"
  type AuditEventEdge {
    "The event. 审计事件"
    node: AuditEvent!
    "Position to pass as after. 游标"
    cursor: String!
  }

  "A page of audit events, oldest first. 审计事件分页"
  type AuditEventConnection {
    "Events with cursors. 边"
    edges: [AuditEventEdge!]!
    "Events alone. 节点"
    nodes: [AuditEvent!]!
    "Paging state. 分页信息"
    pageInfo: PageInfo!
  }

  "Filters for the audit search; every one is an index lookup. 审计检索条件"
  input AuditEventFilter {
    "Only this consumer; at most ${code} characters. 调用方标识"
    consumerId: String @constraint(maxLength: ${code})
    "Only events that released this department's data; at most ${code} characters. 数据提供部门"
    department: String @constraint(maxLength: ${code})
    "Only events that released this applicant's data or refused it (its Applicant id): who accessed it, or tried; at most ${id} characters. 申请人标识"
    applicantId: ID @constraint(maxLength: ${id})
    "Only events that released this record, as the trail stores it (department:localId, e.g. health:WSR000039); with department, released by that department; at most ${id} characters. 部门记录编号"
    recordId: String @constraint(maxLength: ${id})
    "At or after. 起始时间"
    from: DateTime
    "Before. 截止时间"
    to: DateTime
    "Only this outcome. 结果"
    outcome: AuditOutcome
    "Only this operation name; at most ${localId} characters. 操作名称"
    operationName: String @constraint(maxLength: ${localId})
  }

  "Entry points of the data-sharing hub. 查询入口"
  type Query {
    "The purpose catalogue: the codes x-purpose may carry. 用途目录"
    purposes: [Purpose!]!
    "Access requests the caller may see: its own, its department's to decide, or all for a steward. 共享申请"
    accessRequests(
      ${PAGE_ARGS('AccessRequestFilter')}
    ): AccessRequestConnection!
    "Grants the caller may see: those it holds, those its department gave, or all for a steward. 共享授权"
    grants(
      ${PAGE_ARGS('GrantFilter')}
    ): GrantConnection!
    "Which departments provide each governed field, and its classes: schema-wide, never per row, so it says nothing about any applicant. Open to all. 数据项提供部门"
    fieldProviders(
      "Only this field coordinate, e.g. ApplicantRecord.phone; at most ${localId} characters. 数据项"
      field: String @constraint(maxLength: ${localId})
    ): [FieldProvider!]!
    "Search the audit log, e.g. who accessed an applicant's data. Steward only. 审计检索"
    auditEvents(
      ${PAGE_ARGS('AuditEventFilter')}
    ): AuditEventConnection!
  }

  "Changes to the hub's data: identity stewardship and data-sharing governance. 变更操作"
  type Mutation {
    "Add a purpose to the catalogue or change its description. Steward only. 维护用途目录"
    savePurpose(
      "The purpose code: an upper-case letter, then upper-case letters, digits or '_'; at most ${code} characters. 用途代码"
      code: String! @constraint(maxLength: ${code})
      "What the purpose covers; at most ${text} characters. 用途说明"
      description: String! @constraint(maxLength: ${text})
    ): Purpose!
    "Ask another department for its conditional data. Departments and portals only. 提出共享申请"
    requestAccess(input: AccessRequestInput!): AccessRequest!
    "Approve a pending request, creating a grant. The owning department or a steward. 同意共享申请"
    approveAccessRequest(
      ${DECISION_ARGS('The access request')}
    ): AccessRequest!
    "Reject a pending request. The owning department or a steward. 拒绝共享申请"
    rejectAccessRequest(
      ${DECISION_ARGS('The access request')}
    ): AccessRequest!
    "Revoke a grant before it expires. The owning department or a steward. 撤销授权"
    revokeGrant(
      ${DECISION_ARGS('The grant')}
    ): Grant!
  }
`;
