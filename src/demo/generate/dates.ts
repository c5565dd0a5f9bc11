// Dates as whole days since 1970-01-01 (UTC-based civil dates): cheap integers, so a million permits
// do not allocate a million Date objects. All dates are Chinese local dates; there is no time zone.
import { civilDateOfEpochDay } from '../../schema/shanghai-time.js';

/** Day number of a civil date. */
export function dayOf(year: number, month: number, day: number): number {
  return Date.UTC(year, month - 1, day) / 86_400_000;
}

const pad2 = (n: number): string => (n < 10 ? `0${n}` : String(n));

/** 'YYYY-MM-DD' */
export function isoDate(days: number): string {
  const { year, month, day } = civilDateOfEpochDay(days);
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** 'YYYYMMDD' */
export function compactDate(days: number): string {
  const { year, month, day } = civilDateOfEpochDay(days);
  return `${year}${pad2(month)}${pad2(day)}`;
}

/** 'YYYY/M/D', as some hand-edited spreadsheets write it. */
export function slashDate(days: number): string {
  const { year, month, day } = civilDateOfEpochDay(days);
  return `${year}/${month}/${day}`;
}

/** 'YYYY-MM-DD HH:MM:SS' for a day plus minutes after midnight. */
export function localTimestamp(days: number, minutes: number, seconds = 0): string {
  return `${isoDate(days)} ${pad2(Math.floor(minutes / 60))}:${pad2(minutes % 60)}:${pad2(seconds)}`;
}

/** 0 = Sunday … 6 = Saturday (1970-01-01 was a Thursday). */
export function weekdayOf(days: number): number {
  return (((days + 4) % 7) + 7) % 7;
}

export function isWeekend(days: number): boolean {
  const w = weekdayOf(days);
  return w === 0 || w === 6;
}

/**
 * Adds working days, skipping weekends only. The demo data ignores public holidays on purpose: the
 * hub's own working-day calendar is data, and generated legacy figures need not agree with it.
 */
export function addWorkingDays(days: number, n: number): number {
  let d = days;
  let left = n;
  while (left > 0) {
    d++;
    if (!isWeekend(d)) left--;
  }
  return d;
}

/** The same calendar date `years` later, minus one day (how licence validity is written). */
export function addYearsMinusOneDay(days: number, years: number): number {
  const { year, month, day } = civilDateOfEpochDay(days);
  // 29 Feb + n years falls on 1 Mar via Date.UTC overflow, which is what registries do.
  return dayOf(year + years, month, day) - 1;
}
