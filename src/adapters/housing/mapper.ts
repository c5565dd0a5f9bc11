import type { IdentifierType } from '../../schema/identifiers/index.js';
import type { ApplicantKind } from '../../schema/model.js';
import { localToShanghaiIso } from '../../schema/shanghai-time.js';
import type { Mapper } from '../core/contract.js';
import { statusLookup, trimOrNull } from '../core/mapping-helpers.js';
import type { HPermit, Unit } from './legacy-types.js';
import { housingStatusCodes } from './status-codes.js';

const statusOf = statusLookup(housingStatusCodes);

const KIND: ReadonlyMap<unknown, ApplicantKind> = new Map([[1, 'ORGANIZATION'], [2, 'PERSON']]);
const CERT_TYPE: ReadonlyMap<unknown, IdentifierType> = new Map([[1, 'USCC'], [2, 'ORG_CODE'], [3, 'RESIDENT_ID']]);

type Field<T> = { ok: true; value: T } | { ok: false };

/**
 * A `YYYYMMDD` field as an ISO instant at local midnight; '' (or absent) is null. Anything else that is
 * not a real calendar date fails: the record is rejected, never guessed.
 */
function compactDate(value: unknown): Field<string | null> {
  if (value === '' || value === null || value === undefined) return { ok: true, value: null };
  if (typeof value !== 'string' || !/^\d{8}$/.test(value)) return { ok: false };
  const iso = localToShanghaiIso(value);
  return iso === null ? { ok: false } : { ok: true, value: iso };
}

function wholeDays(value: unknown): Field<number | null> {
  if (value === null || value === undefined) return { ok: true, value: null };
  return Number.isInteger(value) ? { ok: true, value: value as number } : { ok: false };
}

/**
 * Housing's API records → the unified shape. Ids are kept verbatim (the connector filters on them as
 * sent); `unitType` and `certType` are claims only, since the vendor's data gets them wrong: the
 * identity service decides from identifiers that validate.
 *
 * @example
 * housingMapper.permit({ permitNo: 'JZ2023000001', statusCode: 40, applyDate: '20230412', approveDate: '', … });
 * // { ok: true, value: { localId: 'JZ2023000001', status: 'APPROVED', rawStatus: '40',
 * //   appliedAt: '2023-04-12T00:00:00+08:00', decidedAt: null, … } }
 */
export const housingMapper: Mapper<HPermit, Unit> = {
  statusCodes: housingStatusCodes,

  permit(row) {
    const localId = typeof row.permitNo === 'string' && row.permitNo.trim() !== '' ? row.permitNo : null;
    if (localId === null) return { ok: false, localId: 'unknown', reason: 'missing permitNo' };
    if (!Number.isInteger(row.statusCode)) return { ok: false, localId, reason: 'statusCode is not an integer' };
    const appliedAt = compactDate(row.applyDate);
    if (!appliedAt.ok) return { ok: false, localId, reason: 'applyDate is not a YYYYMMDD date' };
    const decidedAt = compactDate(row.approveDate);
    if (!decidedAt.ok) return { ok: false, localId, reason: 'approveDate is not a YYYYMMDD date' };
    const validUntil = compactDate(row.expireDate);
    if (!validUntil.ok) return { ok: false, localId, reason: 'expireDate is not a YYYYMMDD date' };
    const statutory = wholeDays(row.limitDays);
    const committed = wholeDays(row.promiseDays);
    const actual = wholeDays(row.usedDays);
    if (!statutory.ok || !committed.ok || !actual.ok) return { ok: false, localId, reason: 'limitDays, promiseDays or usedDays is not an integer' };
    return {
      ok: true,
      value: {
        localId,
        applicantLocalId: typeof row.unitId === 'string' && row.unitId !== '' ? row.unitId : null,
        serviceItemCode: trimOrNull(row.itemCode),
        title: String(row.projectName ?? '').trim(),
        status: statusOf(row.statusCode),
        rawStatus: String(row.statusCode),
        appliedAt: appliedAt.value,
        decidedAt: decidedAt.value,
        validUntil: validUntil.value?.slice(0, 10) ?? null,
        statutoryDays: statutory.value,
        committedDays: committed.value,
        actualDays: actual.value,
      },
    };
  },

  applicant(unit) {
    const localId = typeof unit.unitId === 'string' && unit.unitId !== '' ? unit.unitId : null;
    if (localId === null) return { ok: false, localId: 'unknown', reason: 'missing unitId' };
    const name = trimOrNull(unit.unitName);
    if (!name) return { ok: false, localId, reason: 'missing unitName' };
    const identifiers = trimOrNull(unit.certNo) ? [{ value: String(unit.certNo), claimedType: CERT_TYPE.get(unit.certType) ?? null }] : [];
    return {
      ok: true,
      value: {
        localId,
        kind: KIND.get(unit.unitType) ?? null,
        name,
        identifiers,
        phone: trimOrNull(unit.tel),
        address: trimOrNull(unit.addr),
      },
    };
  },
};
