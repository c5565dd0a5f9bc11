import { departmentStubSdl, scalarsSdl } from '../../schema/sdl/common.js';

/** The identity subgraph: hub applicants and the crosswalk from department records to them. */
export const identitySdl = /* GraphQL */ `
  ${scalarsSdl}
  ${departmentStubSdl}

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
    type: IdentifierType!
    "Canonical value. 证件号码"
    value: String!
  }

  "One department's record of an applicant, from which the hub linked it. 部门申请人记录"
  type ApplicantRecord {
    "The department whose system holds the record. 来源部门"
    department: Department!
    "The record's key in that system. 部门内编号"
    localId: String!
    "The name as that system spells it. 部门登记名称"
    name: String!
  }

  "A person or organisation that applies for permits, linked across departments. 申请人/行政相对人"
  type Applicant {
    "Globally unique opaque id, stable across restarts and re-syncs. 全局标识"
    id: ID!
    "Person or organisation. 申请人类型"
    kind: ApplicantKind!
    "Name. 名称/姓名"
    name: String!
    "Each distinct valid identifier once, canonical. 证件"
    identifiers: [Identifier!]!
    "The department records linked to this applicant. 部门记录"
    records: [ApplicantRecord!]!
    _recordKeys: [String!]!
  }

  "Entry points of the data-sharing hub. 查询入口"
  type Query {
    "An applicant by id; an id merged into another resolves to the survivor. 按标识查询申请人"
    applicant(id: ID!): Applicant
    "An applicant by any form of identifier (USCC, org code with or without dash, 15- or 18-digit resident ID, full-width, lower-case x…); type disambiguates a value valid as more than one. 按证件查询申请人"
    applicantByIdentifier(value: String!, type: IdentifierType): Applicant
    _applicantsByRecordKeys(keys: [String!]!): [Applicant]!
  }
`;
