// The true applicants of the demo district: who really exists, before any department writes them
// down. Each knows its sector and which departments it deals with.

import { generateResidentId, generateUscc } from '../../schema/identifiers/index.js';
import { address, phone } from './contact.js';
import { COMMON_NAMES, branchName, joinOrgName, lookalikeParts, orgNameParts, personName, rarePersonName, type OrgNameParts } from './names.js';
import type { Random } from './random.js';
import type { Sector } from './service-items.js';
import type { DemoDepartmentCode, TrueApplicant } from './types.js';

/** A true applicant plus what the generator needs to write its permits. */
export interface EntityDraft extends TrueApplicant {
  sector: Sector | null;
  departments: DemoDepartmentCode[];
}

// Chance of dealing with [market, housing, health], by sector; persons last.
const MEMBERSHIP: Record<Sector | 'person', readonly [number, number, number]> = {
  food: [0.95, 0.15, 0.45],
  construction: [0.7, 0.9, 0.1],
  medical: [0.6, 0.2, 0.95],
  leisure: [0.8, 0.2, 0.8],
  general: [0.9, 0.3, 0.2],
  person: [0.5, 0.25, 0.6],
};
const DEPARTMENTS: readonly DemoDepartmentCode[] = ['market', 'housing', 'health'];

// Birthplaces: Haizhu itself, elsewhere in Guangdong, and other provinces (people move to Guangzhou).
const OTHER_DIVISIONS = ['440103', '440104', '440106', '440111', '445221', '440582', '441402', '440803', '360502', '430105', '450102'];
// Organisations registered elsewhere in Guangzhou that operate in Haizhu.
const OTHER_ORG_DIVISIONS = ['440103', '440104', '440106', '440111'];

function memberships(r: Random, key: Sector | 'person'): DemoDepartmentCode[] {
  const p = MEMBERSHIP[key];
  const out = DEPARTMENTS.filter((_, i) => r.chance(p[i]!));
  if (out.length > 0) return out;
  // Everyone in the demo applied somewhere: fall back to the likeliest department.
  const best = p.indexOf(Math.max(...p));
  return [DEPARTMENTS[best]!];
}

/**
 * Draws `count` true applicants: about 60 % organisations (with branch offices and look-alike
 * names among them) and 40 % persons (with shared common names and a few rare-character names).
 *
 * @example
 * const entities = generateEntities(new Random(mulberry32(1)), 1500);
 */
export function generateEntities(r: Random, count: number): EntityDraft[] {
  const orgCount = Math.round(count * 0.6);
  const personCount = count - orgCount;
  const usedCodes = new Set<string>();
  const usedNames = new Set<string>();
  const out: EntityDraft[] = [];
  // Head offices that are themselves applicants, with their name parts for look-alikes.
  const heads: Array<{ entity: EntityDraft; parts: OrgNameParts }> = [];

  const uniqueUscc = (division: string, prefix: string): string => {
    for (;;) {
      const code = generateUscc(r.rng, { division, prefix });
      // Two USCCs sharing the embedded org code would make the org-code link ambiguous.
      const org = code.slice(8, 17);
      if (!usedCodes.has(code) && !usedCodes.has(org)) {
        usedCodes.add(code);
        usedCodes.add(org);
        return code;
      }
    }
  };

  for (let i = 0; i < orgCount; i++) {
    const sector = r.weighted<Sector>({ food: 25, construction: 20, medical: 15, leisure: 15, general: 25 });
    const division = r.chance(0.85) ? '440105' : r.pick(OTHER_ORG_DIVISIONS);
    let name: string | null = null;
    let parts: OrgNameParts | null = null;
    let parentEntityId: number | null = null;
    let prefix = '91';
    const kind = r.next();
    if (kind < 0.06 && heads.length > 0) {
      // A branch office of an applicant head office: same trade name, different legal entity.
      const head = r.pick(heads);
      name = branchName(r, head.entity.name);
      parentEntityId = head.entity.entityId;
    } else if (kind < 0.09) {
      // A branch of a head office outside the district that never applied here itself.
      name = branchName(r, joinOrgName({ ...orgNameParts(r, sector, 'company'), prefix: r.pick(['广州', '深圳市', '佛山市']) }));
    } else if (kind < 0.12 && heads.length > 0) {
      parts = lookalikeParts(r, r.pick(heads).parts);
      name = parts ? joinOrgName(parts) : null;
    }
    if (name === null || usedNames.has(name)) {
      const nonprofit = sector === 'medical' && r.chance(0.3);
      parts = orgNameParts(r, sector, nonprofit ? 'nonprofit' : 'company');
      name = joinOrgName(parts);
      if (nonprofit) prefix = '52';
      // Rare collisions of random trade names: make them distinct rather than identical twins.
      while (usedNames.has(name)) {
        parts = orgNameParts(r, sector, nonprofit ? 'nonprofit' : 'company');
        name = joinOrgName(parts);
      }
      parentEntityId = null;
    }
    usedNames.add(name);
    const entity: EntityDraft = {
      entityId: out.length + 1,
      kind: 'ORGANISATION',
      name,
      uscc: uniqueUscc(division, prefix),
      residentId: null,
      parentEntityId,
      phone: phone(r, 0.3),
      address: address(r),
      sector,
      departments: memberships(r, sector),
    };
    out.push(entity);
    if (parts !== null && parentEntityId === null) heads.push({ entity, parts });
  }

  // A fixed number of rare-character names, evenly spread, so every seed has some.
  const rareEvery = Math.max(1, Math.floor(personCount / Math.max(3, Math.round(count / 190))));
  for (let i = 0; i < personCount; i++) {
    const rare = i % rareEvery === rareEvery - 1;
    const name = rare ? rarePersonName(r) : r.chance(0.06) ? r.pick(COMMON_NAMES) : personName(r);
    let id: string;
    do {
      id = generateResidentId(r.rng, {
        division: r.chance(0.5) ? '440105' : r.pick(OTHER_DIVISIONS),
        birthYearRange: [1950, 2002],
      });
    } while (usedCodes.has(id));
    usedCodes.add(id);
    const departments = memberships(r, 'person');
    // Rare names must reach the GB18030 export, the system that can lose them.
    if (rare && !departments.includes('health')) departments.push('health');
    out.push({
      entityId: out.length + 1,
      kind: 'PERSON',
      name,
      uscc: null,
      residentId: id,
      parentEntityId: null,
      phone: phone(r, 0.95),
      address: address(r),
      sector: null,
      departments,
    });
  }
  return out;
}
