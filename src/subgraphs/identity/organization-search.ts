// Finding organisations by what a member of the public types: part of the name in simplified or
// traditional characters, its pinyin or pinyin initials, or an identifier. Natural persons are never in
// the index: a search must not become a way to learn who exists (find a person by identifier, through
// applicantByIdentifier and its field policy, instead).

import type { Kysely } from 'kysely';
import { sql } from 'kysely';
import { pinyin } from 'pinyin-pro';
import { foldText } from '../../identity-resolution/index.js';
import { parseIdentifier } from '../../schema/identifiers/index.js';
import type { HubDatabase } from '../../storage/index.js';

interface Indexed {
  id: string;
  name: string;
  /** foldText(name): simplified, upper-case, no spaces or punctuation. */
  folded: string;
  /** Toneless pinyin of every character, run together, lower-case ("shichangjiandu"). */
  spelled: string;
  /** First letter of each character's pinyin ("scjd"). */
  initials: string;
}

/** An organisation found, as the identity subgraph's Applicant resolvers take it. */
export interface FoundOrganization {
  id: string;
  kind: 'ORGANIZATION';
  name: string;
}

const LATIN = /^[a-z]+$/;
/** Names spelled per turn of the event loop while the index is rebuilt. */
const REBUILD_SLICE = 500;

/** Pinyin spelling and initials of a name; Latin letters and digits stay as they are. */
function spell(name: string): { spelled: string; initials: string } {
  const syllables = pinyin(name, { toneType: 'none', type: 'array', nonZh: 'consecutive', v: true }) as string[];
  let spelled = '';
  let initials = '';
  for (const s of syllables) {
    const plain = s.toLowerCase().replace(/[^a-z0-9]/g, '');
    spelled += plain;
    initials += plain.slice(0, 1);
  }
  return { spelled, initials };
}

/** Lower rank first: the whole name, then a prefix, then anywhere; shorter names before longer ones. */
function rank(entry: Indexed, folded: string, latin: string | null): number {
  const place = (hay: string, needle: string) => (hay === needle ? 0 : hay.startsWith(needle) ? 1 : hay.includes(needle) ? 2 : -1);
  let best = folded ? place(entry.folded, folded) : -1;
  if (latin) {
    for (const p of [place(entry.spelled, latin), place(entry.initials, latin)]) if (p >= 0 && (best < 0 || p < best)) best = p;
  }
  return best;
}

/**
 * The organisations of the crosswalk, searchable in memory. The index is rebuilt when the applicants
 * table changed (its row count or latest `updated_at`), checked with one aggregate per search, so a sync,
 * merge or re-classification shows in the next search.
 *
 * @example
 * const search = new OrganizationSearch(db);
 * await search.find('shichang', 20); // [{ id, kind: 'ORGANIZATION', name: '…市场…' }, …]
 */
export class OrganizationSearch {
  #entries: Indexed[] = [];
  #version = '';
  #building: Promise<void> | null = null;

  constructor(private readonly db: Kysely<HubDatabase>) {}

  /** Up to `limit` organisations matching `text` (see the class comment), best matches first. */
  async find(text: string, limit: number): Promise<FoundOrganization[]> {
    if (limit === 0) return [];
    const byIdentifier = await this.#byIdentifier(text);
    await this.#fresh();
    const folded = foldText(text);
    const lower = text
      .normalize('NFKC')
      .toLowerCase()
      .replace(/[\s'-]/g, '');
    const latin = LATIN.test(lower) ? lower : null;
    if (!folded && !latin) return byIdentifier;
    const hits: Array<{ entry: Indexed; rank: number }> = [];
    for (const entry of this.#entries) {
      const r = rank(entry, folded, latin);
      if (r >= 0) hits.push({ entry, rank: r });
    }
    hits.sort((a, b) => a.rank - b.rank || a.entry.name.length - b.entry.name.length || a.entry.name.localeCompare(b.entry.name, 'zh'));
    const seen = new Set(byIdentifier.map((o) => o.id));
    const found = [...byIdentifier];
    for (const { entry } of hits) {
      if (found.length >= limit) break;
      if (!seen.has(entry.id)) found.push({ id: entry.id, kind: 'ORGANIZATION', name: entry.name });
    }
    return found.slice(0, limit);
  }

  /** An organisation whose USCC or organisation code the text is, in any written form. */
  async #byIdentifier(text: string): Promise<FoundOrganization[]> {
    const readings = parseIdentifier(text).filter((r) => r.type !== 'RESIDENT_ID');
    if (readings.length === 0) return [];
    const rows = await this.db
      .selectFrom('applicant_identifiers as k')
      .innerJoin('applicants as a', 'a.id', 'k.applicant_id')
      .select(['a.id', 'a.name'])
      .where('a.kind', '=', 'ORGANIZATION')
      .where('a.merged_into', 'is', null)
      .where((eb) => eb.or(readings.map((r) => eb.and([eb('k.type', '=', r.type), eb('k.value', '=', r.value)]))))
      .execute();
    return [...new Map(rows.map((r) => [r.id, { id: r.id, kind: 'ORGANIZATION' as const, name: r.name }])).values()];
  }

  async #fresh(): Promise<void> {
    const stamp = await this.db
      .selectFrom('applicants')
      .select([sql<string>`count(*)::text`.as('n'), sql<string>`coalesce(max(updated_at)::text, '')`.as('at')])
      .executeTakeFirstOrThrow();
    const version = `${stamp.n}@${stamp.at}`;
    if (version === this.#version) return;
    // Concurrent searches after a change share one rebuild.
    this.#building ??= this.#rebuild(version).finally(() => {
      this.#building = null;
    });
    await this.#building;
  }

  async #rebuild(version: string): Promise<void> {
    const rows = await this.db.selectFrom('applicants').select(['id', 'name']).where('kind', '=', 'ORGANIZATION').where('merged_into', 'is', null).execute();
    // Spelling every name is CPU work proportional to the register: done in slices, with a turn of the
    // event loop between them, so a large district's rebuild never holds up other requests (or /healthz).
    const entries: Indexed[] = [];
    for (let i = 0; i < rows.length; i += REBUILD_SLICE) {
      if (i > 0) await new Promise((resolve) => setImmediate(resolve));
      for (const r of rows.slice(i, i + REBUILD_SLICE)) entries.push({ id: r.id, name: r.name, folded: foldText(r.name), ...spell(r.name) });
    }
    this.#entries = entries;
    this.#version = version;
  }
}
