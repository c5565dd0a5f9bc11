import type { PermitQuery } from './contract.js';
import { eventLoopTurn } from './event-loop-turn.js';

interface Waiting {
  query: PermitQuery;
  resolve(total: number): void;
  reject(error: unknown): void;
}

/**
 * Counts the totals that concurrent requests miss together, one count call at a time per department:
 * while one runs, the keys missed meanwhile are gathered and counted in the next call — for a SQL system
 * one scan for all of them, where each request counting its own would scan the table once per list. A key
 * already gathered or being counted is shared, not counted twice.
 *
 * @example
 * const counts = new GroupedCounts((group) => connector.countPermits!(group.map((g) => g.query), { signal }), 500);
 * const total = await counts.count(TotalsCache.keyOf(query)!, query); // shared with concurrent misses
 */
export class GroupedCounts {
  readonly #waiting = new Map<string, Waiting>();
  /** Every key gathered or being counted, with the total it will settle to. */
  readonly #counting = new Map<string, Promise<number>>();
  #draining = false;

  constructor(
    /** Counts a group in one call, totals in the group's order. */
    private readonly countAll: (group: ReadonlyArray<{ key: string; query: PermitQuery }>) => Promise<number[]>,
    private readonly maxGroup: number,
  ) {}

  /** The total of `query`'s list (kept under `key`), from the next count call or the one that has it already. */
  count(key: string, query: PermitQuery): Promise<number> {
    const counting = this.#counting.get(key);
    if (counting) return counting;
    let waiting!: Waiting;
    const total = new Promise<number>((resolve, reject) => (waiting = { query, resolve, reject }));
    this.#waiting.set(key, waiting);
    this.#counting.set(key, total);
    if (!this.#draining) void this.#drain();
    return total;
  }

  async #drain(): Promise<void> {
    this.#draining = true;
    try {
      while (this.#waiting.size > 0) {
        // A turn first, so the misses of one batch (and of requests arriving together) form one group.
        await eventLoopTurn();
        const group = [...this.#waiting].slice(0, this.maxGroup);
        for (const [key] of group) this.#waiting.delete(key);
        try {
          const totals = await this.countAll(group.map(([key, w]) => ({ key, query: w.query })));
          for (const [i, [, w]] of group.entries()) w.resolve(totals[i]!);
        } catch (error) {
          for (const [, w] of group) w.reject(error);
        } finally {
          for (const [key] of group) this.#counting.delete(key);
        }
      }
    } finally {
      this.#draining = false;
    }
  }
}
