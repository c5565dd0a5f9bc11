// 区市场监督管理局: the records of its relational system (tables sqr, xksq, zt_dm).

import { civilDateOfEpochDay } from '../../schema/shanghai-time.js';
import { isoDate, localTimestamp } from './dates.js';
import type { EntityDraft } from './entities.js';
import { presentOrgId, presentPersonId } from './identifier-forms.js';
import { localApplicants } from './local-applicants.js';
import { presentAddress, presentPhone } from './contact.js';
import { presentOrgName, presentPersonName } from './names.js';
import { draftPermit, numberByYear, permitCounts, type DraftStatus, type PermitDraft } from './permit-drafts.js';
import type { Random } from './random.js';
import { licensingItemsOf } from './service-items.js';
import type { MarketApplicant, MarketPermit, MarketStatusCode, TruthEntry } from './types.js';

/** The rows of `zt_dm`. */
export const MARKET_STATUS_CODES: readonly MarketStatusCode[] = [
  { dm: '01', mc: '收件' },
  { dm: '02', mc: '受理' },
  { dm: '03', mc: '审查中' },
  { dm: '04', mc: '准予许可' },
  { dm: '05', mc: '不予许可' },
  { dm: '06', mc: '撤回' },
  { dm: '07', mc: '撤销' },
  { dm: '08', mc: '已注销' },
  { dm: '99', mc: '其他' },
];

const STATUS: Record<DraftStatus, string> = {
  SUBMITTED: '01',
  ACCEPTED: '02',
  UNDER_REVIEW: '03',
  APPROVED: '04',
  REJECTED: '05',
  WITHDRAWN: '06',
  REVOKED: '07',
  OTHER: '99',
};

export interface MarketRecords {
  statusCodes: MarketStatusCode[];
  applicants: MarketApplicant[];
  permits: MarketPermit[];
  truth: TruthEntry[];
}

/** Weighted choices use the key 'null' for SQL NULL. */
const orNull = (v: string): string | null => (v === 'null' ? null : v);

function applicantRow(r: Random, sqrid: number, e: EntityDraft): { row: MarketApplicant; truth: TruthEntry } {
  const lxdh = r.chance(0.03) ? null : presentPhone(r, e.phone, 0.3);
  const dz = r.chance(0.02) ? null : presentAddress(r, e.address, 0.2);
  if (e.kind === 'ORGANISATION') {
    // The registering authority itself: mostly clean USCCs, but pre-2015 rows kept their org codes.
    const id = presentOrgId(r, e.uscc!, { uscc: 82, orgCode: 7, broken: 1, junk: 2, none: 3 }, { none: 85, lower: 4, spaces: 5, dashes: 2, fullwidth: 4 }, 0.3);
    const row: MarketApplicant = {
      sqrid,
      qymc: presentOrgName(r, e.name, { prefix: 0.03, suffix: 0.02, space: 0.03 }),
      sqrlx: orNull(r.weighted({ '1': 92, null: 5, '2': 3 })),
      tyshxydm: id.text,
      zjlx: orNull(r.weighted({ null: 70, 统一社会信用代码: 10, 营业执照: 15, '111': 5 })),
      zjhm: r.chance(0.1) ? id.text : null,
      lxdh,
      dz,
    };
    return { row, truth: { department: 'market', localApplicantId: String(sqrid), entityId: e.entityId, identifier: id.presentation } };
  }
  const id = presentPersonId(r, e.residentId!, { id18: 85, id15: 5, broken: 1, junk: 2, none: 4 }, { none: 80, lower: 8, spaces: 5, dashes: 2, fullwidth: 5 });
  const row: MarketApplicant = {
    sqrid,
    qymc: presentPersonName(r, e.name, 0.03),
    sqrlx: orNull(r.weighted({ '2': 90, '1': 5, null: 5 })),
    // Some clerks typed the ID number into the USCC column as well.
    tyshxydm: r.chance(0.05) ? id.text : null,
    // 证件类型 codes: 111 is the national code for 居民身份证, 414 a passport; 01 and text are local habits.
    zjlx: orNull(r.weighted({ '111': 60, 身份证: 15, '01': 10, null: 8, '414': 4, 居民身份证: 3 })),
    zjhm: id.text,
    lxdh,
    dz,
  };
  return { row, truth: { department: 'market', localApplicantId: String(sqrid), entityId: e.entityId, identifier: id.presentation } };
}

function permitRow(r: Random, sqbh: string, sqrid: number, d: PermitDraft): MarketPermit {
  return {
    sqbh,
    sqrid,
    sxbm: d.item.code,
    xkmc: d.title,
    ztdm: d.expired && r.chance(0.1) ? '08' : STATUS[d.status],
    slrq: localTimestamp(d.applyDay, d.applyMinute, r.int(0, 59)),
    jdrq: d.decisionDay === null ? null : localTimestamp(d.decisionDay, d.decisionMinute, r.int(0, 59)),
    yxqz: d.expireDay === null ? null : isoDate(d.expireDay),
    fdsx: d.statutoryDays,
    cnsx: d.committedDays,
    sjys: d.usedDays,
  };
}

/**
 * The market department's rows for the given true applicants, `permitTotal` permits in all.
 *
 * @example
 * const { applicants, permits, truth } = generateMarket(r, entities, 2300);
 */
export function generateMarket(r: Random, entities: readonly EntityDraft[], permitTotal: number): MarketRecords {
  const items = licensingItemsOf('market');
  const locals = localApplicants(r, entities, 'market', 0.03);
  const applicants: MarketApplicant[] = [];
  const truth: TruthEntry[] = [];
  // sqrid is a sequence that started long ago and has gaps where rows were deleted.
  let sqrid = 10_000;
  for (const e of locals) {
    sqrid += r.chance(0.05) ? r.int(2, 5) : 1;
    const { row, truth: t } = applicantRow(r, sqrid, e);
    applicants.push(row);
    truth.push(t);
  }
  const counts = permitCounts(r, locals.length, permitTotal);
  const drafts: Array<{ draft: PermitDraft; sqrid: number }> = [];
  for (let i = 0; i < locals.length; i++) {
    const e = locals[i]!;
    for (let k = 0; k < counts[i]!; k++) drafts.push({ draft: draftPermit(r, e, items), sqrid: applicants[i]!.sqrid });
  }
  const permits = numberByYear(drafts, 'SJ', (day) => civilDateOfEpochDay(day).year).map((p) => permitRow(r, p.no, p.sqrid, p.draft));
  return { statusCodes: [...MARKET_STATUS_CODES], applicants, permits, truth };
}
