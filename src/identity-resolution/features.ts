// The resolver's columnar record store: every compared value is interned to an integer id and kept
// in typed arrays, so a million records cost a few hundred MB and comparisons are integer equality.
// Value counts (for term-frequency weights) are kept up to date as records are added or replaced.

import type { ApplicantKind } from '../schema/model.js';
import { parseFoldedCompanyName, type OrganisationForm } from './company-name.js';
import { readIdentifier } from './identifier-evidence.js';
import { normaliseAddress } from './normalise-address.js';
import { nameShape, personPinyinKey } from './normalise-name.js';
import { normalisePhone } from './normalise-phone.js';
import { foldText } from './text-fold.js';
import type { RecordRef, ResolutionRecord } from './types.js';

export const KIND_UNKNOWN = 0;
export const KIND_PERSON = 1;
export const KIND_ORG = 2;

const FORM_CODE: Record<OrganisationForm, number> = {
  NONE: 0,
  COMPANY: 0,
  LIMITED: 1,
  JOINT_STOCK: 2,
  PARTNERSHIP: 3,
  SOLE_PROPRIETORSHIP: 4,
  COOPERATIVE: 5,
};

/** Value ids per field; 0 means "no value". */
export const FIELDS = ['uscc', 'rid', 'org', 'broken', 'name', 'pinyin', 'phone', 'addr', 'region', 'branch'] as const;
export type Field = (typeof FIELDS)[number];

/** Growable Int32Array. */
function grow<T extends Int32Array | Uint8Array | Uint32Array>(a: T, size: number): T {
  if (size <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(size, a.length * 2));
  b.set(a);
  return b;
}

/** FNV-1a of a string: a cheap, order-independent tie-break for equal scores (ids would depend on input order). */
export function hashKey(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/**
 * Normalised, interned records. Row r holds one (source, localId); replacing a record reuses its row.
 *
 * @example
 * const t = new FeatureTable();
 * const row = t.upsert({ source: 'market', localId: '7', name: '恒丰餐饮管理有限公司', idNumber: '77604965-3' });
 * t.kind[row]; // KIND_ORG
 */
export class FeatureTable {
  size = 0;
  readonly refs: RecordRef[] = [];
  readonly rowOf = new Map<string, number>();
  keyHash = new Uint32Array(1024);
  kind = new Uint8Array(1024);
  orgOnly = new Uint8Array(1024);
  form = new Uint8Array(1024);
  sex = new Uint8Array(1024);
  birth = new Int32Array(1024);
  /** 1 for a row whose record was removed (it holds no values and belongs to no result). */
  removed = new Uint8Array(1024);
  /** Birth date read from a broken resident ID's date part (typo elsewhere), 0 if none. */
  brokenBirth = new Int32Array(1024);
  readonly cols: Record<Field, Int32Array>;
  /**
   * Interned values, one map per field (value string → id; ids are global and start at 1), the value
   * of each id (`texts[id]`, without any prefix) and how many rows hold each value. One map per field
   * keeps keys as the normalised strings themselves (no prefixed copy to build, hash and keep).
   */
  private readonly ids = Object.fromEntries(FIELDS.map((f) => [f, new Map<string, number>()])) as Record<Field, Map<string, number>>;
  readonly texts: string[] = [''];
  counts = new Int32Array(1024);
  private nextValue = 1;

  constructor(readonly defaultAreaCode = '020') {
    this.cols = Object.fromEntries(FIELDS.map((f) => [f, new Int32Array(1024)])) as Record<Field, Int32Array>;
  }

  /** The id of `value` in `field`, or 0 when no row ever held it. */
  lookup(field: Field, value: string): number {
    return this.ids[field].get(value) ?? 0;
  }

  /** Number of distinct values interned (all fields). */
  get valueCount(): number {
    return this.nextValue - 1;
  }

  private intern(field: Field, value: string | null): number {
    if (value === null || value === '') return 0;
    const map = this.ids[field];
    let id = map.get(value);
    if (id === undefined) {
      id = this.nextValue++;
      map.set(value, id);
      this.texts.push(value);
      this.counts = grow(this.counts, id + 1);
    }
    return id;
  }

  /** Adds a record, or replaces the one with the same (source, localId); returns its row. */
  upsert(rec: ResolutionRecord): number {
    const key = `${rec.source}\u0001${rec.localId}`;
    let row = this.rowOf.get(key);
    if (row === undefined) {
      row = this.size++;
      this.rowOf.set(key, row);
      this.refs.push({ source: rec.source, localId: rec.localId });
      this.ensure(this.size);
      this.keyHash[row] = hashKey(key);
    } else {
      for (const f of FIELDS) {
        const v = this.cols[f][row]!;
        if (v !== 0) this.counts[v]!--;
      }
    }
    this.fill(row, rec);
    this.removed[row] = 0;
    for (const f of FIELDS) {
      const v = this.cols[f][row]!;
      if (v !== 0) this.counts[v]!++;
    }
    return row;
  }

  /**
   * Removes a record: its row keeps its place (row numbers never move) but holds no value any more
   * and is left out of results until the same (source, localId) is added again. Returns the row, or
   * undefined when no such record is held.
   */
  remove(ref: RecordRef): number | undefined {
    const row = this.rowOf.get(`${ref.source}\u0001${ref.localId}`);
    if (row === undefined || this.removed[row] === 1) return undefined;
    for (const f of FIELDS) {
      const v = this.cols[f][row]!;
      if (v !== 0) this.counts[v]!--;
      this.cols[f][row] = 0;
    }
    this.kind[row] = KIND_UNKNOWN;
    this.orgOnly[row] = 0;
    this.form[row] = 0;
    this.sex[row] = 0;
    this.birth[row] = 0;
    this.brokenBirth[row] = 0;
    this.removed[row] = 1;
    return row;
  }

  /** Number of records held (rows not removed). */
  get liveCount(): number {
    let n = 0;
    for (let r = 0; r < this.size; r++) if (this.removed[r] === 0) n++;
    return n;
  }

  private ensure(n: number): void {
    if (n <= this.kind.length) return;
    this.keyHash = grow(this.keyHash, n);
    this.kind = grow(this.kind, n);
    this.orgOnly = grow(this.orgOnly, n);
    this.form = grow(this.form, n);
    this.sex = grow(this.sex, n);
    this.birth = grow(this.birth, n);
    this.brokenBirth = grow(this.brokenBirth, n);
    this.removed = grow(this.removed, n);
    for (const f of FIELDS) this.cols[f] = grow(this.cols[f], n);
  }

  private fill(row: number, rec: ResolutionRecord): void {
    const c = this.cols;
    const folded = typeof rec.name === 'string' ? foldText(rec.name) : '';
    const shape = nameShape(folded);
    const ev = readIdentifier(rec.idNumber, rec.idType, shape, rec.kind);
    let kind = KIND_UNKNOWN;
    // The name's shape first (clerks' kind flags are often wrong), then a valid identifier, then the flag.
    if (shape === 'ORGANIZATION') kind = KIND_ORG;
    else if (ev.uscc || ev.orgCode)
      kind = KIND_ORG; // a 个体工商户 may trade under a person's name
    else if (shape === 'PERSON' || ev.residentId) kind = KIND_PERSON;
    else if (rec.kind) kind = rec.kind === 'PERSON' ? KIND_PERSON : KIND_ORG;
    this.kind[row] = kind;

    c.uscc[row] = this.intern('uscc', ev.uscc);
    c.rid[row] = this.intern('rid', ev.residentId);
    c.org[row] = this.intern('org', ev.orgCode);
    c.broken[row] = this.intern('broken', ev.broken);
    this.orgOnly[row] = ev.orgCodeOnly ? 1 : 0;
    this.birth[row] = ev.birth;
    this.sex[row] = ev.sex;
    this.brokenBirth[row] = ev.broken !== null && ev.broken.length === 18 ? plausibleDate(ev.broken) : 0;

    c.name[row] = 0;
    c.pinyin[row] = 0;
    c.region[row] = 0;
    c.branch[row] = 0;
    this.form[row] = 0;
    if (folded !== '' && shape !== 'UNKNOWN') {
      if (kind === KIND_ORG) {
        const parts = parseFoldedCompanyName(folded);
        c.name[row] = this.intern('name', `o${parts.key}`);
        c.region[row] = this.intern('region', parts.region);
        // Branch: value 'head' for a head office, the place for a branch; the constraint compares them.
        c.branch[row] = this.intern('branch', parts.branch === null ? '\u0000head' : parts.branch);
        this.form[row] = FORM_CODE[parts.form];
      } else {
        c.name[row] = this.intern('name', `p${folded}`);
        c.pinyin[row] = this.intern('pinyin', personPinyinKey(folded));
      }
    }
    const phone = typeof rec.phone === 'string' ? normalisePhone(rec.phone, this.defaultAreaCode) : null;
    c.phone[row] = this.intern('phone', phone);
    const addr = typeof rec.address === 'string' ? normaliseAddress(rec.address) : '';
    c.addr[row] = this.intern('addr', addr.length >= 4 ? addr : null);
  }

  /** A record holding nothing but a name: no identifier, phone or address. */
  isNameOnly(row: number): boolean {
    const c = this.cols;
    return c.name[row] !== 0 && c.uscc[row] === 0 && c.rid[row] === 0 && c.org[row] === 0 && c.broken[row] === 0 && c.phone[row] === 0 && c.addr[row] === 0;
  }

  kindOf(row: number): ApplicantKind | null {
    const k = this.kind[row];
    return k === KIND_PERSON ? 'PERSON' : k === KIND_ORG ? 'ORGANIZATION' : null;
  }
}

/** YYYYMMDD from characters 7–14 of an 18-digit value when they form a real date, else 0. */
function plausibleDate(s: string): number {
  let n = 0;
  for (let i = 6; i < 14; i++) {
    const d = s.charCodeAt(i) - 0x30;
    if (d < 0 || d > 9) return 0;
    n = n * 10 + d;
  }
  const y = Math.floor(n / 10000);
  const m = Math.floor(n / 100) % 100;
  const d = n % 100;
  return y >= 1900 && y <= 2030 && m >= 1 && m <= 12 && d >= 1 && d <= 31 ? n : 0;
}
