import type { Rng } from '../../schema/identifiers/index.js';

interface WeightTable<K extends string> {
  keys: K[];
  cumulative: number[];
  total: number;
}

const tables = new WeakMap<object, WeightTable<string>>();

/**
 * Convenience draws over a seeded `Rng`. Every choice the generator makes goes through one of
 * these, so the same seed replays the same district.
 *
 * @example
 * const r = new Random(mulberry32(1));
 * r.int(1, 6); r.pick(['a', 'b']); r.chance(0.1);
 */
export class Random {
  constructor(readonly rng: Rng) {}

  /** Float in [0, 1). */
  next(): number {
    return this.rng();
  }

  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number {
    return min + Math.min(max - min, Math.floor(this.rng() * (max - min + 1)));
  }

  chance(p: number): boolean {
    return this.rng() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('Random.pick: empty list');
    return items[Math.min(items.length - 1, Math.floor(this.rng() * items.length))] as T;
  }

  /** Picks a key of `weights` with probability proportional to its weight (missing keys weigh 0). */
  weighted<K extends string>(weights: Readonly<Partial<Record<K, number>>>): K {
    // Tables hoisted to constants are reused by identity, so their entries are computed once.
    let table = tables.get(weights) as WeightTable<K> | undefined;
    if (table === undefined) {
      const entries = Object.entries(weights) as Array<[K, number]>;
      let total = 0;
      table = { keys: entries.map(([k]) => k), cumulative: entries.map(([, w]) => (total += w)), total: 0 };
      table.total = total;
      tables.set(weights, table);
    }
    const x = this.rng() * table.total;
    const { cumulative, keys } = table;
    for (let i = 0; i < cumulative.length; i++) if (x < cumulative[i]!) return keys[i]!;
    return keys[keys.length - 1]!;
  }

  /** Shuffles in place (Fisher–Yates) and returns the array. */
  shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.rng() * (i + 1));
      const t = items[i] as T;
      items[i] = items[j] as T;
      items[j] = t;
    }
    return items;
  }

  /** A string of `count` characters drawn from `alphabet`. */
  chars(alphabet: string, count: number): string {
    let s = '';
    for (let i = 0; i < count; i++) s += alphabet.charAt(Math.floor(this.rng() * alphabet.length));
    return s;
  }
}
