import type { FieldSource } from '../spec/department-spec.js';
import { compileDateLayout, readCommonLayouts, type WallClock } from './local-date-format.js';
import { fixedZone, type FixedZone } from './time-zone.js';

/** A value read from a legacy record: the value, `null` for absent or blank, or the reason it is unreadable. */
export type Read<T> = { ok: true; value: T | null } | { ok: false; reason: string };

const BLANK = { ok: true, value: null } as const;

const isBlank = (raw: unknown) => raw === null || raw === undefined || (typeof raw === 'string' && raw.trim() === '');

/**
 * Reads a legacy date or date-time into a wall-clock reading: text in the field's declared `format`
 * (or, without one, the common layouts), a number as its digits (`20230412`), or a driver's `Date`
 * (an instant, shown in the spec's zone).
 *
 * @example
 * const read = wallClockReader({ from: 'slrq', format: 'YYYYMMDD' }, fixedZone('Asia/Shanghai'));
 * read('20230412'); // { ok: true, value: { year: 2023, month: 4, day: 12, … } }
 */
export function wallClockReader(field: FieldSource, zone: FixedZone): (raw: unknown) => Read<WallClock> {
  const layout = typeof field === 'object' && field.format ? compileDateLayout(field.format) : null;
  const describe = layout ? `a ${layout.layout} date` : 'a date';
  return (raw) => {
    if (isBlank(raw)) return BLANK;
    if (raw instanceof Date)
      return Number.isNaN(raw.getTime()) ? { ok: false, reason: `is not ${describe}` } : { ok: true, value: zone.clockOf(raw.getTime()) };
    if (typeof raw !== 'string' && typeof raw !== 'number') return { ok: false, reason: `is not ${describe}` };
    const text = String(raw);
    const clock = layout ? layout.read(text) : readCommonLayouts(text);
    return clock ? { ok: true, value: clock } : { ok: false, reason: `is not ${describe}` };
  };
}

/**
 * Reads a date-time field as epoch milliseconds, in the spec's zone. Connectors that order or filter
 * records themselves use this same reader, so their order and the mapped values always agree.
 *
 * @example
 * instantReader('slrq', 'Asia/Shanghai')('2023-04-12 10:30:00'); // { ok: true, value: Date.parse('2023-04-12T02:30:00Z') }
 */
export function instantReader(field: FieldSource, timeZone: string): (raw: unknown) => Read<number> {
  const zone = fixedZone(timeZone);
  const read = wallClockReader(field, zone);
  return (raw) => {
    const clock = read(raw);
    return clock.ok && clock.value !== null ? { ok: true, value: zone.epochOf(clock.value) } : (clock as Read<number>);
  };
}

/** Reads a whole number: a number, or digits as text; blank is null, anything else unreadable. */
export function readInteger(raw: unknown): Read<number> {
  if (isBlank(raw)) return BLANK;
  if (typeof raw === 'number') return Number.isSafeInteger(raw) ? { ok: true, value: raw } : { ok: false, reason: 'is not a whole number' };
  if (typeof raw === 'bigint') return { ok: true, value: Number(raw) };
  const text = String(raw).trim();
  return /^-?\d{1,15}$/.test(text) ? { ok: true, value: Number(text) } : { ok: false, reason: 'is not a whole number' };
}

/** The trimmed text of a value; null for null, undefined and blank. Numbers keep their decimal form. */
export function readText(raw: unknown): string | null {
  if (raw === null || raw === undefined) return null;
  const text = (raw instanceof Date ? raw.toISOString() : String(raw)).trim();
  return text === '' ? null : text;
}

/** The `map` of a field's long form, if it has one. */
export function valueMap(field: FieldSource | undefined): Readonly<Record<string, string>> | undefined {
  return typeof field === 'object' ? field.map : undefined;
}
