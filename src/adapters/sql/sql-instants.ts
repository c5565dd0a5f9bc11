import type { WallClock } from '../core/local-date-format.js';
import type { FixedZone } from '../core/time-zone.js';
import type { AppliedAtPlan } from './sql-plan.js';

const UNIT_MS = { day: 86_400_000, hour: 3_600_000, minute: 60_000, second: 1000 } as const;

/**
 * Instants written as the store holds appliedAt, so filters and keyset positions are compared in SQL.
 * The mapper reads a stored value `v` as the instant at the start of its unit (a date is its midnight),
 * so in store terms: instant ≥ t ⇔ v ≥ ceil(t); instant ≤ t ⇔ v < floor(t) + unit; instant < t ⇔
 * v < ceil(t); instant = t ⇔ t is on a unit boundary and floor(t) ≤ v < floor(t) + unit.
 */
export interface StoreInstants {
  /** The first unit boundary at or after the instant, as a store value. */
  ceil(iso: string): unknown;
  /** The unit boundary after the one at or before the instant, as a store value. */
  nextAfterFloor(iso: string): unknown;
  /** The store value the instant is, when it falls on a unit boundary; else null (no stored value maps to it). */
  exact(iso: string): { from: unknown; until: unknown } | null;
}

/**
 * @example
 * const at = storeInstants(plan.permits.appliedAt, fixedZone('Asia/Shanghai'), 'postgres');
 * at.ceil('2023-04-12T02:30:00Z'); // '2023-04-12 10:30:00' for a timestamp column
 */
export function storeInstants(plan: AppliedAtPlan, zone: FixedZone): StoreInstants {
  const unit = UNIT_MS[plan.unit];
  // Boundaries of a unit are taken on the local clock (a day starts at local midnight).
  const floorMs = (ms: number) => ms - mod(ms + zone.offsetMinutes * 60_000, unit);
  const write = (ms: number): unknown => {
    if (plan.column.kind === 'timestamptz') return new Date(ms).toISOString();
    const clock = zone.clockOf(ms);
    if (plan.store === 'native') return plan.unit === 'day' ? dateText(clock) : `${dateText(clock)} ${timeText(clock)}`;
    const text = plan.layout!.write(clock);
    return plan.store === 'integer' ? Number(text) : text;
  };
  return {
    ceil(iso) {
      const ms = Date.parse(iso);
      const floor = floorMs(ms);
      return write(floor === ms ? ms : floor + unit);
    },
    nextAfterFloor: (iso) => write(floorMs(Date.parse(iso)) + unit),
    exact(iso) {
      const ms = Date.parse(iso);
      return floorMs(ms) === ms ? { from: write(ms), until: write(ms + unit) } : null;
    },
  };
}

const mod = (a: number, b: number) => ((a % b) + b) % b;
const pad = (n: number, w = 2) => String(n).padStart(w, '0');
const dateText = (c: WallClock) => `${pad(c.year, 4)}-${pad(c.month)}-${pad(c.day)}`;
const timeText = (c: WallClock) => `${pad(c.hour)}:${pad(c.minute)}:${pad(c.second)}`;
