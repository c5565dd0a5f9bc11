import { INPUT_LIMITS } from '../../schema/input-limits.js';
import { constraintDirectiveSdl, scalarsSdl } from '../../schema/sdl/common.js';

const { code, text } = INPUT_LIMITS;
const CODE_ARG = `"The department code; at most ${code} characters. 部门代码"
      code: String! @constraint(maxLength: ${code})`;
const NOTE_ARG = `"Why, for the record; at most ${text} characters. 说明"
      note: String @constraint(maxLength: ${text})`;
const SPEC_ARG = `"The spec: an object, or YAML text. 部门规格"
      spec: JSON!`;

/** The department registry as stewards manage it: onboarding, changes, rollback (steward only, audited). */
export const registrySdl = /* GraphQL */ `
  ${scalarsSdl}
  ${constraintDirectiveSdl}
  "Any JSON value: a department spec as an object, or as YAML text. JSON 值"
  scalar JSON

  "One problem with a department spec, at its exact path. 规格问题"
  type SpecIssue {
    "Dotted path in the spec, e.g. permits.fields.status. 路径"
    path: String!
    "What is wrong. 问题"
    message: String!
    "A likely fix, e.g. did you mean \\"zt_dm\\"?. 建议"
    hint: String
  }

  "A difference from the active version that consumers of the data would notice. 数据契约变化"
  type SpecChange {
    "Dotted path in the spec. 路径"
    path: String!
    "What changes. 变化"
    message: String!
    "Breaks ids or cursors already handed out: refused unless forced. 破坏性"
    breaking: Boolean!
  }

  "What checking a department spec found. 规格校验结果"
  type DepartmentSpecCheck {
    "Whether the spec may go live. 是否通过"
    ok: Boolean!
    "The department code the spec names. 部门代码"
    code: String!
    "Problems that stop the spec from going live. 问题"
    issues: [SpecIssue!]!
    "Differences from the active version. 变化"
    changes: [SpecChange!]!
    "Per-field findings of a bounded read of the system (nulls, rejected records, unmapped codes, invalid identifiers). 抽样报告"
    sample: JSON
  }

  "One stored version of a department's spec. 规格版本"
  type DepartmentSpecVersion {
    "Version number, from 1. 版本号"
    version: Int!
    "When it was stored. 创建时间"
    createdAt: DateTime!
    "The consumer who stored it. 创建人"
    createdBy: String!
    "Why it was changed. 说明"
    note: String
    "Whether it is the version in use. 是否生效"
    active: Boolean!
    "The spec as stored. 规格"
    spec: JSON!
  }

  "A department as the registry holds it. 部门登记"
  type DepartmentRegistration {
    "Department code. 部门代码"
    code: String!
    "Department name. 部门名称"
    name: String!
    "The adapter kind its spec names (sql, rest, csv …), or catalogue. 适配类型"
    kind: String!
    "Whether its data is served. 是否启用"
    enabled: Boolean!
    "The version in use. 生效版本"
    activeVersion: Int
    "Every version, newest first. 全部版本"
    versions: [DepartmentSpecVersion!]!
  }

  "A change that went live. 变更结果"
  type DepartmentChange {
    "The department as registered now. 部门登记"
    registration: DepartmentRegistration!
    "What the checks before going live found. 校验结果"
    check: DepartmentSpecCheck!
    "A new department's API key, shown once (addDepartment only). 部门密钥(仅显示一次)"
    departmentKey: String
  }

  type Query {
    "Every registered department (steward only). 部门登记列表"
    departmentRegistrations: [DepartmentRegistration!]!
    "One registered department (steward only). 部门登记"
    departmentRegistration(
      ${CODE_ARG}
    ): DepartmentRegistration
  }

  type Mutation {
    "Checks a spec without changing anything: offline, or also against the live system (steward only). 校验部门规格"
    validateDepartmentSpec(
      ${SPEC_ARG}
      "Also against the live system. 联机校验"
      online: Boolean = true
    ): DepartmentSpecCheck!
    "Registers a department from its spec, checked first; live without a restart (steward only). 新增部门"
    addDepartment(
      ${SPEC_ARG}
      ${NOTE_ARG}
    ): DepartmentChange!
    "A new version of a department's spec; breaking contract changes need force (steward only). 更新部门"
    updateDepartment(
      ${SPEC_ARG}
      ${NOTE_ARG}
      "Allow changes that break ids or cursors. 强制"
      force: Boolean = false
    ): DepartmentChange!
    "Makes an earlier version active again, the previous one by default (steward only). 回滚部门规格"
    rollbackDepartment(
      ${CODE_ARG}
      "The version to make active; the previous one by default. 目标版本"
      toVersion: Int
      "Allow changes that break ids or cursors. 强制"
      force: Boolean = false
    ): DepartmentChange!
    "Stops serving a department. Its specs stay; what the identity crosswalk holds from it (names, identifiers, links) stays unless purge is true, which deletes it (steward only). 停用部门"
    disableDepartment(
      ${CODE_ARG}
      "Also delete what the crosswalk holds from it. 清除数据"
      purge: Boolean = false
    ): DepartmentRegistration!
    "Serves a disabled department again, its system checked first (steward only). 启用部门"
    enableDepartment(
      ${CODE_ARG}
    ): DepartmentRegistration!
  }
`;
