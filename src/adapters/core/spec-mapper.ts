import type { IdentifierType } from '../../schema/identifiers/index.js';
import type { ApplicantKind, ApplicantRecord, PermitStatus, UnifiedPermit } from '../../schema/model.js';
import { shanghaiIsoOfEpochMs } from '../../schema/shanghai-time.js';
import type { DepartmentSpec, FieldSource } from '../spec/department-spec.js';
import type { RawRecord } from '../spec/fields.js';
import type { Mapped, Mapper } from './contract.js';
import { claimedTypeFromText } from './mapping-helpers.js';
import { instantReader, readInteger, readText, valueMap, wallClockReader, type Read } from './spec-values.js';
import { fixedZone } from './time-zone.js';

const KINDS = new Map<string, ApplicantKind>([
  ['ORGANIZATION', 'ORGANIZATION'],
  ['PERSON', 'PERSON'],
  ['单位', 'ORGANIZATION'],
  ['法人', 'ORGANIZATION'],
  ['企业', 'ORGANIZATION'],
  ['个人', 'PERSON'],
  ['自然人', 'PERSON'],
]);
const IDENTIFIER_TYPES = new Set<string>(['USCC', 'ORG_CODE', 'RESIDENT_ID']);

/** A spec mapper also says which of the system's own item codes stand for each catalogue code, for filters. */
export interface SpecMapper extends Mapper<RawRecord, RawRecord> {
  localServiceItemCodes(catalogueCodes: readonly string[]): string[];
}

/**
 * The mapper of any spec-declared department: raw records (values under their unified names, as every
 * kind's connector hands them over) → the unified shape, following the spec's formats, code tables and
 * zone. Pure: a record that does not read is rejected with the field and the reason, never guessed.
 *
 * @example
 * const mapper = specMapper(spec);
 * mapper.permit({ key: 'SJ1', title: '食品经营许可证', status: '04', appliedAt: '2023-04-12 10:30:00' });
 * // { ok: true, value: { localId: 'SJ1', status: 'APPROVED', appliedAt: '2023-04-12T10:30:00+08:00', … } }
 */
export function specMapper(spec: Pick<DepartmentSpec, 'statuses' | 'serviceItems' | 'timeZone' | 'permits' | 'applicants'>): SpecMapper {
  const p = spec.permits.fields;
  const a = spec.applicants.fields;
  const zone = fixedZone(spec.timeZone);
  const statusByCode = new Map(Object.entries(spec.statuses));
  const statusCodes: Partial<Record<PermitStatus, string[]>> = {};
  for (const [code, status] of statusByCode) (statusCodes[status] ??= []).push(code);
  const items = spec.serviceItems ?? {};
  const localItems = new Map<string, string[]>();
  for (const [local, catalogue] of Object.entries(items)) localItems.set(catalogue, [...(localItems.get(catalogue) ?? []), local]);

  const instant = (field: typeof p.appliedAt) =>
    field === undefined ? () => ({ ok: true, value: null }) as Read<number> : instantReader(field, spec.timeZone);
  const appliedAt = instant(p.appliedAt);
  const decidedAt = instant(p.decidedAt);
  const validUntil = p.validUntil === undefined ? () => ({ ok: true, value: null }) as const : wallClockReader(p.validUntil, zone);
  const kindMap = valueMap(a.kind);
  const identifiers = (a.identifiers ?? []).map((field, i) => ({
    value: `identifiers.${i}.value`,
    type: `identifiers.${i}.type`,
    fixed: field.type ?? null,
    map: valueMap(field.typeFrom),
  }));

  return {
    statusCodes,
    localServiceItemCodes: (codes) => codes.flatMap((code) => [...(localItems.get(code) ?? []), ...(Object.hasOwn(items, code) ? [] : [code])]),

    permit(raw): Mapped<UnifiedPermit> {
      const localId = readText(raw.key);
      if (localId === null) return { ok: false, localId: 'unknown', reason: `blank key (${describe(p.key)})` };
      // Field by field, no closures or loops: a page maps thousands of permits.
      const applied = appliedAt(raw.appliedAt);
      if (!applied.ok) return rejected(localId, p.appliedAt, applied.reason);
      const decided = decidedAt(raw.decidedAt);
      if (!decided.ok) return rejected(localId, p.decidedAt, decided.reason);
      const valid = validUntil(raw.validUntil);
      if (!valid.ok) return rejected(localId, p.validUntil, valid.reason);
      const statutoryDays = readInteger(raw.statutoryDays);
      if (!statutoryDays.ok) return rejected(localId, p.statutoryDays, statutoryDays.reason);
      const committedDays = readInteger(raw.committedDays);
      if (!committedDays.ok) return rejected(localId, p.committedDays, committedDays.reason);
      const actualDays = readInteger(raw.actualDays);
      if (!actualDays.ok) return rejected(localId, p.actualDays, actualDays.reason);
      const rawStatus = readText(raw.status);
      const item = readText(raw.serviceItem);
      return {
        ok: true,
        value: {
          localId,
          applicantLocalId: readText(raw.applicant),
          serviceItemCode: item === null ? null : (own(items, item) ?? item),
          title: readText(raw.title) ?? '',
          status: (rawStatus !== null && statusByCode.get(rawStatus)) || 'UNKNOWN',
          rawStatus,
          appliedAt: applied.value === null ? null : shanghaiIsoOfEpochMs(applied.value),
          decidedAt: decided.value === null ? null : shanghaiIsoOfEpochMs(decided.value),
          validUntil: valid.value === null ? null : isoDate(valid.value),
          statutoryDays: statutoryDays.value,
          committedDays: committedDays.value,
          actualDays: actualDays.value,
        },
      };
    },

    applicant(raw): Mapped<ApplicantRecord> {
      const localId = readText(raw.key);
      if (localId === null) return { ok: false, localId: 'unknown', reason: `blank key (${describe(a.key)})` };
      const name = readText(raw.name);
      if (name === null) return { ok: false, localId, reason: `blank name (${describe(a.name)})` };
      const kindText = readText(raw.kind);
      const kind = kindText === null ? null : (KINDS.get(own(kindMap, kindText) ?? kindText) ?? null);
      const found: ApplicantRecord['identifiers'] = [];
      for (const id of identifiers) {
        const value = readText(raw[id.value]);
        if (value === null) continue;
        found.push({ value, claimedType: id.fixed ?? claimedType(readText(raw[id.type]), id.map) });
      }
      return { ok: true, value: { localId, kind, name, identifiers: found, phone: readText(raw.phone), address: readText(raw.address) } };
    },
  };
}

function claimedType(text: string | null, map: Readonly<Record<string, string>> | undefined): IdentifierType | null {
  if (text === null) return null;
  const mapped = own(map, text);
  if (mapped !== undefined) return IDENTIFIER_TYPES.has(mapped) ? (mapped as IdentifierType) : null;
  return IDENTIFIER_TYPES.has(text) ? (text as IdentifierType) : claimedTypeFromText(text);
}

/** A map's own entry only: a cell reading `constructor` must not find Object's prototype. */
const own = (map: Readonly<Record<string, string>> | undefined, key: string) => (map && Object.hasOwn(map, key) ? map[key] : undefined);
/** A permit refused for one field, named as the legacy system names it. */
const rejected = (localId: string, field: FieldSource | undefined, reason: string): Mapped<UnifiedPermit> => ({
  ok: false,
  localId,
  reason: `${describe(field!)} ${reason}`,
});
const describe = (field: string | { from: string }) => (typeof field === 'string' ? field : field.from);
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const isoDate = (c: { year: number; month: number; day: number }) => `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;
