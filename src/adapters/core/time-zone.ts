import type { WallClock } from './local-date-format.js';

/**
 * A fixed-offset zone, which is what a legacy system's zone-less dates are in: China has had no daylight
 * saving since 1991, so `Asia/Shanghai` is +08:00 for every date a licensing system holds.
 */
export interface FixedZone {
  /** Minutes east of UTC. */
  readonly offsetMinutes: number;
  /** The wall-clock reading of an instant in this zone. */
  clockOf(epochMs: number): WallClock;
  /** The instant a wall-clock reading in this zone names. */
  epochOf(clock: WallClock): number;
}

/**
 * The zone a spec names: `Asia/Shanghai`, `UTC` or a fixed offset such as `+08:00`.
 *
 * @example
 * fixedZone('Asia/Shanghai').epochOf({ year: 2023, month: 4, day: 12, hour: 10, minute: 30, second: 0 });
 * // Date.parse('2023-04-12T02:30:00Z')
 */
export function fixedZone(name: string): FixedZone {
  let offsetMinutes: number;
  if (name === 'Asia/Shanghai') offsetMinutes = 480;
  else if (name === 'UTC') offsetMinutes = 0;
  else {
    const m = /^([+-])(\d\d):(\d\d)$/.exec(name);
    if (!m) throw new RangeError(`time zone "${name}" is not Asia/Shanghai, UTC or ±HH:MM`);
    offsetMinutes = (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  }
  const shift = offsetMinutes * 60_000;
  return {
    offsetMinutes,
    clockOf(epochMs) {
      const d = new Date(epochMs + shift);
      return {
        year: d.getUTCFullYear(),
        month: d.getUTCMonth() + 1,
        day: d.getUTCDate(),
        hour: d.getUTCHours(),
        minute: d.getUTCMinutes(),
        second: d.getUTCSeconds(),
      };
    },
    epochOf(c) {
      return Date.UTC(c.year, c.month - 1, c.day, c.hour, c.minute, c.second) - shift;
    },
  };
}
