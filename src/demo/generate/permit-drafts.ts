// Department-neutral permit cases: what happened (item, dates, outcome, time used). Each department
// module then writes a draft down in its own codes and formats.

import { addWorkingDays, addYearsMinusOneDay, dayOf, isWeekend } from './dates.js';
import { road } from './contact.js';
import type { Random } from './random.js';
import type { CatalogueEntry, LicenceProfile } from './service-items.js';
import type { EntityDraft } from './entities.js';

/** The district's fixed "today": generated data never depends on the real clock. */
export const DEMO_TODAY = dayOf(2024, 6, 28);
const FIRST_DAY = dayOf(2018, 1, 2);

export type DraftStatus = 'SUBMITTED' | 'ACCEPTED' | 'UNDER_REVIEW' | 'APPROVED' | 'REJECTED' | 'WITHDRAWN' | 'REVOKED' | 'OTHER';

export interface PermitDraft {
  item: CatalogueEntry;
  title: string;
  applyDay: number;
  /** Minutes after midnight, within office hours. */
  applyMinute: number;
  status: DraftStatus;
  decisionDay: number | null;
  decisionMinute: number;
  expireDay: number | null;
  /** Approved but past its expiry date: departments differ in whether they say so. */
  expired: boolean;
  statutoryDays: number | null;
  committedDays: number | null;
  usedDays: number | null;
}

const OPEN_STATUS: Partial<Record<DraftStatus, number>> = { SUBMITTED: 2, ACCEPTED: 4, UNDER_REVIEW: 4 };
const CLOSED_STATUS: Partial<Record<DraftStatus, number>> = { APPROVED: 86, REJECTED: 6, WITHDRAWN: 4, REVOKED: 1.5, OTHER: 1 };

// itemsFor runs once per permit; the answer only depends on the list and the applicant's sector.
const fitCache = new WeakMap<readonly CatalogueEntry[], Map<string, CatalogueEntry[]>>();

/** Licensing items an entity can apply for, from one department's list. */
export function itemsFor(entity: EntityDraft, items: readonly CatalogueEntry[]): CatalogueEntry[] {
  const key = entity.kind === 'PERSON' ? 'person' : String(entity.sector);
  let byKey = fitCache.get(items);
  if (byKey === undefined) fitCache.set(items, (byKey = new Map()));
  let fits = byKey.get(key);
  if (fits === undefined) byKey.set(key, (fits = computeItemsFor(entity, items)));
  return fits;
}

function computeItemsFor(entity: EntityDraft, items: readonly CatalogueEntry[]): CatalogueEntry[] {
  const fits = items.filter((i) => (entity.kind === 'PERSON' ? i.licence!.persons : entity.sector !== null && i.licence!.sectors.includes(entity.sector)));
  if (fits.length > 0) return fits;
  // Nothing fits (e.g. a person at a department with organisation-only items): any item of the kind.
  return items.filter((i) => (entity.kind === 'PERSON' ? i.licence!.persons : i.licence!.sectors.length > 0));
}

function pickItem(r: Random, items: readonly CatalogueEntry[]): CatalogueEntry {
  let total = 0;
  for (const i of items) total += i.licence!.weight;
  let x = r.next() * total;
  for (const i of items) {
    x -= i.licence!.weight;
    if (x < 0) return i;
  }
  return items[items.length - 1]!;
}

function title(r: Random, profile: LicenceProfile): string {
  return r.pick(profile.titles).replace(/\{(\w+)\}/g, (_, key: string) => {
    switch (key) {
      case 'road':
        return road(r);
      case 'no':
        return String(r.int(1, 999));
      case 'plot':
        return `AH${r.int(10, 99)}${r.int(10, 99)}`;
      case 'sub':
        return profile.subs ? r.pick(profile.subs) : '';
      default:
        return '';
    }
  });
}

function randomWorkingDay(r: Random): number {
  for (;;) {
    const d = r.int(FIRST_DAY, DEMO_TODAY);
    if (!isWeekend(d)) return d;
  }
}

/**
 * One permit case for `entity` at a department whose licensing items are `items`.
 *
 * @example
 * const draft = draftPermit(r, entity, licensingItemsOf('health'));
 */
export function draftPermit(r: Random, entity: EntityDraft, items: readonly CatalogueEntry[]): PermitDraft {
  const item = pickItem(r, itemsFor(entity, items));
  const profile = item.licence!;
  const statutory = item.statutoryDays;
  const committed = item.committedDays;
  const applyDay = randomWorkingDay(r);
  const applyMinute = r.int(510, 1050);

  let used: number;
  if (item.instant) used = r.chance(0.8) ? 0 : 1;
  else {
    const c = committed ?? statutory ?? 20;
    const s = statutory ?? c;
    const u = r.next();
    // Most cases finish within the promise; some only within the law; a few are overdue.
    used = u < 0.85 ? r.int(1, Math.max(1, c)) : u < 0.95 ? r.int(c, s) : s + r.int(1, 10);
  }
  const decisionDay = addWorkingDays(applyDay, used);
  const decisionMinute = used === 0 ? Math.min(1080, applyMinute + r.int(5, 120)) : r.int(510, 1050);

  let status: DraftStatus;
  if (decisionDay > DEMO_TODAY || (r.chance(0.004) && applyDay < DEMO_TODAY - 200)) {
    // Still open; a handful of ancient cases were simply never closed in the legacy system.
    status = r.weighted(OPEN_STATUS);
  } else {
    status = r.weighted(CLOSED_STATUS);
  }
  const open = status === 'SUBMITTED' || status === 'ACCEPTED' || status === 'UNDER_REVIEW';
  const granted = status === 'APPROVED' || status === 'REVOKED';
  const expireDay = granted && profile.validYears !== null ? addYearsMinusOneDay(decisionDay, profile.validYears) : null;

  return {
    item,
    title: title(r, profile),
    applyDay,
    applyMinute,
    status,
    decisionDay: open || status === 'OTHER' ? null : decisionDay,
    decisionMinute,
    expireDay,
    expired: status === 'APPROVED' && expireDay !== null && expireDay < DEMO_TODAY,
    statutoryDays: r.chance(0.02) ? null : statutory,
    committedDays: r.chance(0.02) ? null : committed,
    usedDays: open || status === 'OTHER' || r.chance(0.02) ? null : used,
  };
}

/**
 * How many permits each of `localCount` local applicants gets so the department totals `total`:
 * one each, the rest skewed so a few applicants (chains, developers) hold many.
 */
export function permitCounts(r: Random, localCount: number, total: number): Uint32Array {
  const counts = new Uint32Array(localCount);
  if (localCount === 0) return counts;
  const base = Math.min(localCount, total);
  for (let i = 0; i < base; i++) counts[i] = 1;
  for (let k = base; k < total; k++) {
    const u = r.next();
    counts[Math.min(localCount - 1, Math.floor(localCount * u * u))]! += 1;
  }
  return counts;
}

/** Orders drafts by application time, then hands out per-year serial numbers like 'SJ2023000123'. */
export function numberByYear<T extends { draft: PermitDraft }>(rows: T[], prefix: string, yearOf: (day: number) => number): Array<T & { no: string }> {
  rows.sort((a, b) => a.draft.applyDay - b.draft.applyDay || a.draft.applyMinute - b.draft.applyMinute);
  const serial = new Map<number, number>();
  return rows.map((row) => {
    const year = yearOf(row.draft.applyDay);
    const n = (serial.get(year) ?? 0) + 1;
    serial.set(year, n);
    return Object.assign(row, { no: `${prefix}${year}${String(n).padStart(6, '0')}` });
  });
}
