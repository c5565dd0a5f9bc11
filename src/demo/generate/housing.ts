// 区住房和城乡建设局: the records behind its JSON-over-HTTP API (units and permits).

import { civilDateOfEpochDay } from '../../schema/shanghai-time.js';
import { compactDate } from './dates.js';
import type { EntityDraft } from './entities.js';
import { presentOrgId, presentPersonId } from './identifier-forms.js';
import { localApplicants } from './local-applicants.js';
import { presentAddress, presentPhone } from './contact.js';
import { presentOrgName, presentPersonName } from './names.js';
import { draftPermit, numberByYear, permitCounts, type DraftStatus, type PermitDraft } from './permit-drafts.js';
import type { Random } from './random.js';
import { licensingItemsOf } from './service-items.js';
import type { HousingPermit, HousingUnit, TruthEntry } from './types.js';

const STATUS: Record<Exclude<DraftStatus, 'OTHER'>, number> = {
  SUBMITTED: 10,
  ACCEPTED: 20,
  UNDER_REVIEW: 30,
  APPROVED: 40,
  REJECTED: 50,
  WITHDRAWN: 60,
  REVOKED: 70,
};

export interface HousingRecords {
  units: HousingUnit[];
  permits: HousingPermit[];
  truth: TruthEntry[];
}

function unitRow(r: Random, unitId: string, e: EntityDraft): { unit: HousingUnit; truth: TruthEntry } {
  const tel = r.chance(0.05) ? '' : presentPhone(r, e.phone, 0.6);
  const addr = presentAddress(r, e.address, 0.4);
  if (e.kind === 'ORGANISATION') {
    // Built in 2012: many units still carry the org code, typed '77604965-3' as on the old certificate.
    const id = presentOrgId(
      r,
      e.uscc!,
      { uscc: 55, orgCode: 33, broken: 1, junk: 3, none: 4 },
      { none: 80, lower: 3, spaces: 6, dashes: 3, fullwidth: 8 },
      0.6,
    );
    const code = id.presentation.code;
    const certType =
      code === 'USCC'
        ? r.weighted({ '1': 80, '2': 8, '9': 7, '3': 5 })
        : code === 'ORG_CODE'
          ? r.weighted({ '2': 65, '1': 25, '9': 10 })
          : r.weighted({ '9': 60, '1': 40 });
    const unit: HousingUnit = {
      unitId,
      unitName: presentOrgName(r, e.name, { prefix: 0.25, suffix: 0.15, space: 0.06 }),
      unitType: Number(r.weighted({ '1': 93, '2': 4, '0': 3 })),
      certType: Number(certType),
      certNo: id.text ?? '',
      tel,
      addr,
    };
    return { unit, truth: { department: 'housing', localApplicantId: unitId, entityId: e.entityId, identifier: id.presentation } };
  }
  const id = presentPersonId(r, e.residentId!, { id18: 75, id15: 12, broken: 1, junk: 3, none: 6 }, { none: 80, lower: 6, spaces: 6, dashes: 2, fullwidth: 6 });
  const unit: HousingUnit = {
    unitId,
    unitName: presentPersonName(r, e.name, 0.05),
    unitType: Number(r.weighted({ '2': 85, '1': 15 })),
    certType: Number(r.weighted({ '3': 80, '9': 12, '1': 8 })),
    certNo: id.text ?? '',
    tel,
    addr,
  };
  return { unit, truth: { department: 'housing', localApplicantId: unitId, entityId: e.entityId, identifier: id.presentation } };
}

function permitRow(r: Random, permitNo: string, unitId: string, d: PermitDraft): HousingPermit {
  const statusCode = d.status === 'OTHER' ? r.pick([0, 90, 99]) : d.expired && r.chance(0.6) ? 80 : STATUS[d.status];
  return {
    permitNo,
    unitId,
    itemCode: d.item.code,
    projectName: d.title,
    statusCode,
    applyDate: compactDate(d.applyDay),
    approveDate: d.decisionDay === null ? '' : compactDate(d.decisionDay),
    expireDate: d.expireDay === null ? '' : compactDate(d.expireDay),
    limitDays: d.statutoryDays,
    promiseDays: d.committedDays,
    usedDays: d.usedDays,
  };
}

/**
 * The housing department's units and permits for the given true applicants.
 *
 * @example
 * const { units, permits, truth } = generateHousing(r, entities, 1100);
 */
export function generateHousing(r: Random, entities: readonly EntityDraft[], permitTotal: number): HousingRecords {
  const items = licensingItemsOf('housing');
  const locals = localApplicants(r, entities, 'housing', 0.04);
  const units: HousingUnit[] = [];
  const truth: TruthEntry[] = [];
  locals.forEach((e, i) => {
    const { unit, truth: t } = unitRow(r, `U${i + 1}`, e);
    units.push(unit);
    truth.push(t);
  });
  const counts = permitCounts(r, locals.length, permitTotal);
  const drafts: Array<{ draft: PermitDraft; unitId: string }> = [];
  for (let i = 0; i < locals.length; i++) {
    for (let k = 0; k < counts[i]!; k++) drafts.push({ draft: draftPermit(r, locals[i]!, items), unitId: units[i]!.unitId });
  }
  const permits = numberByYear(drafts, 'JZ', (day) => civilDateOfEpochDay(day).year).map((p) => permitRow(r, p.no, p.unitId, p.draft));
  return { units, permits, truth };
}
