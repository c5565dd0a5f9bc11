import type { IdentifierType } from './identifiers/index.js';

/** The unified permit status every department's own codes map into. */
export const PERMIT_STATUSES = ['SUBMITTED', 'ACCEPTED', 'UNDER_REVIEW', 'APPROVED', 'REJECTED', 'WITHDRAWN', 'REVOKED', 'EXPIRED', 'UNKNOWN'] as const;
export type PermitStatus = (typeof PERMIT_STATUSES)[number];

/** The ten categories of the power-and-responsibility list (权力类别). */
export const POWER_CATEGORIES = [
  'LICENSING',
  'PENALTY',
  'COERCION',
  'LEVY',
  'BENEFIT',
  'INSPECTION',
  'CONFIRMATION',
  'REWARD',
  'ADJUDICATION',
  'OTHER',
] as const;
export type PowerCategory = (typeof POWER_CATEGORIES)[number];

export type ApplicantKind = 'PERSON' | 'ORGANIZATION';
export type DisclosureMode = 'PROACTIVE' | 'ON_REQUEST';

/** A permit in the unified shape, as a department's mapper produces it from one legacy record. */
export interface UnifiedPermit {
  /** The permit's key in its department's system (not personal data). */
  localId: string;
  /** The applicant's key in the same system; the identity crosswalk links it to a hub applicant. */
  applicantLocalId: string | null;
  serviceItemCode: string | null;
  title: string;
  status: PermitStatus;
  /** The department's own status code or text, kept verbatim. */
  rawStatus: string | null;
  /** ISO 8601 with +08:00. */
  appliedAt: string | null;
  decidedAt: string | null;
  /** YYYY-MM-DD. */
  validUntil: string | null;
  statutoryDays: number | null;
  committedDays: number | null;
  actualDays: number | null;
}

/** An applicant as one department's system stores it, for the identity crosswalk. */
export interface ApplicantRecord {
  localId: string;
  /** What the record says it is; legacy type flags are often wrong, identifiers decide when valid. */
  kind: ApplicantKind | null;
  name: string;
  /** Every identifier-looking value the record holds, raw, with the type its system claims if any. */
  identifiers: Array<{ value: string; claimedType: IdentifierType | null }>;
  phone: string | null;
  address: string | null;
}
