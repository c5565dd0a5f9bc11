import type { Rng } from '../../schema/identifiers/index.js';

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
    // for…in rather than Object.entries: this runs millions of times and should not allocate.
    let total = 0;
    for (const k in weights) total += weights[k] ?? 0;
    let x = this.rng() * total;
    let last: K | undefined;
    for (const k in weights) {
      x -= weights[k] ?? 0;
      last = k;
      if (x < 0) return k;
    }
    if (last === undefined) throw new RangeError('Random.weighted: no weights');
    return last;
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
