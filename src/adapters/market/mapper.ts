import type { Mapper } from '../core/contract.js';
import { statusLookup, trimOrNull, claimedTypeFromText } from '../core/mapping-helpers.js';
import { localToDate, localToShanghaiIso } from '../../schema/shanghai-time.js';
import type { SqrRow, XksqRow } from './legacy-types.js';
import { marketStatusCodes } from './status-codes.js';

const statusOf = statusLookup(marketStatusCodes);

/**
 * Market supervision's rows → the unified shape. `sqrlx` says 1 for organisations, 2 for people, but is
 * often wrong: it is kept as a claim only; the identity service decides from valid identifiers.
 */
export const marketMapper: Mapper<XksqRow, SqrRow> = {
  statusCodes: marketStatusCodes,

  permit(row) {
    const localId = String(row.sqbh ?? '').trim();
    if (!localId) return { ok: false, localId: 'unknown', reason: 'missing sqbh' };
    const appliedAt = row.slrq === null ? null : localToShanghaiIso(String(row.slrq));
    if (row.slrq !== null && appliedAt === null) return { ok: false, localId, reason: 'slrq is not a date' };
    const decidedAt = row.jdrq === null ? null : localToShanghaiIso(String(row.jdrq));
    if (row.jdrq !== null && decidedAt === null) return { ok: false, localId, reason: 'jdrq is not a date' };
    const validUntil = row.yxqz === null ? null : localToDate(String(row.yxqz));
    if (row.yxqz !== null && validUntil === null) return { ok: false, localId, reason: 'yxqz is not a date' };
    return {
      ok: true,
      value: {
        localId,
        applicantLocalId: row.sqrid === null || row.sqrid === undefined ? null : String(row.sqrid),
        serviceItemCode: trimOrNull(row.sxbm),
        title: String(row.xkmc ?? '').trim(),
        status: statusOf(row.ztdm),
        rawStatus: trimOrNull(row.ztdm),
        appliedAt,
        decidedAt,
        validUntil,
        statutoryDays: row.fdsx,
        committedDays: row.cnsx,
        actualDays: row.sjys,
      },
    };
  },

  applicant(row) {
    const localId = String(row.sqrid);
    const name = trimOrNull(row.qymc);
    if (!name) return { ok: false, localId, reason: 'missing qymc' };
    const claimed = claimedTypeFromText(row.zjlx);
    const identifiers = [];
    if (trimOrNull(row.tyshxydm)) identifiers.push({ value: row.tyshxydm!, claimedType: 'USCC' as const });
    if (trimOrNull(row.zjhm)) identifiers.push({ value: row.zjhm!, claimedType: claimed });
    return {
      ok: true,
      value: {
        localId,
        kind: row.sqrlx === '1' ? 'ORGANIZATION' : row.sqrlx === '2' ? 'PERSON' : null,
        name,
        identifiers,
        phone: trimOrNull(row.lxdh),
        address: trimOrNull(row.dz),
      },
    };
  },
};
