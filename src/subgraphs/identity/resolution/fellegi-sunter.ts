// Fellegi–Sunter scoring: each field comparison adds log2(m/u) bits, where m is how often two records
// of one applicant reach that level and u how often two different applicants do. For exact agreement
// u is the value's own frequency (term-frequency adjustment): agreeing on 张伟 is worth ~10 bits,
// agreeing on a name nobody else holds ~19. m values are set from the noise legacy data shows (not
// fitted per run, so scores are stable across runs and across incremental updates).

import { regionsCompatible } from './company-name.js';
import { FeatureTable, KIND_UNKNOWN } from './features.js';
import type { Evidence } from './types.js';

/** A pair that a never-merge rule forbids; never linked, never reviewed. */
export const VETO = -1_000_000;

// Weights in bits. Agreement weights come from log2(m/u) with u from value frequencies (below).
export const WEIGHTS = {
  /** One value is a typo (fails its check) one substitution/transposition from the other's valid number: u ≈ neighbours issued / space. */
  identifierTypo: 12,
  /** Both hold the same invalid value (copied from one source with the same slip). */
  identifierSameInvalid: 14,
  /** Both hold identifiers that are neither equal nor a typo apart. */
  identifierDisagree: -12,
  /** Same legacy org code where more than one USCC contains it (deterministic link impossible). */
  orgCodeShared: 12,
  /** Homophones: same pinyin, different characters (input-method slip). m ≈ 0.02, u ≈ 0.001. */
  namePinyin: 4,
  /** Names disagree outright. m ≈ 0.005 (a renamed applicant), u ≈ 1. */
  nameDisagree: -12,
  phoneDisagree: -2,
  addressDisagree: -1.5,
  /** 股份有限公司 vs 有限公司: different legal entities. */
  formDisagree: -10,
  regionDisagree: -3,
  /** The broken number's birth-date part equals the valid one's birth date. */
  birthAgree: 3,
} as const;

const M_NAME = 0.95;
const M_PHONE = 0.9;
const M_ADDRESS = 0.8;

// The most frequent full names in China (public name statistics): whatever the data's counts say,
// agreeing on one of these is never strong evidence on its own.
const VERY_COMMON_NAMES = new Set([
  '张伟', '王伟', '王芳', '李伟', '李娜', '张敏', '李静', '王静', '刘伟', '王秀英', '张丽', '李秀英', '王丽', '张静', '张秀英', '李强',
  '王敏', '李敏', '王磊', '刘洋', '王艳', '王勇', '李军', '张勇', '李杰', '张杰', '张磊', '王强', '李娟', '王军', '张艳', '张涛',
  '王涛', '李明', '李艳', '王超', '李勇', '王娟', '刘杰', '王秀兰', '李霞', '刘敏', '张军', '李丽', '张强', '王平', '王刚', '王杰',
  '李桂英', '刘芳', '陈伟', '陈静', '陈杰', '黄伟', '刘静', '杨伟', '陈敏', '李红', '张燕', '王霞',
]);

/** Lower bound on u for a name: the data's counts cannot make a short or very common name rare. */
export function nameFrequencyFloor(name: string, person: boolean): number {
  if (person) {
    if (VERY_COMMON_NAMES.has(name)) return 1e-3;
    return [...name].length <= 2 ? 2e-5 : 1e-6;
  }
  // Organisation key 'trade|industry…': a bare trade name without industry (恒丰) is weaker; a name
  // whose industry the parser did not split off (鑫盛文化传播经营部|) is a full name.
  return name.endsWith('|') && [...name].length <= 5 ? 1e-5 : 1e-6;
}

/** Term-frequency agreement weight: log2(m / max(count / population, floor)). */
export function agreementWeight(m: number, count: number, population: number, floor: number): number {
  return Math.log2(m / Math.max(count / population, floor));
}

// Evidence fields as slots of a per-field accumulator; birth goes with the identifier it was read from.
const FIELD_SLOT: Record<Evidence['field'], number> = { identifier: 0, birth: 0, name: 1, phone: 2, address: 3, form: 4, region: 5 };
const FIELD_COUNT = 6;

/** Per-run scoring context: caches name floors by value id. */
export class PairScorer {
  private readonly floors = new Map<number, number>();

  constructor(
    private readonly t: FeatureTable,
    private readonly population: number,
  ) {}

  private nameFloor(id: number): number {
    let f = this.floors.get(id);
    if (f === undefined) {
      // Name values are 'p' + folded name for people, 'o' + trade|industry key for organisations.
      const text = this.t.texts[id] ?? 'p?';
      f = nameFrequencyFloor(text.slice(1), text.charCodeAt(0) === 0x70 /* p */);
      this.floors.set(id, f);
    }
    return f;
  }

  /**
   * Total weight of a pair, or VETO when a never-merge rule applies (person vs organisation, two
   * different valid USCCs or resident IDs, branch vs head office or another branch, different sex or
   * birth date from valid IDs). Pass `evidence` to collect the comparison levels reached.
   * `nameHolders` replaces the name's record count in its term-frequency weight: the resolver passes
   * 1 when exactly one cluster bears the name (its records are one holder, not many).
   *
   * @example
   * const w = scorer.score(i, j); // e.g. 19.3 for a rare name plus an address agreeing
   */
  score(i: number, j: number, evidence?: Evidence[], nameHolders?: number, perField?: Float64Array): number {
    const t = this.t;
    const c = t.cols;
    const ki = t.kind[i]!;
    const kj = t.kind[j]!;
    if (ki !== KIND_UNKNOWN && kj !== KIND_UNKNOWN && ki !== kj) return VETO;
    const ui = c.uscc[i]!, uj = c.uscc[j]!;
    if (ui !== 0 && uj !== 0 && ui !== uj) return VETO;
    const ri = c.rid[i]!, rj = c.rid[j]!;
    if (ri !== 0 && rj !== 0 && ri !== rj) return VETO;
    const bi = c.branch[i]!, bj = c.branch[j]!;
    if (bi !== 0 && bj !== 0 && bi !== bj) return VETO;
    if (t.birth[i]! !== 0 && t.birth[j]! !== 0 && t.birth[i] !== t.birth[j]) return VETO;
    if (t.sex[i]! !== 0 && t.sex[j]! !== 0 && t.sex[i] !== t.sex[j]) return VETO;

    let w = 0;
    const add = (field: Evidence['field'], level: string, weight: number) => {
      w += weight;
      if (perField) perField[FIELD_SLOT[field]]! += weight;
      evidence?.push({ field, level, weight: Math.round(weight * 100) / 100 });
    };

    // Identifiers. Equal valid ones were linked before scoring; here only weaker evidence remains.
    const idI = ui || ri || c.org[i]!;
    const idJ = uj || rj || c.org[j]!;
    const brI = c.broken[i]!;
    const brJ = c.broken[j]!;
    if (brI !== 0 && brI === brJ) add('identifier', 'same-invalid', WEIGHTS.identifierSameInvalid);
    else if (idI !== 0 && idI === idJ) add('identifier', 'org-code', WEIGHTS.orgCodeShared);
    else if (c.org[i] !== 0 && c.org[i] === c.org[j]) add('identifier', 'org-code', WEIGHTS.orgCodeShared);
    else if ((brI !== 0 || idI !== 0) && (brJ !== 0 || idJ !== 0)) {
      if (this.typoPair(i, j) || this.typoPair(j, i)) {
        add('identifier', 'typo-neighbour', WEIGHTS.identifierTypo);
        const bb = t.brokenBirth[i] || t.brokenBirth[j];
        const vb = t.birth[i] || t.birth[j];
        if (bb !== 0 && bb === vb) add('birth', 'agree', WEIGHTS.birthAgree);
      } else add('identifier', 'disagree', WEIGHTS.identifierDisagree);
    }

    // Names: exact (term-frequency weighted), same pinyin, or disagree.
    const ni = c.name[i]!, nj = c.name[j]!;
    if (ni !== 0 && nj !== 0) {
      if (ni === nj) add('name', 'exact', agreementWeight(M_NAME, nameHolders ?? t.counts[ni]!, this.population, this.nameFloor(ni)));
      else if (c.pinyin[i] !== 0 && c.pinyin[i] === c.pinyin[j]) add('name', 'pinyin', WEIGHTS.namePinyin);
      else add('name', 'disagree', WEIGHTS.nameDisagree);
    }
    if (t.form[i] !== 0 && t.form[j] !== 0 && t.form[i] !== t.form[j]) add('form', 'disagree', WEIGHTS.formDisagree);
    const gi = c.region[i]!, gj = c.region[j]!;
    if (gi !== 0 && gj !== 0 && gi !== gj && !this.regionCompatible(gi, gj)) add('region', 'disagree', WEIGHTS.regionDisagree);

    const pi = c.phone[i]!, pj = c.phone[j]!;
    if (pi !== 0 && pj !== 0) {
      if (pi === pj) add('phone', 'exact', agreementWeight(M_PHONE, t.counts[pi]!, this.population, 1e-6));
      else add('phone', 'disagree', WEIGHTS.phoneDisagree);
    }
    const ai = c.addr[i]!, aj = c.addr[j]!;
    if (ai !== 0 && aj !== 0) {
      if (ai === aj) add('address', 'exact', agreementWeight(M_ADDRESS, t.counts[ai]!, this.population, 1e-6));
      else add('address', 'disagree', WEIGHTS.addressDisagree);
    }
    return w;
  }

  /**
   * Weight of record `r` against a whole cluster: per field, the best level any member reaches (a
   * phone agreeing with one member agrees; a phone differing from every member's disagrees), with the
   * name weighted as held by one applicant (`nameHolders` 1). `total` is VETO when any member vetoes;
   * `besidesName` is the part of it that is not the name (0 when no other field could be compared).
   *
   * @example
   * scorer.profileScore(r, [a, b]).total; // name (rare, ~19.9) + best identifier/phone/address levels
   */
  profileScore(r: number, members: ArrayLike<number>): { total: number; besidesName: number } {
    const best = new Float64Array(FIELD_COUNT).fill(-Infinity);
    const one = new Float64Array(FIELD_COUNT);
    const ev: Evidence[] = [];
    for (let k = 0; k < members.length; k++) {
      const o = members[k]!;
      if (o === r) continue;
      one.fill(0);
      ev.length = 0;
      if (this.score(r, o, ev, 1, one) === VETO) return { total: VETO, besidesName: VETO };
      // Only the fields this pair compared (a member lacking a phone says nothing about it).
      for (const e of ev) {
        const f = FIELD_SLOT[e.field];
        if (one[f]! > best[f]!) best[f] = one[f]!;
      }
    }
    let total = 0;
    for (let f = 0; f < FIELD_COUNT; f++) if (best[f]! > -Infinity) total += best[f]!;
    const name = best[FIELD_SLOT.name]!;
    return { total, besidesName: name > -Infinity ? total - name : total };
  }

  /** True when i holds a broken value one typo away from j's valid identifier. */
  private typoPair(i: number, j: number): boolean {
    const set = this.typoTargets.get(i);
    if (set === undefined) return false;
    const c = this.t.cols;
    return set.includes(c.uscc[j]!) || set.includes(c.rid[j]!) || set.includes(c.org[j]!);
  }

  /** 广州, 广东广州 and 广州海珠 are one place at different precisions; only a level both give and differ on disagrees. */
  private regionCompatible(a: number, b: number): boolean {
    const key = Math.min(a, b) * 0x4000000 + Math.max(a, b);
    let ok = this.regionPairs.get(key);
    if (ok === undefined) {
      ok = regionsCompatible(this.t.texts[a] ?? '', this.t.texts[b] ?? '');
      this.regionPairs.set(key, ok);
    }
    return ok;
  }

  /** Region value pairs already compared (a few hundred distinct regions). */
  private readonly regionPairs = new Map<number, boolean>();

  /** Row → value ids of the valid identifiers its broken value is one typo from (set by blocking). */
  readonly typoTargets = new Map<number, number[]>();
}
