import type { PermitQuery } from './contract.js';

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

  /** The total kept under `key` if it was counted within the bound. */
  fresh(key: string): number | undefined {
    const entry = this.#entries.get(key);
    if (!entry) return undefined;
    if (this.now() - entry.at > this.maxAgeMs) {
      this.#entries.delete(key);
      return undefined;
    }
    return entry.total;
  }

  /** Keeps a total counted by a call that started at `at`; the oldest entry goes when full. */
  remember(key: string, total: number, at: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { total, at });
    if (this.#entries.size > this.capacity) this.#entries.delete(this.#entries.keys().next().value!);
  }
}
