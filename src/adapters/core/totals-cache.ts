import type { PermitQuery } from './contract.js';

/** The share of the bound after which a total in use is counted again ahead of time (see `read`). */
const RENEW_AFTER = 0.8;

/**
 * Totals of a department's permit lists, reused for at most `maxAgeMs` instead of counted on every page:
 * the freshness bound its spec declares (`totals.maxAgeSeconds`), for a system whose counts scan its
 * table. Only lists not narrowed to applicants are kept (an applicant's list is short to count); a total
 * is dated from the start of the call that counted it, so none is ever older than the bound when used.
 *
 * @example
 * const totals = new TotalsCache(30_000);
 * const key = TotalsCache.keyOf(query); // null: not kept
 * if (key) totals.remember(key, page.total, startedAt);
 * if (key) totals.read(key); // { total: 5, renew: false }: within the first four fifths of the bound
 */
export class TotalsCache {
  readonly #entries = new Map<string, { total: number; at: number }>();

  constructor(
    readonly maxAgeMs: number,
    readonly now: () => number = Date.now,
    private readonly capacity = 1000,
  ) {}

  /** The key a query's total is kept under: its filters (not its position or size); null for an applicant's list. */
  static keyOf(q: PermitQuery): string | null {
    if (q.applicantLocalIds) return null;
    return JSON.stringify([q.rawStatusIn ?? null, q.rawStatusNotIn ?? null, q.serviceItemCodes ?? null, q.appliedFrom ?? null, q.appliedTo ?? null]);
  }

  /**
   * The total kept under `key` if it was counted within the bound, and whether it is in the last fifth
   * of it: a list still being read then is worth counting again ahead of time, so that its next page does
   * not wait for the count once the bound has passed.
   */
  read(key: string): { total: number; renew: boolean } | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    const age = this.now() - entry.at;
    if (age > this.maxAgeMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return { total: entry.total, renew: age > this.maxAgeMs * RENEW_AFTER };
  }

  /** Keeps a total counted by a call that started at `at`; the oldest entry goes when full. */
  remember(key: string, total: number, at: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { total, at });
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
