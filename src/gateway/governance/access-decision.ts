import type { Consumer } from '../auth/consumer.js';
import type { FieldPolicy, ShareLevel } from './field-policy.js';

/** A live permission to conditional data, as the governance subgraph stores it. */
export interface Grant {
  /** The owning department that granted it. */
  department: string;
  /** Field coordinates (`ApplicantRecord.phone`) or whole types (`ApplicantRecord`). */
  fields: readonly string[];
  purpose: string;
  clearText: boolean;
}

/** Who asks and under which grants. Grants count only for the purpose the request declared. */
export interface Caller {
  consumer: Consumer | null;
  purpose: string | null;
  grants: readonly Grant[];
}

/** What the row a field belongs to is about: whose data it is and whether it concerns a natural person. */
export interface RowOwners {
  owners: readonly string[];
  person: boolean;
}

export type Access = 'clear' | 'masked' | 'denied';

export interface AccessDecision {
  access: Access;
  /** The class that applied (the person class for a natural person's row). */
  level: ShareLevel;
}

/**
 * The sharing rules in one pure function. A steward sees everything in clear; a department always sees
 * its own data; OPEN is for anyone; UNCONDITIONAL for any authenticated government consumer; CONDITIONAL
 * needs a live grant from an owning department for the declared purpose; NONE never leaves its owner.
 * Personal data of natural persons is masked unless the grant that applies allows clear text.
 *
 * @example
 * decideAccess(policies.get('ApplicantRecord.phone')!, { owners: ['health'], person: true }, { consumer: market, purpose: null, grants: [] });
 * // { access: 'denied', level: 'CONDITIONAL' }
 */
export function decideAccess(policy: FieldPolicy, row: RowOwners, caller: Caller): AccessDecision {
  return { access: accessTo(policy, row, caller), level: levelFor(policy, row) };
}

/** `decideAccess`'s access alone, allocating nothing: the gateway asks it for each governed field of each row. */
export function accessTo(policy: FieldPolicy, row: RowOwners, caller: Caller): Access {
  const level = levelFor(policy, row);
  const consumer = caller.consumer;
  if (consumer?.kind === 'STEWARD') return 'clear';
  if (consumer?.departmentCode && row.owners.includes(consumer.departmentCode)) return 'clear';
  const masks = row.person && policy.personal !== null;
  if (level === 'NONE') return 'denied';
  if (level === 'OPEN' && !masks) return 'clear';
  if (!consumer) return level === 'OPEN' ? 'masked' : 'denied';
  const grant = findGrant(policy, row, caller);
  if (level === 'CONDITIONAL' && !grant) return 'denied';
  return masks && !grant?.clearText ? 'masked' : 'clear';
}

/** The class that applies to a row: the person class for a natural person's. */
export const levelFor = (policy: FieldPolicy, row: RowOwners): ShareLevel => (row.person ? policy.person : policy.level);

/** The grant, if any, that covers this field of this row for the declared purpose (clear text preferred). */
export function findGrant(policy: Pick<FieldPolicy, 'coordinate' | 'typeName'>, row: RowOwners, caller: Caller): Grant | undefined {
  if (!caller.purpose) return undefined;
  let found: Grant | undefined;
  for (const g of caller.grants) {
    if (g.purpose !== caller.purpose || !row.owners.includes(g.department)) continue;
    if (!g.fields.includes(policy.coordinate) && !g.fields.includes(policy.typeName)) continue;
    if (g.clearText) return g;
    found ??= g;
  }
  return found;
}
