/**
 * SDL shared by every subgraph and the gateway. Each subgraph ships its own SDL text built from these
 * pieces, so the gateway composes from SDL (never from start-up introspection) and the definitions agree.
 */
export const scalarsSdl = /* GraphQL */ `
  "An instant in ISO 8601, written in Asia/Shanghai time (+08:00). 日期时间(北京时间)"
  scalar DateTime
  "A calendar date, YYYY-MM-DD, in Asia/Shanghai. 日期"
  scalar Date
`;

export const permitStatusSdl = /* GraphQL */ `
  "Unified status of a permit application, mapped from each department's own codes. 办件状态"
  enum PermitStatus {
    "Received, not yet accepted. 已提交/收件"
    SUBMITTED
    "Accepted for processing. 已受理"
    ACCEPTED
    "Under review. 审查中"
    UNDER_REVIEW
    "Granted. 准予许可/核准"
    APPROVED
    "Refused. 不予许可"
    REJECTED
    "Withdrawn by the applicant. 撤回"
    WITHDRAWN
    "Revoked after being granted. 撤销/吊销"
    REVOKED
    "Expired or cancelled at the end of its validity. 过期/注销"
    EXPIRED
    "A code the department's system uses that maps to no unified status; see rawStatus. 未知"
    UNKNOWN
  }
`;

export const powerCategorySdl = /* GraphQL */ `
  "The ten categories of the power-and-responsibility list. 权力类别"
  enum PowerCategory {
    "Administrative licensing. 行政许可"
    LICENSING
    "Administrative penalty. 行政处罚"
    PENALTY
    "Administrative coercion. 行政强制"
    COERCION
    "Administrative levy. 行政征收"
    LEVY
    "Administrative benefit payment. 行政给付"
    BENEFIT
    "Administrative inspection. 行政检查"
    INSPECTION
    "Administrative confirmation. 行政确认"
    CONFIRMATION
    "Administrative reward. 行政奖励"
    REWARD
    "Administrative adjudication. 行政裁决"
    ADJUDICATION
    "Other powers. 其他行政权力"
    OTHER
  }
`;

export const pageInfoSdl = /* GraphQL */ `
  "Relay pagination state of a connection. 分页信息"
  type PageInfo {
    "Whether more items follow endCursor. 是否有下一页"
    hasNextPage: Boolean!
    "Always false: lists page forwards only. 是否有上一页"
    hasPreviousPage: Boolean!
    "Cursor of the first edge. 起始游标"
    startCursor: String
    "Cursor of the last edge; pass it as after. 结束游标"
    endCursor: String
  }
`;

/** A stub other subgraphs extend: the catalogue subgraph owns the department's fields. */
export const departmentStubSdl = /* GraphQL */ `
  "A district department that owns an approval system. 部门/委办局"
  type Department {
    "Stable code: market, housing, health, bureau, … 部门代码"
    code: String!
  }
`;

/**
 * The sharing class of each field (国发〔2016〕51号), read by the gateway's governance layer, which
 * enforces it in one place. `level` applies to data about organisations or about no one; `person`, when
 * given, applies instead when the row concerns a natural person (双公示 publishes licensing decisions on
 * organisations, never personal data); `personal` marks what is masked unless a grant allows clear text.
 */
export const shareDirectiveSdl = /* GraphQL */ `
  "Sharing class of a data item under 国发〔2016〕51号. 共享类型"
  enum ShareLevel {
    "Open data: anyone, without a credential (公开). 公开"
    OPEN
    "Shared with every government consumer without conditions. 无条件共享"
    UNCONDITIONAL
    "Shared only with a live grant from the owning department, for a declared purpose. 有条件共享"
    CONDITIONAL
    "Never leaves the owning department. 不予共享"
    NONE
  }

  "Kind of personal data a field holds: masked unless a grant allows clear text. 个人信息类别"
  enum PersonalData {
    "Resident identity numbers, masked as 440105********123X. 公民身份号码"
    RESIDENT_ID
    "Phone numbers, masked as 138****5678. 联系电话"
    PHONE
    "Addresses, cut after the street. 住址"
    ADDRESS
  }

  "Marks a field's sharing class; enforced by the hub's gateway for every path that reaches the field. 共享属性"
  directive @share(level: ShareLevel!, person: ShareLevel, personal: PersonalData) on FIELD_DEFINITION
`;

/**
 * Bounds on what a caller may send, on arguments and input fields: `maxLength` characters for a string
 * (for each string of a list), `maxItems` entries for a list. The gateway refuses a request over any of
 * them with BAD_USER_INPUT before doing any work; each bound is also written in its description.
 */
export const constraintDirectiveSdl = /* GraphQL */ `
  "Bounds on a caller-supplied value, enforced by the hub before any work: maxLength characters for a string (each string of a list), maxItems entries for a list. 输入限制"
  directive @constraint(maxLength: Int, maxItems: Int) on ARGUMENT_DEFINITION | INPUT_FIELD_DEFINITION
`;
