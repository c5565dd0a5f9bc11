// Calendar helpers for birth dates. Internal to this folder (not re-exported).

export function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

/** Days in `month` (1–12) of the Gregorian calendar. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

export const DAY_MS = 86_400_000;
// Birth dates are Chinese civil dates, so "today" is taken in China Standard Time (UTC+8, no DST)
// whatever the server's time zone: someone born this morning in Guangzhou is not "in the future".
const CST_OFFSET_MS = 8 * 3_600_000;

// parseIdentifier runs millions of times; cache today's date for the current CST day instead of
// allocating a Date per call. Both bounds are checked so a clock moved backwards (tests) still works.
let cachedYmd = 0;
let cachedFrom = 0;
let cachedUntil = -1;

/** Today's date in China Standard Time as the number YYYYMMDD. */
export function todayYmdCst(): number {
  const now = Date.now();
  if (now < cachedFrom || now >= cachedUntil) {
    const dayStartCst = Math.floor((now + CST_OFFSET_MS) / DAY_MS) * DAY_MS;
    cachedFrom = dayStartCst - CST_OFFSET_MS;
    cachedUntil = cachedFrom + DAY_MS;
    const d = new Date(dayStartCst);
    cachedYmd = d.getUTCFullYear() * 10_000 + (d.getUTCMonth() + 1) * 100 + d.getUTCDate();
  }
  return cachedYmd;
}

/** A real calendar date, year ≥ 1800, not after today (CST). */
export function isPlausibleBirthDate(year: number, month: number, day: number): boolean {
  if (year < 1800 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  return year * 10_000 + month * 100 + day <= todayYmdCst();
}
