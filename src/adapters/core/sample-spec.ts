import { parseIdentifier } from '../../schema/identifiers/index.js';
import type { ApplicantRecord, UnifiedPermit } from '../../schema/model.js';
import type { Adapter, Mapped } from './contract.js';

/** How one field read over the sampled records. */
export interface FieldReport {
  /** Records where it was absent or blank. */
  nulls: number;
}

/** What a bounded read of a department's system showed, per entity and field. */
export interface SampleReport {
  permits: {
    read: number;
    /** Records the mapper refused, with its reason (field and value kind; never the value). */
    rejected: Array<{ localId: string; reason: string }>;
    fields: Record<string, FieldReport>;
    /** Status codes the spec's `statuses` does not map (they read as UNKNOWN), with counts. */
    unmappedStatuses: Record<string, number>;
    /** Service item codes the catalogue does not know, with counts. */
    unknownServiceItems: Record<string, number>;
  };
  applicants: {
    read: number;
    rejected: Array<{ localId: string; reason: string }>;
    fields: Record<string, FieldReport>;
    /** Identifier values that validate as no USCC, organisation code or resident ID (check digit or shape). */
    invalidIdentifiers: number;
  };
}

const PERMIT_REPORTED = [
  'applicantLocalId',
  'serviceItemCode',
  'title',
  'rawStatus',
  'appliedAt',
  'decidedAt',
  'validUntil',
  'statutoryDays',
  'committedDays',
  'actualDays',
] as const;
const APPLICANT_REPORTED = ['kind', 'phone', 'address'] as const;

/**
 * Reads a bounded sample through a department's adapter and reports, per field, what the spec made of
 * it: rejected records with reasons, blanks, status codes the spec does not map, service items the
 * catalogue does not know, identifiers failing their check character. Runs before a spec goes live and
 * in `huitong departments validate`; the caller bounds it with `signal`.
 *
 * @example
 * const report = await sampleSpec(adapter, { limit: 200, signal: AbortSignal.timeout(10_000), catalogue: new Set(codes) });
 */
export async function sampleSpec(
  adapter: Adapter<any, any>,
  options: { limit: number; signal: AbortSignal; catalogue?: ReadonlySet<string> },
): Promise<SampleReport> {
  const ctx = { signal: options.signal };
  const [page] = await adapter.connector.listPermits([{ limit: options.limit }], ctx);
  const { rows: applicantRows } = await adapter.connector.listApplicants(null, options.limit, ctx);
  const known = new Set(Object.values(adapter.mapper.statusCodes).flat());
  const report: SampleReport = {
    permits: { read: 0, rejected: [], fields: emptyFields(PERMIT_REPORTED), unmappedStatuses: {}, unknownServiceItems: {} },
    applicants: { read: 0, rejected: [], fields: emptyFields([...APPLICANT_REPORTED, 'identifiers']), invalidIdentifiers: 0 },
  };
  for (const raw of page?.rows ?? []) {
    report.permits.read++;
    const mapped = safely(() => adapter.mapper.permit(raw)) as Mapped<UnifiedPermit>;
    if (!mapped.ok) {
      report.permits.rejected.push({ localId: mapped.localId, reason: mapped.reason });
      continue;
    }
    const permit = mapped.value;
    for (const field of PERMIT_REPORTED) if (permit[field] === null || permit[field] === '') report.permits.fields[field]!.nulls++;
    if (permit.rawStatus !== null && !known.has(permit.rawStatus)) bump(report.permits.unmappedStatuses, permit.rawStatus);
    if (permit.serviceItemCode !== null && options.catalogue && !options.catalogue.has(permit.serviceItemCode))
      bump(report.permits.unknownServiceItems, permit.serviceItemCode);
  }
  for (const raw of applicantRows) {
    report.applicants.read++;
    const mapped = safely(() => adapter.mapper.applicant(raw)) as Mapped<ApplicantRecord>;
    if (!mapped.ok) {
      report.applicants.rejected.push({ localId: mapped.localId, reason: mapped.reason });
      continue;
    }
    const applicant = mapped.value;
    for (const field of APPLICANT_REPORTED) if (applicant[field] === null) report.applicants.fields[field]!.nulls++;
    if (applicant.identifiers.length === 0) report.applicants.fields.identifiers!.nulls++;
    for (const id of applicant.identifiers) if (parseIdentifier(id.value, id.claimedType ?? undefined).length === 0) report.applicants.invalidIdentifiers++;
  }
  return report;
}

function emptyFields(names: readonly string[]): Record<string, FieldReport> {
  return Object.fromEntries(names.map((n) => [n, { nulls: 0 }]));
}

function bump(counts: Record<string, number>, key: string) {
  counts[key] = (counts[key] ?? 0) + 1;
}

function safely<T>(map: () => Mapped<T>): Mapped<T> {
  try {
    return map();
  } catch (error) {
    return { ok: false, localId: 'unknown', reason: (error as Error).message };
  }
}
