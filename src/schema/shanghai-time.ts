/**
 * Dates and times in Asia/Shanghai. China has had no daylight saving since 1991, so the zone is a fixed
 * +08:00 for every date a licensing system holds; a fixed offset avoids a timezone database per value.
 */
const OFFSET_MS = 8 * 60 * 60 * 1000;

/**
 * An instant as ISO 8601 with the +08:00 offset.
 *
 * @example
 * toShanghaiIso(new Date('2023-04-12T02:30:00Z')); // '2023-04-12T10:30:00+08:00'
 */
export function toShanghaiIso(instant: Date): string {
  return shanghaiIsoOfEpochMs(instant.getTime());
}

const DAY_MS = 86_400_000;
const TWO_DIGITS = Array.from({ length: 100 }, (_, n) => String(n).padStart(2, '0'));
/** Epoch days of 0001-01-01 and 9999-12-31: the years ISO 8601 writes with four digits. */
const FIRST_DAY = -719_162;
const LAST_DAY = 2_932_896;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** The number written by `n` digits of `s` from `at`; -1 when one of them is not a digit. */
function digitsAt(s: string, at: number, n: number): number {
  let value = 0;
  for (let i = at; i < at + n; i++) {
    const digit = s.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return -1;
    value = value * 10 + digit;
  }
  return value;
}

/** Whether `s` starts with a real calendar day written `YYYY-MM-DD`, year 1000–9999. */
function startsWithCalendarDay(s: string): boolean {
  if (s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return false;
  const year = digitsAt(s, 0, 4);
  const month = digitsAt(s, 5, 2);
  const day = digitsAt(s, 8, 2);
  if (year < 1000 || month < 1 || month > 12 || day < 1) return false;
  const leapDay = month === 2 && year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 1 : 0;
  return day <= DAYS_IN_MONTH[month - 1]! + leapDay;
}

/**
 * Whether `s` is already a calendar date exactly as the hub writes one (`YYYY-MM-DD`, a real day, year
 * 1000–9999): reading it back would give it unchanged. Checked character by character — every permit
 * on a page passes its dates through the scalars more than once.
 *
 * @example
 * isCanonicalDate('2028-05-01'); // true
 * isCanonicalDate('2023-02-29'); // false
 */
export function isCanonicalDate(s: string): boolean {
  return s.length === 10 && startsWithCalendarDay(s);
}

/**
 * Whether `s` is already an instant exactly as `shanghaiIsoOfEpochMs` writes it
 * (`YYYY-MM-DDTHH:mm:ss+08:00`, a real day and time, year 1000–9999): reading it back would give it unchanged.
 *
 * @example
 * isCanonicalShanghaiIso('2023-04-12T10:30:00+08:00'); // true
 * isCanonicalShanghaiIso('2023-04-12T02:30:00Z');      // false: an instant, but not written the hub's way
 */
export function isCanonicalShanghaiIso(s: string): boolean {
  if (s.length !== 25 || s.charCodeAt(10) !== 84 || s.charCodeAt(13) !== 58 || s.charCodeAt(16) !== 58 || !s.endsWith('+08:00')) return false;
  const hour = digitsAt(s, 11, 2);
  const minute = digitsAt(s, 14, 2);
  const second = digitsAt(s, 17, 2);
  return hour >= 0 && hour <= 23 && minute >= 0 && minute <= 59 && second >= 0 && second <= 59 && startsWithCalendarDay(s);
}

/**
 * `toShanghaiIso` of epoch milliseconds, by arithmetic rather than through a `Date` and its ISO text: a
 * page of permits formats thousands of instants. Outside years 1–9999 (and for NaN) it answers as the
 * `Date` would (an expanded year, or a RangeError).
 *
 * @example
 * shanghaiIsoOfEpochMs(Date.parse('2023-04-12T02:30:00Z')); // '2023-04-12T10:30:00+08:00'
 */
export function shanghaiIsoOfEpochMs(epochMs: number): string {
  const local = epochMs + OFFSET_MS;
  const days = Math.floor(local / DAY_MS);
  if (!(days >= FIRST_DAY && days <= LAST_DAY)) return `${new Date(local).toISOString().slice(0, -5)}+08:00`;
  const seconds = Math.floor((local - days * DAY_MS) / 1000);
  const { year, month, day } = civilDateOfEpochDay(days);
  const yyyy = year >= 1000 ? String(year) : String(year).padStart(4, '0');
  return `${yyyy}-${TWO_DIGITS[month]}-${TWO_DIGITS[day]}T${TWO_DIGITS[Math.floor(seconds / 3600)]}:${TWO_DIGITS[Math.floor(seconds / 60) % 60]}:${TWO_DIGITS[seconds % 60]}+08:00`;
}

/**
 * The civil (proleptic Gregorian) date of a day count since 1970-01-01, without a `Date` (H. Hinnant,
 * "chrono-compatible low-level date algorithms").
 *
 * @example
 * civilDateOfEpochDay(19_459); // { year: 2023, month: 4, day: 12 }
 */
export function civilDateOfEpochDay(days: number): { year: number; month: number; day: number } {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * A legacy local date or date-time (no zone; Shanghai wall-clock) as an ISO instant with +08:00, or null
 * when it is not a real calendar date. Accepts `YYYY-MM-DD`, `YYYY/M/D`, `YYYYMMDD`, with an optional
 * ` HH:mm[:ss]` or `THH:mm[:ss]` part.
 *
 * @example
 * localToShanghaiIso('20230412');            // '2023-04-12T00:00:00+08:00'
 * localToShanghaiIso('2023/4/2 9:05');        // '2023-04-02T09:05:00+08:00'
 * localToShanghaiIso('2023-13-45');           // null
 */
export function localToShanghaiIso(text: string): string | null {
  const m = /^(\d{4})(?:[-/.]?)(\d{1,2})(?:[-/.]?)(\d{1,2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?$/.exec(text.trim());
  if (!m) return null;
  // Compact YYYYMMDD needs two-digit parts; separated forms may be one digit.
  if (!/[-/.]/.test(text) && (m[2]!.length !== 2 || m[3]!.length !== 2)) return null;
  const [y, mo, d, h = '0', mi = '0', s = '0'] = m.slice(1).map((v) => v ?? undefined) as string[];
  const year = Number(y),
    month = Number(mo),
    day = Number(d),
    hour = Number(h),
    minute = Number(mi),
    second = Number(s);
  if (month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (date.getUTCDate() !== day || date.getUTCMonth() !== month - 1) return null;
  const pad = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${pad(year, 4)}-${pad(month)}-${pad(day)}T${pad(hour)}:${pad(minute)}:${pad(second)}+08:00`;
}

/** The calendar date part (`YYYY-MM-DD`) of a legacy local date, or null when it is not a real date. */
export function localToDate(text: string): string | null {
  return localToShanghaiIso(text)?.slice(0, 10) ?? null;
}

/** Milliseconds since the epoch of an ISO instant with offset; used to order permits across departments. */
export function instantMs(iso: string): number {
  return Date.parse(iso);
}
