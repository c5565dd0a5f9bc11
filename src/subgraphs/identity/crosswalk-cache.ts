import type { Kysely } from 'kysely';
import { LRUCache } from 'lru-cache';
import { freshReads, type HubDatabase } from '../../storage/index.js';

/** What the cache holds under one kind of key. */
export type CrosswalkCacheKind = 'applicantByRecord' | 'identifiers' | 'records';

/**
 * The crosswalk's hot rows, kept in memory across requests: which applicant a department record is
 * linked to, an applicant's identifiers, an applicant's records. Every write to the crosswalk tables,
 * from any process or tool, moves `crosswalk_version` (triggers); a request reads that version once
 * (`session`) and everything cached under another version is dropped first, so a request never sees
 * rows older than the last write committed before it began. One small read per request instead of one
 * read per list, shared by concurrent requests (`freshReads`: each shares only a read that began after
 * it asked).
 *
 * @example
 * const cache = new CrosswalkCache(db);
 * const session = cache.session();                // one per request
 * const ids = await session.many('identifiers', applicantIds, loadIdentifiers);
 */
export class CrosswalkCache {
  readonly #db: Kysely<HubDatabase>;
  readonly #entries: LRUCache<string, { value: unknown }>;
  #version: number | null = null;
  readonly #readVersion = freshReads(async (_: 'version') => {
    const row = await this.#db.selectFrom('crosswalk_version').select('version').where('id', '=', 1).executeTakeFirst();
    return row ? Number(row.version) : null;
  });

  constructor(db: Kysely<HubDatabase>, options: { maxEntries?: number } = {}) {
    this.#db = db;
    this.#entries = new LRUCache({ max: options.maxEntries ?? 50_000 });
  }

  /** A request's view: the version is read on its first lookup, once. */
  session(): CrosswalkSession {
    let checked: Promise<void> | null = null;
    const fresh = () => (checked ??= this.#check());
    return {
      many: async <V>(kind: CrosswalkCacheKind, keys: readonly string[], load: (missing: string[]) => Promise<ReadonlyMap<string, V>>) => {
        await fresh();
        const version = this.#version;
        const found = new Map<string, V>();
        const missing: string[] = [];
        for (const key of keys) {
          const hit = this.#entries.get(`${kind}\u0000${key}`);
          if (hit) found.set(key, hit.value as V);
          else missing.push(key);
        }
        if (missing.length > 0) {
          const loaded = await load(missing);
          // A write while it loaded moved the version: what was read may be newer than the version says, never older.
          for (const key of missing) {
            const value = loaded.get(key) as V;
            found.set(key, value);
            if (this.#version === version) this.#entries.set(`${kind}\u0000${key}`, { value });
          }
        }
        return keys.map((key) => found.get(key) as V);
      },
    };
  }

  async #check(): Promise<void> {
    const version = await this.#readVersion('version');
    if (version !== this.#version || version === null) {
      this.#entries.clear();
      this.#version = version;
    }
  }
}

/** One request's lookups through the cache (see `CrosswalkCache.session`). */
export interface CrosswalkSession {
  /** The values of `keys` (in order): cached ones, the rest from `load`, which answers every key it is given. */
  many<V>(kind: CrosswalkCacheKind, keys: readonly string[], load: (missing: string[]) => Promise<ReadonlyMap<string, V>>): Promise<V[]>;
}
