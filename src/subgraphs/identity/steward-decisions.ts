import type { Kysely, Transaction } from 'kysely';
import type { ApplicantKind } from '../../schema/model.js';
import type { HubDatabase } from '../../storage/index.js';

const key = (department: string, localId: string) => `${department}:${localId}`;

/** The kinds stewards settled for records holding an undecided identifier (`department:localId` → kind). */
export async function settledKinds(db: Kysely<HubDatabase> | Transaction<HubDatabase>): Promise<Map<string, ApplicantKind>> {
  const rows = await db.selectFrom('identity_kind_reviews').select(['department_code', 'local_id', 'status']).where('status', '!=', 'OPEN').execute();
  return new Map(rows.map((r) => [key(r.department_code, r.local_id), r.status as ApplicantKind]));
}

/** Every steward decision a sync must honour: pins (record → applicant), separations (record ≠ record), settled kinds. */
export async function loadStewardDecisions(db: Kysely<HubDatabase>) {
  const [pins, separations, kinds] = await Promise.all([
    db.selectFrom('identity_pins').select(['department_code', 'local_id', 'applicant_id']).execute(),
    db.selectFrom('identity_separations').select(['a_department', 'a_local_id', 'b_department', 'b_local_id']).execute(),
    settledKinds(db),
  ]);
  return {
    pins: new Map(pins.map((p) => [key(p.department_code, p.local_id), p.applicant_id])),
    separations: separations.map((s) => [key(s.a_department, s.a_local_id), key(s.b_department, s.b_local_id)] as const),
    kinds,
  };
}

export type StewardDecisions = Awaited<ReturnType<typeof loadStewardDecisions>>;

/**
 * Applies steward decisions to the resolver's groups of record keys. A group holding records pinned to
 * one applicant becomes that applicant; pinned records of different applicants go to their own, and
 * the group's unpinned records stay together on their own; groups pinned to the same applicant join
 * (a merge); a separated pair that ends up together loses its second record to a group of its own.
 *
 * @example
 * applyStewardDecisions([['market:1', 'health:H1']], { pins: new Map([['health:H1', 'ap_x']]), separations: [] });
 * // [{ keys: ['market:1', 'health:H1'], pinnedId: 'ap_x' }]
 */
export function applyStewardDecisions(groups: readonly string[][], decisions: StewardDecisions): Array<{ keys: string[]; pinnedId?: string }> {
  const byPin = new Map<string, string[]>();
  const free: string[][] = [];
  for (const group of groups) {
    const pinned = new Set(group.map((k) => decisions.pins.get(k)).filter((id): id is string => id !== undefined));
    if (pinned.size === 0) free.push(group);
    else if (pinned.size === 1) push(byPin, [...pinned][0]!, group);
    else {
      const unpinned = group.filter((k) => !decisions.pins.has(k));
      for (const k of group) if (decisions.pins.has(k)) push(byPin, decisions.pins.get(k)!, [k]);
      if (unpinned.length) free.push(unpinned);
    }
  }
  const out: Array<{ keys: string[]; pinnedId?: string }> = [...[...byPin].map(([pinnedId, keys]) => ({ keys, pinnedId })), ...free.map((keys) => ({ keys }))];
  for (const [a, b] of decisions.separations) {
    const group = out.find((g) => g.keys.includes(a) && g.keys.includes(b));
    if (!group) continue;
    group.keys = group.keys.filter((k) => k !== b);
    out.push({ keys: [b] });
  }
  return out;
}

function push(map: Map<string, string[]>, id: string, keys: string[]) {
  const list = map.get(id);
  if (list) list.push(...keys);
  else map.set(id, [...keys]);
}
