import { isDeepStrictEqual } from 'node:util';
import type { DepartmentSpec } from './department-spec.js';
import { sourceOf } from './fields.js';

/** One difference between the active spec and a candidate that consumers of the data would notice. */
export interface ContractChange {
  path: string;
  message: string;
  /** Breaks ids or cursors already handed out: refused unless the change is forced. */
  breaking: boolean;
}

/**
 * The data contract between a department's active spec and a candidate. Global ids carry the permit
 * key, the crosswalk the applicant key, cursors the application time: changing how any of them is read
 * breaks what clients and the crosswalk already hold. Status and service-item mapping changes are
 * reported, not refused.
 *
 * @example
 * compareSpecs(active, candidate).filter((c) => c.breaking); // [{ path: 'permits.fields.key', … }]
 */
export function compareSpecs(active: DepartmentSpec, candidate: DepartmentSpec): ContractChange[] {
  const changes: ContractChange[] = [];
  const breaking = (path: string, message: string) => changes.push({ path, message, breaking: true });
  const noted = (path: string, message: string) => changes.push({ path, message, breaking: false });
  if (active.code !== candidate.code) breaking('code', `the department code is fixed (${active.code}); a new code is a new department`);
  const keyOf = (spec: DepartmentSpec, entity: 'permits' | 'applicants') => sourceOf(spec[entity].fields.key);
  if (keyOf(active, 'permits') !== keyOf(candidate, 'permits') || !isDeepStrictEqual(locationOf(active.permits), locationOf(candidate.permits))) {
    if (keyOf(active, 'permits') !== keyOf(candidate, 'permits'))
      breaking(
        'permits.fields.key',
        `the permit key changes from ${keyOf(active, 'permits')} to ${keyOf(candidate, 'permits')}: every permit id handed out would point nowhere`,
      );
    else noted('permits', 'permits are read from another place; their keys must stay the same');
  }
  if (keyOf(active, 'applicants') !== keyOf(candidate, 'applicants')) {
    breaking(
      'applicants.fields.key',
      `the applicant key changes from ${keyOf(active, 'applicants')} to ${keyOf(candidate, 'applicants')}: the crosswalk would lose every link`,
    );
  }
  if (!isDeepStrictEqual(active.permits.fields.appliedAt, candidate.permits.fields.appliedAt) || active.timeZone !== candidate.timeZone) {
    breaking('permits.fields.appliedAt', 'how the application time is read changes: cursors already handed out would resume in the wrong place');
  }
  if (active.kind !== candidate.kind) noted('kind', `the kind changes from ${active.kind} to ${candidate.kind}`);
  for (const code of new Set([...Object.keys(active.statuses), ...Object.keys(candidate.statuses)])) {
    const before = active.statuses[code];
    const after = candidate.statuses[code];
    if (before === after) continue;
    noted(
      `statuses.${code}`,
      before === undefined
        ? `code ${code} now reads as ${after}`
        : after === undefined
          ? `code ${code} (${before}) now reads as UNKNOWN`
          : `code ${code} changes from ${before} to ${after}`,
    );
  }
  const items = (spec: DepartmentSpec) => spec.serviceItems ?? {};
  for (const code of new Set([...Object.keys(items(active)), ...Object.keys(items(candidate))])) {
    if (items(active)[code] !== items(candidate)[code])
      noted(`serviceItems.${code}`, `item ${code} maps to ${items(candidate)[code] ?? 'itself'} (was ${items(active)[code] ?? 'itself'})`);
  }
  return changes;
}

/** An entity's location in its system (table, endpoint, file …): everything but its fields. */
function locationOf(entity: { fields: unknown }): Record<string, unknown> {
  const { fields: _fields, ...location } = entity as Record<string, unknown>;
  return location;
}
