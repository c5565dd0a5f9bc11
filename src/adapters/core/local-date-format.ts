/**
 * Dates as legacy systems write them, in a declared layout: `YYYY MM M DD D HH H mm ss` and literal
 * text between them. Hand-written rather than a date library's `parse`: a layout compiles once to one
 * regular expression, and a million rows are read without building a `Date` per token.
 */

/** A wall-clock reading: the calendar date and time a system wrote, before any zone is applied. */
export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const TOKENS: ReadonlyArray<[token: string, pattern: string, part: keyof WallClock]> = [
  ['YYYY', '(\\d{4})', 'year'],
  ['MM', '(\\d{2})', 'month'],
  ['M', '(\\d{1,2})', 'month'],
  ['DD', '(\\d{2})', 'day'],
  ['D', '(\\d{1,2})', 'day'],
  ['HH', '(\\d{2})', 'hour'],
  ['H', '(\\d{1,2})', 'hour'],
  ['mm', '(\\d{2})', 'minute'],
  ['ss', '(\\d{2})', 'second'],
];

/** A compiled layout: reads text into a wall-clock time (null when it is no real date) and writes one back. */
export interface DateLayout {
  readonly layout: string;
  /** Whether text in this layout sorts as its dates do (fixed width, largest unit first): then it can be compared in the legacy store. */
  readonly sortable: boolean;
  read(text: string): WallClock | null;
  write(clock: WallClock): string;
}

/**
 * Compiles a layout; throws a RangeError naming the problem when it has no year, month and day.
 *
 * @example
 * const ymd = compileDateLayout('YYYYMMDD');
 * ymd.read('20230412'); // { year: 2023, month: 4, day: 12, hour: 0, minute: 0, second: 0 }
 * ymd.write({ year: 2023, month: 4, day: 2, hour: 0, minute: 0, second: 0 }); // '20230402'
 */
export function compileDateLayout(layout: string): DateLayout {
  const parts: Array<keyof WallClock> = [];
  const pieces: Array<{ token?: string; literal?: string }> = [];
  let pattern = '^';
  for (let i = 0; i < layout.length; ) {
    const match = TOKENS.find(([token]) => layout.startsWith(token, i));
    if (match) {
      const [token, tokenPattern, part] = match;
      if (parts.includes(part)) throw new RangeError(`date format "${layout}" names the ${part} twice`);
      parts.push(part);
      pieces.push({ token });
      pattern += tokenPattern;
      i += token.length;
    } else {
      const ch = layout[i]!;
      pieces.push({ literal: ch });
      pattern += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      i++;
    }
  }
  for (const needed of ['year', 'month', 'day'] as const) {
    if (!parts.includes(needed)) throw new RangeError(`date format "${layout}" has no ${needed} (use YYYY, MM or M, DD or D)`);
  }
  const regex = new RegExp(`${pattern}$`);
  const order = ['year', 'month', 'day', 'hour', 'minute', 'second'];
  const fixedWidth = pieces.every((p) => p.literal !== undefined || (p.token !== 'M' && p.token !== 'D' && p.token !== 'H'));
  const largestFirst = parts.every((part, i) => i === 0 || order.indexOf(part) > order.indexOf(parts[i - 1]!));
  const pad = (n: number, w: number) => String(n).padStart(w, '0');
  return {
    layout,
    sortable: fixedWidth && largestFirst,
    read(text) {
      const m = regex.exec(text.trim());
      if (!m) return null;
      const clock: WallClock = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
      parts.forEach((part, i) => (clock[part] = Number(m[i + 1])));
      return isRealClock(clock) ? clock : null;
    },
    write(clock) {
      return pieces
        .map((p) => {
          switch (p.token) {
            case undefined:
              return p.literal;
            case 'YYYY':
              return pad(clock.year, 4);
            case 'MM':
            case 'M':
              return pad(clock.month, p.token.length);
            case 'DD':
            case 'D':
              return pad(clock.day, p.token.length);
            case 'HH':
            case 'H':
              return pad(clock.hour, p.token.length);
            case 'mm':
              return pad(clock.minute, 2);
            default:
              return pad(clock.second, 2);
          }
        })
        .join('');
    },
  };
}

/** Whether a wall-clock reading names a real calendar date and time (no 30 February, no hour 24). */
export function isRealClock(c: WallClock): boolean {
  if (c.month < 1 || c.month > 12 || c.day < 1 || c.hour > 23 || c.minute > 59 || c.second > 59) return false;
  return c.day <= (c.month === 2 && isLeapYear(c.year) ? 29 : DAYS_IN_MONTH[c.month - 1]!);
}

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
const isLeapYear = (year: number) => year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);

/**
 * Reads the common layouts (`YYYY-MM-DD`, `YYYY/M/D`, `YYYY.M.D`, `YYYYMMDD`, with an optional
 * ` HH:mm[:ss[.fff]]` or `T…`) when a spec declares none. Scanned by character rather than with a
 * regular expression: it runs for every date of every row a department without a declared layout sends.
 *
 * @example
 * readCommonLayouts('2023/4/2 9:05'); // { year: 2023, month: 4, day: 2, hour: 9, minute: 5, second: 0 }
 * readCommonLayouts('2023-02-30');    // null
 */
export function readCommonLayouts(text: string): WallClock | null {
  const s = text.trim();
  const scan = { s, i: 0 };
  const year = digits(scan, 4, 4);
  if (year < 0) return null;
  const sep = s.charCodeAt(4);
  let month: number;
  let day: number;
  if (sep === 45 /* - */ || sep === 47 /* / */ || sep === 46 /* . */) {
    scan.i = 5;
    month = digits(scan, 1, 2);
    if (month < 0 || s.charCodeAt(scan.i) !== sep) return null;
    scan.i++;
    day = digits(scan, 1, 2);
  } else {
    // Compact YYYYMMDD needs two-digit parts; separated forms may be one digit.
    month = digits(scan, 2, 2);
    day = digits(scan, 2, 2);
  }
  if (month < 0 || day < 0) return null;
  const clock: WallClock = { year, month, day, hour: 0, minute: 0, second: 0 };
  if (scan.i < s.length) {
    const t = s.charCodeAt(scan.i++);
    if (t !== 32 /* space */ && t !== 84 /* T */) return null;
    clock.hour = digits(scan, 1, 2);
    if (clock.hour < 0 || s.charCodeAt(scan.i++) !== 58 /* : */) return null;
    clock.minute = digits(scan, 2, 2);
    if (clock.minute < 0) return null;
    if (scan.i < s.length) {
      if (s.charCodeAt(scan.i++) !== 58) return null;
      clock.second = digits(scan, 2, 2);
      if (clock.second < 0) return null;
      if (scan.i < s.length) {
        if (s.charCodeAt(scan.i++) !== 46 /* . */ || digits(scan, 1, Number.POSITIVE_INFINITY) < 0) return null;
      }
    }
    if (scan.i !== s.length) return null;
  }
  return isRealClock(clock) ? clock : null;
}

/** Reads `min`..`max` ASCII digits at the scan's position (as many as there are, up to `max`) and moves past them; -1 when fewer than `min`. */
function digits(scan: { s: string; i: number }, min: number, max: number): number {
  let value = 0;
  let count = 0;
  for (let c = scan.s.charCodeAt(scan.i); count < max && c >= 48 && c <= 57; c = scan.s.charCodeAt(scan.i)) {
    value = value * 10 + (c - 48);
    count++;
    scan.i++;
  }
  return count < min ? -1 : value;
}
