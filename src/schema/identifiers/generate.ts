// Generators for demo data and tests. Everything they produce is random and merely well-formed:
// fixtures must never contain a real person's number.

import { DAY_MS, todayYmdCst } from './calendar.js';
import { orgCodeCheckChar } from './org-code.js';
import { residentIdCheckChar } from './resident-id.js';
import type { Rng } from './types.js';
import { USCC_ALPHABET, usccCheckChar, usccValueOf } from './uscc.js';

const DIGITS = '0123456789';

/** Integer in [0, n); clamped so a sloppy rng returning exactly 1 cannot overflow. */
function randomInt(rng: Rng, n: number): number {
  return Math.min(n - 1, Math.max(0, Math.floor(rng() * n)));
}

function randomChars(rng: Rng, alphabet: string, count: number): string {
  let s = '';
  for (let i = 0; i < count; i++) s += alphabet.charAt(randomInt(rng, alphabet.length));
  return s;
}

function assertDivision(division: string, fn: string): void {
  if (!/^\d{6}$/.test(division)) throw new RangeError(`${fn}: division must be 6 digits, got "${division}"`);
}

/**
 * A random valid USCC whose embedded organisation code is also valid. About a quarter of the codes
 * get an "MA"-style lettered body (as issued since 2015), the rest an all-digit one like legacy codes.
 *
 * @example
 * const uscc = generateUscc(mulberry32(1));           // '91440105…', isValidUscc(uscc) === true
 * generateUscc(mulberry32(1), { prefix: '92', division: '440106' });
 */
export function generateUscc(rng: Rng, opts: { division?: string; prefix?: string } = {}): string {
  const division = opts.division ?? '440105';
  const prefix = opts.prefix ?? '91';
  assertDivision(division, 'generateUscc');
  if (prefix.length !== 2 || usccValueOf(prefix.charCodeAt(0)) < 0 || usccValueOf(prefix.charCodeAt(1)) < 0) {
    throw new RangeError(`generateUscc: prefix must be 2 characters of ${USCC_ALPHABET}, got "${prefix}"`);
  }
  // Body characters come from the USCC alphabet so the org code can sit inside a USCC.
  const body = rng() < 0.25 ? `MA${randomChars(rng, USCC_ALPHABET, 6)}` : randomChars(rng, DIGITS, 8);
  const first17 = prefix + division + body + orgCodeCheckChar(body);
  return first17 + usccCheckChar(first17);
}

/**
 * A random valid 18-digit resident ID. The birth date is uniform over the days of
 * `birthYearRange` (inclusive, default [1950, 2005]) up to today; the sequence number is odd for
 * 'M' and even for 'F' (random sex when omitted). Default division '440105'.
 *
 * @example
 * const id = generateResidentId(mulberry32(7), { sex: 'F', birthYearRange: [1980, 1989] });
 * sexOfResidentId(id); // 'F'
 */
export function generateResidentId(rng: Rng, opts: { division?: string; birthYearRange?: [number, number]; sex?: 'M' | 'F' } = {}): string {
  const division = opts.division ?? '440105';
  const [fromYear, toYear] = opts.birthYearRange ?? [1950, 2005];
  assertDivision(division, 'generateResidentId');
  const today = todayYmdCst();
  const todayDay = Date.UTC(Math.floor(today / 10_000), (Math.floor(today / 100) % 100) - 1, today % 100) / DAY_MS;
  const firstDay = Date.UTC(fromYear, 0, 1) / DAY_MS;
  const lastDay = Math.min(Date.UTC(toYear, 11, 31) / DAY_MS, todayDay);
  if (!Number.isInteger(fromYear) || !Number.isInteger(toYear) || fromYear < 1800 || lastDay < firstDay) {
    throw new RangeError(`generateResidentId: birthYearRange must be years ≥ 1800, in order, not all in the future`);
  }
  const birth = new Date((firstDay + randomInt(rng, lastDay - firstDay + 1)) * DAY_MS);
  const ymd = birth.getUTCFullYear() * 10_000 + (birth.getUTCMonth() + 1) * 100 + birth.getUTCDate();

  const sex = opts.sex ?? (rng() < 0.5 ? 'M' : 'F');
  // Sequence 001–999, never 000: odd for men, even for women.
  const seq = sex === 'M' ? 2 * randomInt(rng, 500) + 1 : 2 * (1 + randomInt(rng, 499));
  const first17 = division + String(ymd) + String(seq).padStart(3, '0');
  return first17 + residentIdCheckChar(first17);
}
