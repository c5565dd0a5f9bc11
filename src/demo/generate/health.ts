// 区卫生健康局: the rows of its nightly CSV export (applicant columns repeated on every permit row).

import { civilDateOfEpochDay } from '../../schema/shanghai-time.js';
import { isoDate, slashDate } from './dates.js';
import type { EntityDraft } from './entities.js';
import { presentOrgId, presentPersonId } from './identifier-forms.js';
import { localApplicants } from './local-applicants.js';
import { presentAddress, presentPhone } from './contact.js';
import { presentOrgName, presentPersonName } from './names.js';
import { draftPermit, numberByYear, permitCounts, type DraftStatus, type PermitDraft } from './permit-drafts.js';
import type { Random } from './random.js';
import { licensingItemsOf } from './service-items.js';
import type { HealthApplicant, HealthPermit, HealthRowDefect, TruthEntry } from './types.js';

const STATUS: Record<DraftStatus, string> = {
  SUBMITTED: '已提交',
  ACCEPTED: '已受理',
  UNDER_REVIEW: '审查中',
  APPROVED: '准予许可',
  REJECTED: '不予许可',
  WITHDRAWN: '已撤回',
  REVOKED: '已撤销',
  // Not one of the documented values: adapters must report it, not guess.
  OTHER: '待补正',
};

export interface HealthRecords {
  applicants: HealthApplicant[];
  permits: HealthPermit[];
  truth: TruthEntry[];
}

function applicantRow(r: Random, applicantNo: string, e: EntityDraft): { applicant: HealthApplicant; truth: TruthEntry } {
  const tel = r.chance(0.04) ? '' : presentPhone(r, e.phone, 0.5);
  const addr = presentAddress(r, e.address, 0.3, 0.03);
  if (e.kind === 'ORGANISATION') {
    const id = presentOrgId(
      r,
      e.uscc!,
      { uscc: 65, orgCode: 20, broken: 1, junk: 4, none: 6 },
      { none: 75, lower: 5, spaces: 6, dashes: 4, fullwidth: 10 },
      0.5,
    );
    const code = id.presentation.code;
    const certType =
      code === 'USCC'
        ? r.weighted({ 统一社会信用代码: 75, 营业执照: 8, '': 10, 组织机构代码: 7 })
        : code === 'ORG_CODE'
          ? r.weighted({ 组织机构代码: 60, 统一社会信用代码: 25, '': 15 })
          : r.weighted({ 统一社会信用代码: 50, '': 50 });
    const applicant: HealthApplicant = {
      applicantNo,
      name: presentOrgName(r, e.name, { prefix: 0.2, suffix: 0.1, space: 0.05 }),
      applicantType: r.weighted({ 单位: 90, '': 7, 个人: 3 }),
      certType,
      certNo: id.text ?? '',
      tel,
      addr,
    };
    return { applicant, truth: { department: 'health', localApplicantId: applicantNo, entityId: e.entityId, identifier: id.presentation } };
  }
  const id = presentPersonId(r, e.residentId!, { id18: 70, id15: 15, broken: 1, junk: 4, none: 6 }, { none: 75, lower: 8, spaces: 6, dashes: 3, fullwidth: 8 });
  const applicant: HealthApplicant = {
    applicantNo,
    name: presentPersonName(r, e.name, 0.05),
    applicantType: r.weighted({ 个人: 88, '': 8, 单位: 4 }),
    certType: r.weighted({ 居民身份证: 45, 身份证: 35, '': 12, 护照: 3, 统一社会信用代码: 5 }),
    certNo: id.text ?? '',
    tel,
    addr,
  };
  return { applicant, truth: { department: 'health', localApplicantId: applicantNo, entityId: e.entityId, identifier: id.presentation } };
}

function permitRow(r: Random, permitNo: string, applicantNo: string, d: PermitDraft): HealthPermit {
  // Part of the export comes from a spreadsheet someone re-saved: those rows write dates 'YYYY/M/D'.
  const date = r.chance(0.08) ? slashDate : isoDate;
  return {
    permitNo,
    applicantNo,
    itemCode: d.item.code,
    itemTitle: d.title,
    status: d.expired && r.chance(0.6) ? '已过期' : STATUS[d.status],
    applyDate: date(d.applyDay),
    decisionDate: d.decisionDay === null ? '' : date(d.decisionDay),
    expireDate: d.expireDay === null ? '' : date(d.expireDay),
    statutoryDays: d.statutoryDays,
    committedDays: d.committedDays,
    usedDays: d.usedDays,
    defect: null,
  };
}

const DEFECTS: readonly HealthRowDefect[] = ['BAD_DATE', 'UNQUOTED_COMMA', 'MISSING_COLUMNS'];

/** Spoils `count` evenly spread rows so the export has bad data for adapters to report. */
function spoil(permits: HealthPermit[], count: number): void {
  const step = Math.floor(permits.length / (count + 1));
  for (let k = 0; k < count && step > 0; k++) {
    const p = permits[step * (k + 1)]!;
    const defect = DEFECTS[k % DEFECTS.length]!;
    p.defect = defect;
    const year = p.applyDate.slice(0, 4);
    if (defect === 'BAD_DATE') p.applyDate = k % 2 === 0 ? `${year}-13-45` : `${year}-02-30`;
    // The writer leaves this title unquoted, so its comma splits the row into one column too many.
    if (defect === 'UNQUOTED_COMMA') p.itemTitle = `${p.itemTitle.replace(/,/g, '')}（含附件1,附件2）`;
  }
}

/**
 * The health department's export rows for the given true applicants, with `badRows` spoiled rows.
 *
 * @example
 * const { applicants, permits, truth } = generateHealth(r, entities, 1600, 3);
 */
export function generateHealth(r: Random, entities: readonly EntityDraft[], permitTotal: number, badRows: number): HealthRecords {
  const items = licensingItemsOf('health');
  const locals = localApplicants(r, entities, 'health', 0.03);
  const applicants: HealthApplicant[] = [];
  const truth: TruthEntry[] = [];
  locals.forEach((e, i) => {
    const { applicant, truth: t } = applicantRow(r, `WSR${String(i + 1).padStart(6, '0')}`, e);
    applicants.push(applicant);
    truth.push(t);
  });
  const counts = permitCounts(r, locals.length, permitTotal);
  const drafts: Array<{ draft: PermitDraft; applicantNo: string }> = [];
  for (let i = 0; i < locals.length; i++) {
    for (let k = 0; k < counts[i]!; k++) drafts.push({ draft: draftPermit(r, locals[i]!, items), applicantNo: applicants[i]!.applicantNo });
  }
  const permits = numberByYear(drafts, 'WS', (day) => civilDateOfEpochDay(day).year).map((p) => permitRow(r, p.no, p.applicantNo, p.draft));
  spoil(permits, badRows);
  return { applicants, permits, truth };
}
