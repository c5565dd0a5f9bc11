import { GraphQLError } from 'graphql';
import type { AuditEventInput, AuditReleasedData } from '../../storage/audit-log/index.js';
import { ErrorCode } from '../../schema/index.js';
import { accessTo, levelFor, type Access, type Caller } from './access-decision.js';
import type { FieldPolicy } from './field-policy.js';

/** A row's owners, its record ids per department, and the applicant it is about, for the audit trail. */
export interface RowFacts {
  owners: readonly string[];
  person: boolean;
  /** `department:localId` keys of the department records the row's data comes from. */
  recordKeys: readonly string[];
  /** The hub's applicant key (inside the public id), when the row is an applicant. */
  applicantId?: string;
}

/** Whom a lookup that found no one is taken to be about: a natural person no department is known to hold. */
const UNKNOWN_PERSON: RowFacts = { owners: [], person: true, recordKeys: [] };

interface Released {
  clear: Set<string>;
  masked: Set<string>;
  records: Set<string>;
}

/**
 * One request's governance: who is asking, the decision for each governed field it reaches, and the
 * ledger of what was released (per department, clear or masked, which records) or denied. The ledger
 * becomes the request's audit event before the response leaves.
 *
 * @example
 * const governance = new RequestGovernance({ consumer, purpose: 'LICENSING_REVIEW', grants });
 * const access = governance.access(policy, facts); // 'clear' | 'masked', or throws FORBIDDEN
 */
export class RequestGovernance {
  private readonly released = new Map<string, Released>();
  private readonly applicants = new Set<string>();
  private readonly denials = new Set<string>();
  // Request-scoped, strong collections: they go with the request. Weak ones (one entry per row, thousands
  // on a 200-permit page) would cost every garbage collection meanwhile.
  private readonly recordedRows = new Set<RowFacts>();
  private readonly factsBySource = new Map<unknown, RowFacts>();

  constructor(readonly caller: Caller) {}

  /**
   * A row's facts, read once however many of its fields are selected (a 200-permit page has thousands).
   *
   * @example
   * governance.access(policy, governance.factsOf(source, GOVERNED_TYPES.Permit.facts));
   */
  factsOf(source: unknown, read: (source: unknown) => RowFacts): RowFacts {
    if (typeof source !== 'object' || source === null) return read(source);
    let known = this.factsBySource.get(source);
    if (!known) this.factsBySource.set(source, (known = read(source)));
    return known;
  }

  /**
   * Decides one field of one row, records the release, and throws FORBIDDEN (the field becomes null
   * with that error; the rest of the query answers) when the caller may not see it.
   */
  access(policy: FieldPolicy, row: RowFacts): Exclude<Access, 'denied'> {
    const access = accessTo(policy, row, this.caller);
    if (access === 'denied') {
      this.refused(policy.coordinate, row);
      throw forbidden(policy.coordinate, levelFor(policy, row), row, this.caller);
    }
    this.release(policy.coordinate, access, row);
    return access;
  }

  /**
   * Decides a lookup that names one applicant — by id, by identifier, as a list's filter — by `policy`
   * applied to the applicant found, or, when none is, to an unknown natural person: so a caller who may
   * not see a person cannot tell a person from no one. `clear` asks for clear access (a lookup by a
   * personal identifier confirms the identifier). Allowed or not, the lookup is audited with the
   * applicant found: refused, under `label` (and `refusal` is thrown, the same error either way);
   * allowed, as a release of the policy's field — and under `label` too with `recordAllowed`, found or
   * not, since "no such person" is itself an answer.
   *
   * @example
   * governance.lookUp(policies.get('Applicant.id')!, found, { label: 'Query.applicant', refusal: () => notFoundOrForbidden('Query.applicant') });
   */
  lookUp(policy: FieldPolicy, found: RowFacts | null, options: { label: string; clear?: boolean; recordAllowed?: boolean; refusal: () => GraphQLError }): void {
    const row = found ?? UNKNOWN_PERSON;
    const access = accessTo(policy, row, this.caller);
    const allowed = options.clear ? access === 'clear' : access !== 'denied';
    if (!allowed) {
      // The label alone: the applicant recorded with it says whose records the lookup was after.
      this.denials.add(options.label);
      if (found?.applicantId) this.applicants.add(found.applicantId);
      throw options.refusal();
    }
    if (found && access !== 'denied') this.release(policy.coordinate, access, found);
    if (options.recordAllowed) this.entry('identity').clear.add(options.label);
  }

  /**
   * Whether the caller may be told about an applicant no department is known to hold — a lookup that
   * finds no one — under `policy`: the steward always; a government consumer where the person class is
   * UNCONDITIONAL. Such a caller may know whether someone exists, so its lookups need not hide it.
   */
  mayKnowNobody(policy: FieldPolicy, clear = false): boolean {
    const access = accessTo(policy, UNKNOWN_PERSON, this.caller);
    return clear ? access === 'clear' : access !== 'denied';
  }

  /** The audit event for this request, or null when it touched no other department's data and was denied nothing. */
  auditEvent(operation: { name: string | null; hash: string }, requestId: string, failedDepartments: number): AuditEventInput | null {
    if (this.released.size === 0 && this.denials.size === 0) return null;
    const released: AuditReleasedData[] = [...this.released]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([department, r]) => ({ department, clearFields: [...r.clear].sort(), maskedFields: [...r.masked].sort(), recordIds: [...r.records].sort() }));
    const anyReleased = released.some((r) => r.clearFields.length + r.maskedFields.length > 0);
    const outcome = !anyReleased ? 'denied' : this.denials.size > 0 || failedDepartments > 0 ? 'partial' : 'released';
    const consumer = this.caller.consumer;
    return {
      consumer: consumer?.id ?? 'public',
      consumerDepartment: consumer?.departmentCode ?? null,
      purpose: this.caller.purpose ?? 'none',
      operation,
      released,
      applicantIds: [...this.applicants].sort(),
      outcome,
      denied: [...this.denials].sort(),
      requestId,
    };
  }

  /** Records what a decision released: per owning department other than the caller's, the field and the records. */
  private release(coordinate: string, access: Exclude<Access, 'denied'>, row: RowFacts): void {
    const own = this.caller.consumer?.departmentCode ?? null;
    // A row's records and applicant are the same whichever of its fields is released: recorded once.
    const first = !this.recordedRows.has(row);
    if (first) this.recordedRows.add(row);
    let others = false;
    for (const owner of row.owners) {
      if (owner === own) continue;
      others = true;
      const entry = this.entry(owner);
      (access === 'masked' ? entry.masked : entry.clear).add(coordinate);
      if (first) for (const key of row.recordKeys) if (isRecordOf(key, owner)) entry.records.add(key);
    }
    if (first && others && row.applicantId) this.applicants.add(row.applicantId);
  }

  /** Records a refusal, with the applicant it was about: who tried to read a person is part of the trail. */
  private refused(coordinate: string, row: RowFacts): void {
    this.denials.add(`${coordinate}@${row.owners.join('+')}`);
    if (row.applicantId) this.applicants.add(row.applicantId);
  }

  private entry(department: string): Released {
    let entry = this.released.get(department);
    if (!entry) this.released.set(department, (entry = { clear: new Set(), masked: new Set(), records: new Set() }));
    return entry;
  }
}

/** Whether `department:localId` is a record of `department`. */
const isRecordOf = (key: string, department: string) => key.charCodeAt(department.length) === 58 /* : */ && key.startsWith(department);

/**
 * The FORBIDDEN error of one field of one row. It names the field and its class; the owning departments
 * only for data that is not about a natural person — where a person's records are held is itself
 * personal (a record at the health bureau says something), so a consumer finds whom to ask for a
 * field in `fieldProviders` instead.
 */
function forbidden(coordinate: string, level: string, row: RowFacts, caller: Caller): GraphQLError {
  const why =
    level === 'NONE'
      ? 'it is not shared outside its department'
      : level === 'CONDITIONAL'
        ? caller.purpose
          ? `no live grant covers it for purpose ${caller.purpose}`
          : 'it needs a live grant and a purpose declared in the x-purpose header'
        : 'a credential of a government consumer is required';
  if (row.person) {
    return new GraphQLError(`${coordinate} is ${level} data about a natural person: ${why}; fieldProviders lists the departments to ask`, {
      extensions: { code: ErrorCode.FORBIDDEN, field: coordinate, shareLevel: level },
    });
  }
  const owner = row.owners.join(', ');
  return new GraphQLError(`${coordinate} is ${level} data of ${owner}: ${why}`, {
    extensions: { code: ErrorCode.FORBIDDEN, field: coordinate, shareLevel: level, owner, owners: [...row.owners] },
  });
}
