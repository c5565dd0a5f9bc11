import type { ApplicantRecord, PermitStatus, UnifiedPermit } from '../../schema/model.js';

/**
 * Where a permit stands in the order every list uses: applied-at descending (missing dates last), then
 * the department's local id ascending by code point. Keyset pagination resumes strictly after it.
 */
export interface PermitPosition {
  /** ISO 8601 with +08:00, or null for a record without an application date. */
  appliedAt: string | null;
  localId: string;
}

/**
 * One page request, already in the department's terms: statuses are the system's raw codes (the core
 * translates unified statuses through the mapper), applicant ids are the system's local ids.
 */
export interface PermitQuery {
  applicantLocalIds?: readonly string[];
  /** Keep rows whose raw status is one of these… */
  rawStatusIn?: readonly string[];
  /** …or, when set instead, whose raw status is none of these (how UNKNOWN is asked for). */
  rawStatusNotIn?: readonly string[];
  serviceItemCodes?: readonly string[];
  /** Inclusive bounds on the application time, ISO 8601 with offset. */
  appliedFrom?: string;
  appliedTo?: string;
  after?: PermitPosition;
  /** How many rows to return at most, in order. */
  limit: number;
  /**
   * `false` when the caller already holds a fresh total (a department's declared freshness bound): a
   * connector whose count costs may skip it and answer 0. Absent: count.
   */
  total?: boolean;
}

export interface RawPage<Raw> {
  /** Rows matching the filters, ignoring `after` and `limit`. */
  total: number;
  rows: Raw[];
}

/** What every connector call receives: the deadline, as a signal to pass to the I/O it starts. */
export interface CallContext {
  signal: AbortSignal;
}

/**
 * All I/O with one legacy system. Each method is one round trip to that system (one SQL statement, one
 * HTTP request, one file read), whatever the batch: that is how the hub avoids N+1 calls.
 */
export interface Connector<RawPermit, RawApplicant> {
  /** One page per query, in the order asked. */
  listPermits(queries: readonly PermitQuery[], ctx: CallContext): Promise<Array<RawPage<RawPermit>>>;
  /** Permits by local id; unknown ids are simply absent. */
  getPermits(localIds: readonly string[], ctx: CallContext): Promise<RawPermit[]>;
  /** Applicant records for the identity sync, in a stable order; `after` is the connector's own token. */
  listApplicants(after: string | null, limit: number, ctx: CallContext): Promise<{ rows: RawApplicant[]; next: string | null }>;
  /**
   * Optional, for a system whose counts scan a table: the totals of several lists in one round trip —
   * one scan for all of them — in the order asked (each query's filters; `after`, `limit` and `total`
   * ignored). With a declared freshness bound, the runtime counts together the totals that concurrent
   * requests miss instead of one scan each.
   */
  countPermits?(queries: readonly PermitQuery[], ctx: CallContext): Promise<number[]>;
  close?(): Promise<void>;
}

/** The outcome of mapping one legacy record: the unified value, or why it was rejected. */
export type Mapped<T> = { ok: true; value: T } | { ok: false; localId: string; reason: string };

/**
 * Pure translation from a legacy system's records to the unified shape. No I/O, no clock, no state:
 * the same record always maps to the same value, which is what makes mappers testable on fixtures.
 */
export interface Mapper<RawPermit, RawApplicant> {
  permit(raw: RawPermit): Mapped<UnifiedPermit>;
  applicant(raw: RawApplicant): Mapped<ApplicantRecord>;
  /** The system's raw codes for each unified status it knows; everything else maps to UNKNOWN. */
  readonly statusCodes: Readonly<Partial<Record<PermitStatus, readonly string[]>>>;
  /** The system's own item codes for catalogue service item codes, when they differ; filters are sent in these. */
  localServiceItemCodes?(catalogueCodes: readonly string[]): string[];
}

/**
 * What a department implements to join the hub — as small as a kysely `Dialect`: a connector (I/O) and
 * a mapper (pure). The core wraps both (`RuntimeAdapter`), so deadlines, batch caps, error codes and bad
 * record reporting apply to every department without any adapter opting in.
 *
 * @example
 * export const createAdapter: AdapterFactory = async ({ connection }) => ({
 *   connector: new MySqlConnector(connection.url),
 *   mapper: mySystemMapper,
 * });
 */
export interface Adapter<RawPermit = unknown, RawApplicant = unknown> {
  connector: Connector<RawPermit, RawApplicant>;
  mapper: Mapper<RawPermit, RawApplicant>;
}

/** The settings a department's registry row carries for its adapter. */
export interface AdapterSettings {
  /** Department code, e.g. `market`. */
  department: string;
  /** Kind-specific connection settings (URL, directory…); may hold secrets, never logged. */
  connection: Record<string, unknown>;
}

export type AdapterFactory = (settings: AdapterSettings) => Promise<Adapter<any, any>>;
