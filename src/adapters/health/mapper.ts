import type { ApplicantKind } from '../../schema/model.js';
import { localToShanghaiIso } from '../../schema/shanghai-time.js';
import type { Mapper } from '../core/contract.js';
import { claimedTypeFromText, statusLookup, trimOrNull } from '../core/mapping-helpers.js';
import type { HealthApplicantRow, HealthPermitRecord } from './legacy-types.js';
import { healthStatusCodes } from './status-codes.js';

const statusOf = statusLookup(healthStatusCodes);

// A Map, not an object literal: a cell reading 'constructor' must not find Object's prototype.
const KIND: ReadonlyMap<string, ApplicantKind> = new Map([['单位', 'ORGANIZATION'], ['个人', 'PERSON']]);

type Cell<T> = { ok: true; value: T } | { ok: false };

/**
 * A date cell (`YYYY-MM-DD`, `YYYY/M/D`; a time part is tolerated) as an ISO instant at Shanghai local
 * time; blank is null; text that is no real calendar date (`2023-13-45`, `2023-02-30`) fails. The
 * connector orders rows with this same function, so order and mapping always agree.
 *
 * @example
 * healthDate('2023/4/2');   // { ok: true, value: '2023-04-02T00:00:00+08:00' }
 * healthDate(' ');          // { ok: true, value: null }
 * healthDate('2023-13-45'); // { ok: false }
 */
export function healthDate(text: string): Cell<string | null> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  const iso = localToShanghaiIso(trimmed);
  return iso === null ? { ok: false } : { ok: true, value: iso };
}

/** A whole-number cell; blank is null, anything but an integer fails. */
function integerCell(text: string): Cell<number | null> {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  if (!/^-?\d+$/.test(trimmed) || !Number.isSafeInteger(Number(trimmed))) return { ok: false };
  return { ok: true, value: Number(trimmed) };
}

/**
 * The health export's rows → the unified shape. Ids are trimmed (the connector indexes them trimmed).
 * A row the connector could not read is rejected with the connector's reason; a cell that does not
 * parse rejects its row, never guessed. 申请人类型 and 证件类型 are claims only.
 *
 * @example
 * healthMapper.permit({ kind: 'row', permitNo: 'WS2023000001', status: '准予许可', applyDate: '2023/4/2', … });
 * // { ok: true, value: { localId: 'WS2023000001', status: 'APPROVED', rawStatus: '准予许可',
 * //   appliedAt: '2023-04-02T00:00:00+08:00', … } }
 */
export const healthMapper: Mapper<HealthPermitRecord, HealthApplicantRow> = {
  statusCodes: healthStatusCodes,

  permit(record) {
    if (record.kind === 'unreadable') {
      return { ok: false, localId: record.permitNo ?? `line ${record.line}`, reason: `line ${record.line}: ${record.reason}` };
    }
    const localId = record.permitNo.trim();
    if (!localId) return { ok: false, localId: `line ${record.line}`, reason: `line ${record.line}: blank 许可证号` };
    const bad = (what: string) => ({ ok: false as const, localId, reason: `line ${record.line}: ${what}` });
    const appliedAt = healthDate(record.applyDate);
    if (!appliedAt.ok) return bad('申请日期 is not a date');
    const decidedAt = healthDate(record.decisionDate);
    if (!decidedAt.ok) return bad('决定日期 is not a date');
    const validUntil = healthDate(record.expireDate);
    if (!validUntil.ok) return bad('有效期至 is not a date');
    const statutory = integerCell(record.statutoryDays);
    if (!statutory.ok) return bad('法定时限 is not an integer');
    const committed = integerCell(record.committedDays);
    if (!committed.ok) return bad('承诺时限 is not an integer');
    const actual = integerCell(record.usedDays);
    if (!actual.ok) return bad('实际用时 is not an integer');
    return {
      ok: true,
      value: {
        localId,
        applicantLocalId: trimOrNull(record.applicantNo),
        serviceItemCode: trimOrNull(record.itemCode),
        title: record.itemTitle.trim(),
        status: statusOf(record.status),
        rawStatus: trimOrNull(record.status),
        appliedAt: appliedAt.value,
        decidedAt: decidedAt.value,
        validUntil: validUntil.value?.slice(0, 10) ?? null,
        statutoryDays: statutory.value,
        committedDays: committed.value,
        actualDays: actual.value,
      },
    };
  },

  applicant(row) {
    const localId = row.applicantNo.trim();
    if (!localId) return { ok: false, localId: `line ${row.line}`, reason: `line ${row.line}: blank 申请人编号` };
    const name = trimOrNull(row.name);
    if (!name) return { ok: false, localId, reason: `line ${row.line}: blank 单位名称` };
    const identifiers = trimOrNull(row.certNo) ? [{ value: row.certNo, claimedType: claimedTypeFromText(row.certType) }] : [];
    return {
      ok: true,
      value: {
        localId,
        kind: KIND.get(row.applicantType.trim()) ?? null,
        name,
        identifiers,
        phone: trimOrNull(row.tel),
        address: trimOrNull(row.addr),
      },
    };
  },
};
