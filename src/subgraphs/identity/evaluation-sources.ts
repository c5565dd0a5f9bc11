import { claimedIdentifierType, type ResolutionRecord } from '../../identity-resolution/index.js';
import type { SourcedRecord } from './applicant-cluster.js';
import type { ApplicantSource } from './sync.js';

/**
 * Evaluation-generator records as departments would send them to a sync (tests and the sync benchmark).
 *
 * @example
 * const records = asDepartmentRecords(generateEvaluationSet({ seed: 7, entities: 800 }).records);
 */
export function asDepartmentRecords(records: readonly ResolutionRecord[]): SourcedRecord[] {
  return records.map((r) => ({
    department: r.source,
    localId: r.localId,
    kind: r.kind ?? null,
    name: r.name ?? '',
    identifiers: r.idNumber ? [{ value: r.idNumber, claimedType: claimedIdentifierType(r.idType) }] : [],
    phone: r.phone ?? null,
    address: r.address ?? null,
  }));
}

/**
 * One `ApplicantSource` per department over a fixed export, in pages of 500.
 *
 * @example
 * await syncIdentity(db, sourcesOf(asDepartmentRecords(set.records)));
 */
export function sourcesOf(records: readonly SourcedRecord[]): ApplicantSource[] {
  const byDepartment = new Map<string, SourcedRecord[]>();
  for (const r of records) {
    const list = byDepartment.get(r.department);
    if (list) list.push(r);
    else byDepartment.set(r.department, [r]);
  }
  return [...byDepartment].map(([department, list]) => ({
    department,
    async *pages() {
      for (let i = 0; i < list.length; i += 500) yield list.slice(i, i + 500).map(({ department: _d, ...r }) => r);
    },
  }));
}
