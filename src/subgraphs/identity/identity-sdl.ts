import { INPUT_LIMITS } from '../../schema/input-limits.js';
import { constraintDirectiveSdl, departmentStubSdl, scalarsSdl, shareDirectiveSdl } from '../../schema/sdl/common.js';

const { code, cursor, id, identifier, listItems, localId, search, text } = INPUT_LIMITS;
const ID_ARG = (what: string) => `"${what}; at most ${id} characters. 标识"`;
const REASON_ARG = `"Why, for the record; at most ${text} characters. 理由"
      reason: String! @constraint(maxLength: ${text})`;

/** The identity subgraph: hub applicants and the crosswalk from department records to them. */
export const identitySdl = /* GraphQL */ `
  ${scalarsSdl}
  ${departmentStubSdl}
  ${shareDirectiveSdl}
  ${constraintDirectiveSdl}

  "Whether an applicant is a natural person or an organisation. 申请人类型(自然人/法人及其他组织)"
  enum ApplicantKind {
    "A natural person. 自然人"
    PERSON
    "A legal person or other organisation. 法人及其他组织"
    ORGANIZATION
  }

  "Kind of identity code. 证件类型"
  enum IdentifierType {
    "Unified Social Credit Code, GB 32100-2015, 18 characters. 统一社会信用代码"
    USCC
    "Legacy organisation code, GB 11714, 9 characters (characters 9–17 of the USCC). 组织机构代码"
    ORG_CODE
    "Resident identity number, GB 11643-1999, 18 characters. 公民身份号码"
    RESIDENT_ID
  }

  "A validated identifier in canonical form: upper-case, half-width, no separators. 证件"
  type Identifier {
    "Kind of code. 证件类型"
    type: IdentifierType @share(level: OPEN, person: UNCONDITIONAL)
    "Canonical value; a natural person's is masked (440105********123X) unless a grant allows clear text. 证件号码"
    value: String @share(level: OPEN, person: UNCONDITIONAL, personal: RESIDENT_ID)
    _recordKeys: [String!]!
    _personal: Boolean!
  }

  "One department's record of an applicant, from which the hub linked it. Governed fields are null, with a FORBIDDEN error, where the caller may not see them. 部门申请人记录"
  type ApplicantRecord {
    "The department whose system holds the record. 来源部门"
    department: Department @share(level: UNCONDITIONAL)
    "The record's key in that system. 部门内编号"
    localId: String @share(level: UNCONDITIONAL)
    "The name as that system spells it. 部门登记名称"
    name: String @share(level: UNCONDITIONAL)
    "Contact phone as that system stores it; masked for natural persons unless a grant allows clear text. 联系电话"
    phone: String @share(level: CONDITIONAL, personal: PHONE)
    "Address as that system stores it; cut after the street for natural persons unless a grant allows clear text. 地址"
    address: String @share(level: CONDITIONAL, personal: ADDRESS)
    _key: String!
    _personal: Boolean!
  }

  "A person or organisation that applies for permits, linked across departments. Data about natural persons is never open; governed fields are null, with a FORBIDDEN error, where the caller may not see them. 申请人/行政相对人"
  type Applicant {
    "Globally unique opaque id, stable across restarts and re-syncs. 全局标识"
    id: ID! @share(level: OPEN, person: UNCONDITIONAL)
    "Person or organisation. 申请人类型"
    kind: ApplicantKind @share(level: OPEN, person: UNCONDITIONAL)
    "Name. 名称/姓名"
    name: String @share(level: OPEN, person: UNCONDITIONAL)
    "Each distinct valid identifier once, canonical; a person's resident ID is masked unless a grant allows clear text. 证件"
    identifiers: [Identifier!] @share(level: OPEN, person: UNCONDITIONAL)
    "The department records linked to this applicant. 部门记录"
    records: [ApplicantRecord!] @share(level: UNCONDITIONAL)
    _recordKeys: [String!]!
  }

  "One piece of evidence behind a candidate's score. 匹配证据"
  type IdentityEvidence {
    "The field compared: identifier, name, phone, address, birth, form, region. 比对字段"
    field: String!
    "The comparison level reached, e.g. exact, pinyin, typo-neighbour, disagree. 比对结果"
    level: String!
    "Its weight in bits (log2 m/u); negative is evidence against. 权重(比特)"
    weight: Float!
  }

  "State of a review candidate. 待审核状态"
  enum IdentityCandidateStatus {
    "Awaiting a steward. 待审核"
    OPEN
    "Confirmed: the records are one applicant. 已确认"
    CONFIRMED
    "Rejected: the records are different applicants. 已驳回"
    REJECTED
  }

  "Why the resolver proposed a pair instead of linking it. 未自动关联的原因"
  enum IdentityReviewReason {
    "Nothing but the name agrees between the two applicants' records (no identifier, phone or address agreement); two applicants may share a name. 仅姓名/名称一致"
    NAME_ONLY
    "Something besides the name agrees, but the evidence stays under the automatic link threshold. 证据不足"
    BELOW_THRESHOLD
    "The evidence would link, but another applicant bearing the name contradicts one of the two: the records could be either's. 同名者冲突"
    RIVAL_BEARERS
    "A field disagrees between the two applicants' records; proposed last. 存在矛盾字段"
    CONTRADICTED
  }

  "Two department records the resolver could not decide on, for a data steward; one per pair of applicants. 待人工审核的匹配"
  type IdentityReviewCandidate {
    "Opaque id. 标识"
    id: ID!
    "Total weight in bits. 匹配得分"
    score: Float!
    "What agreed and what did not: each field compared, its agreement level and weight. 匹配证据"
    evidence: [IdentityEvidence!]!
    "Why it was not linked automatically (null on candidates proposed before the hub recorded it). 未自动关联的原因"
    reason: IdentityReviewReason
    "How common the shared name is: the department records holding it (0 when the names differ). 同名记录数"
    nameHolders: Int
    "The two applicants' records compared as wholes, each field at the best level any two records reach, in bits. 整体比对得分"
    clusterScore: Float
    "The two records. 两条记录"
    records: [ApplicantRecord!]!
    "State. 状态"
    status: IdentityCandidateStatus!
  }

  "A page of review candidates in queue order: likeliest matches first, contradicted pairs last. 待审核分页"
  type IdentityReviewCandidateConnection {
    "The candidates. 节点"
    nodes: [IdentityReviewCandidate!]!
    "Cursor after the last one; pass as after. 结束游标"
    endCursor: String
    "Whether more follow. 是否有下一页"
    hasNextPage: Boolean!
    "Open candidates in all. 总数"
    totalCount: Int!
  }

  "Kind of steward action. 操作类型"
  enum IdentityActionKind {
    "A review candidate confirmed. 确认"
    CONFIRM
    "A review candidate rejected. 驳回"
    REJECT
    "A review candidate put off: it stays open, at the end of the queue. 暂缓"
    DEFER
    "Two applicants merged. 合并"
    MERGE
    "Records split off an applicant. 拆分"
    SPLIT
    "A record's kind settled where its identifier could be read either way. 确定申请人类型"
    CLASSIFY
  }

  "State of a kind review. 类型审核状态"
  enum IdentityKindReviewStatus {
    "Awaiting a steward; the record is treated as a natural person's meanwhile. 待审核(按自然人处理)"
    OPEN
    "Settled: a natural person. 已确定为自然人"
    PERSON
    "Settled: an organisation; its value is read as a USCC. 已确定为法人及其他组织"
    ORGANIZATION
  }

  "A department record whose identifier may be a natural person's number and that nothing settled: valid both as a resident ID and as a USCC, valid only as a USCC but shaped like a mistyped resident ID, or a mistyped resident ID on a record that does not say it is a person's. The hub treats it as a natural person's until a data steward decides. 证件类型待审核"
  type IdentityKindReview {
    "Opaque id. 标识"
    id: ID!
    "The record. 部门记录"
    record: ApplicantRecord
    "The applicant the record belongs to. 所属申请人"
    applicant: Applicant
    "State. 状态"
    status: IdentityKindReviewStatus!
    "When it was flagged. 标记时间"
    createdAt: DateTime!
  }

  "A page of kind reviews, oldest first. 类型审核分页"
  type IdentityKindReviewConnection {
    "The reviews. 节点"
    nodes: [IdentityKindReview!]!
    "Cursor after the last one; pass as after. 结束游标"
    endCursor: String
    "Whether more follow. 是否有下一页"
    hasNextPage: Boolean!
    "Open reviews in all. 总数"
    totalCount: Int!
  }

  "A data steward's decision, kept as history. 数据管理员操作记录"
  type IdentityAction {
    "Opaque id. 标识"
    id: ID!
    "What was done. 操作类型"
    action: IdentityActionKind!
    "The steward who did it. 操作人"
    steward: String!
    "Why. 理由"
    reason: String!
    "When. 时间"
    at: DateTime!
    "Applicants concerned (a merged-away id stays listed). 涉及的申请人"
    applicantIds: [ID!]!
  }

  "A department record, by its department and local id. 部门记录引用"
  input RecordRefInput {
    "Department code; at most ${code} characters. 部门代码"
    departmentCode: String! @constraint(maxLength: ${code})
    "The record's key in that department's system; at most ${localId} characters. 部门内编号"
    localId: String! @constraint(maxLength: ${localId})
  }

  "Changes to the hub's data: identity stewardship and data-sharing governance. 变更操作"
  type Mutation {
    "Confirm a review candidate: its two records' applicants become one. Steward only. 确认匹配"
    confirmIdentityCandidate(
      ${ID_ARG('The review candidate')}
      id: ID! @constraint(maxLength: ${id})
      ${REASON_ARG}
    ): Applicant
    "Reject a review candidate: the two records stay different applicants after every sync. Steward only. 驳回匹配"
    rejectIdentityCandidate(
      ${ID_ARG('The review candidate')}
      id: ID! @constraint(maxLength: ${id})
      ${REASON_ARG}
    ): IdentityReviewCandidate
    "Put a review candidate off: it stays open, behind every candidate not put off, until new evidence changes it. Steward only. 暂缓审核"
    deferIdentityCandidate(
      ${ID_ARG('The review candidate')}
      id: ID! @constraint(maxLength: ${id})
      ${REASON_ARG}
    ): IdentityReviewCandidate
    "Merge two applicants; the survivor keeps its id and the other redirects to it. Never two different valid USCCs or resident IDs, never a person with an organisation. Steward only. 合并申请人"
    mergeApplicants(
      ${ID_ARG('The applicant that keeps its id')}
      survivorId: ID! @constraint(maxLength: ${id})
      ${ID_ARG('The applicant merged into it')}
      mergedId: ID! @constraint(maxLength: ${id})
      ${REASON_ARG}
    ): Applicant
    "Split records off an applicant into a new one; the rest keep the id. Steward only. 拆分申请人"
    splitApplicant(
      ${ID_ARG('The applicant to split')}
      applicantId: ID! @constraint(maxLength: ${id})
      "The records that go to the new applicant; at most ${listItems} items. 拆出的记录"
      records: [RecordRefInput!]! @constraint(maxItems: ${listItems})
      ${REASON_ARG}
    ): Applicant
    "Settle the kind of a record under kind review; every later sync keeps it. Steward only. 确定申请人类型"
    settleApplicantKind(
      "The record under review. 记录"
      record: RecordRefInput!
      "The kind it is. 类型"
      kind: ApplicantKind!
      ${REASON_ARG}
    ): Applicant
  }

  "Entry points of the data-sharing hub. 查询入口"
  type Query {
    "Pairs of records awaiting a steward's decision, in queue order (likeliest matches first, contradicted pairs last). Steward only. 待审核匹配"
    identityReviewCandidates(
      "Page size, 0 to 200. 每页条数"
      first: Int = 20
      "Continue after this cursor (a previous page's endCursor); at most ${cursor} characters. 游标"
      after: String @constraint(maxLength: ${cursor})
    ): IdentityReviewCandidateConnection!
    "One review candidate, open or decided; null when there is no such candidate. Steward only. 单条待审核匹配"
    identityReviewCandidate(
      ${ID_ARG('The review candidate')}
      id: ID! @constraint(maxLength: ${id})
    ): IdentityReviewCandidate
    "Records whose identifier could be a natural person's or an organisation's, treated as a person's until settled; open ones, oldest first. Steward only. 证件类型待审核"
    identityKindReviews(
      "Page size, 0 to 200. 每页条数"
      first: Int = 20
      "Continue after this cursor (a previous page's endCursor); at most ${cursor} characters. 游标"
      after: String @constraint(maxLength: ${cursor})
    ): IdentityKindReviewConnection!
    "What stewards did to this applicant, newest first. Steward only. 申请人操作记录"
    identityActions(
      ${ID_ARG('The applicant')}
      applicantId: ID! @constraint(maxLength: ${id})
    ): [IdentityAction!]!
    "An applicant by id; an id merged into another resolves to the survivor. 按标识查询申请人"
    applicant(
      ${ID_ARG('The applicant')}
      id: ID! @constraint(maxLength: ${id})
    ): Applicant
    "An applicant by any form of identifier (USCC, org code with or without dash, 15- or 18-digit resident ID, full-width, lower-case x…); type disambiguates a value valid as more than one. 按证件查询申请人"
    applicantByIdentifier(
      "The identifier as written; at most ${identifier} characters. 证件号码"
      value: String! @constraint(maxLength: ${identifier})
      "Which kind of identifier value is, when it could be more than one. 证件类型"
      type: IdentifierType
    ): Applicant
    "Organisations whose name holds the text (simplified or traditional characters, pinyin or its initials) or whose USCC or organisation code it is, best matches first. Never natural persons: find one by identifier with applicantByIdentifier, as the field policy allows. Open to all. 法人及其他组织检索"
    searchOrganizations(
      "Part of the name, its pinyin, or an identifier; at most ${search} characters. 关键词"
      text: String! @constraint(maxLength: ${search})
      "How many, 0 to 50. 条数"
      first: Int = 20
    ): [Applicant!]!
    _applicantsByRecordKeys(keys: [String!]!): [Applicant]!
  }
`;
