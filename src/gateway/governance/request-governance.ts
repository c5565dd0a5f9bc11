import { GraphQLError } from 'graphql';
import type { AuditEventInput, AuditReleasedData } from '../../storage/audit-log/index.js';
import { ErrorCode } from '../../schema/index.js';
import { decideAccess, type Access, type Caller } from './access-decision.js';
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

  constructor(readonly caller: Caller) {}

  /**
   * Decides one field of one row, records the release, and throws FORBIDDEN (the field becomes null
   * with that error; the rest of the query answers) when the caller may not see it.
   */
  access(policy: FieldPolicy, row: RowFacts): Exclude<Access, 'denied'> {
    const { access, level } = decideAccess(policy, row, this.caller);
    if (access === 'denied') {
      this.denials.add(`${policy.coordinate}@${row.owners.join('+')}`);
      throw forbidden(policy.coordinate, level, row.owners, this.caller);
    }
    const own = this.caller.consumer?.departmentCode ?? null;
    for (const owner of row.owners) {
      if (owner === own) continue;
      const entry = this.entry(owner);
      (access === 'masked' ? entry.masked : entry.clear).add(policy.coordinate);
      for (const key of row.recordKeys) if (key.startsWith(`${owner}:`)) entry.records.add(key);
    }
    if (row.applicantId && row.owners.some((o) => o !== own)) this.applicants.add(row.applicantId);
    return access;
  }

  /** A lookup by a personal identifier needs the steward or a clear-text grant on applicant identifiers. */
  mayLookUpPersonalIdentifier(): boolean {
    const { consumer, purpose, grants } = this.caller;
    if (consumer?.kind === 'STEWARD') return true;
    return !!purpose && grants.some((g) => g.purpose === purpose && g.clearText && (g.fields.includes('Applicant.identifiers') || g.fields.includes('Applicant')));
  }

  /**
   * Records a lookup by a personal identifier, allowed or not: it is audited even when it finds nothing,
   * since an answer of "no such person" is itself information.
   */
  lookup(allowed: boolean, identifierType: string): void {
    if (allowed) this.entry('identity').clear.add(`lookup:${identifierType}`);
    else this.denials.add(`lookup:${identifierType}`);
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

  private entry(department: string): Released {
    let entry = this.released.get(department);
    if (!entry) this.released.set(department, (entry = { clear: new Set(), masked: new Set(), records: new Set() }));
    return entry;
  }
}

function forbidden(coordinate: string, level: string, owners: readonly string[], caller: Caller): GraphQLError {
  const owner = owners.join(', ');
  const why =
    level === 'NONE'
      ? 'it is not shared outside its department'
      : level === 'CONDITIONAL'
        ? caller.purpose
          ? `no live grant covers it for purpose ${caller.purpose}`
          : 'it needs a live grant and a purpose declared in the x-purpose header'
        : 'a credential of a government consumer is required';
  return new GraphQLError(`${coordinate} is ${level} data of ${owner}: ${why}`, {
    extensions: { code: ErrorCode.FORBIDDEN, field: coordinate, shareLevel: level, owner, owners: [...owners] },
  });
}
