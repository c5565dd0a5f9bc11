// Which true applicants a department has records of, in the department's own (shuffled) order,
// including the occasional second record of the same applicant typed in again years later.

import type { EntityDraft } from './entities.js';
import type { Random } from './random.js';
import type { DemoDepartmentCode } from './types.js';

/**
 * Members of `department`, shuffled so local ids say nothing about the true entity, with about
 * `duplicateShare` of them recorded twice.
 *
 * @example
 * const locals = localApplicants(r, entities, 'market', 0.03);
 */
export function localApplicants(r: Random, entities: readonly EntityDraft[], department: DemoDepartmentCode, duplicateShare: number): EntityDraft[] {
  const out: EntityDraft[] = [];
  for (const e of entities) {
    if (!e.departments.includes(department)) continue;
    out.push(e);
    if (r.chance(duplicateShare)) out.push(e);
  }
  return r.shuffle(out);
}
