// Fellegi–Sunter scoring: each field comparison adds log2(m/u) bits, where m is how often two records
// of one applicant reach that level and u how often two different applicants do. For exact agreement
// u is the value's own frequency (term-frequency adjustment): agreeing on 张伟 is worth ~10 bits,
// agreeing on a name nobody else holds ~19. m values are set from the noise legacy data shows (not
// fitted per run, so scores are stable across runs and across incremental updates).

import { regionsCompatible } from './company-name.js';
import { holders, shareKey, type BlockIndex, type BrokenCandidates } from './blocking.js';
import { type FeatureTable, KIND_UNKNOWN } from './features.js';
import type { Evidence } from './types.js';

/** A pair that a never-merge rule forbids; never linked, never reviewed. */
export const VETO = -1_000_000;

// Weights in bits. Agreement weights come from log2(m/u) with u from value frequencies (below).
export const WEIGHTS = {
  /** One value is a typo (fails its check) one substitution/transposition from the other's valid number: u ≈ neighbours issued / space. */
  identifierTypo: 12,
  /** Two different broken values, each one slip from the same valid number (which no record need hold). */
  identifierSameNumber: 10,
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
  /** Agreeing on a phone or address many applicants use (see `PairScorer.shared`). */
  sharedValueAgree: 3,
  /** The broken number's birth-date part equals the valid one's birth date. */
  birthAgree: 3,
} as const;

const M_NAME = 0.95;
const M_PHONE = 0.9;
const M_ADDRESS = 0.8;
/** Distinct names among a phone's or address's holders from which it counts as shared. */
const SHARED_VALUE_NAMES = 3;

// The most frequent full names in China (public name statistics): whatever the data's counts say,
// agreeing on one of these is never strong evidence on its own.
const VERY_COMMON_NAMES = new Set([
  '张伟',
  '王伟',
  '王芳',
  '李伟',
  '李娜',
  '张敏',
  '李静',
  '王静',
  '刘伟',
  '王秀英',
  '张丽',
  '李秀英',
  '王丽',
  '张静',
  '张秀英',
  '李强',
  '王敏',
  '李敏',
  '王磊',
  '刘洋',
  '王艳',
  '王勇',
  '李军',
  '张勇',
  '李杰',
  '张杰',
  '张磊',
  '王强',
  '李娟',
  '王军',
  '张艳',
  '张涛',
  '王涛',
  '李明',
  '李艳',
  '王超',
  '李勇',
  '王娟',
  '刘杰',
  '王秀兰',
  '李霞',
  '刘敏',
  '张军',
  '李丽',
  '张强',
  '王平',
  '王刚',
  '王杰',
  '李桂英',
  '刘芳',
  '陈伟',
  '陈静',
  '陈杰',
  '黄伟',
  '刘静',
  '杨伟',
  '陈敏',
  '李红',
  '张燕',
  '王霞',
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
const NAME_SLOT = 1;

/**
 * Two groups of records compared field by field, each field at the best level any pair of members
 * reaches: a phone agreeing with one member agrees; a phone differing from every member's disagrees;
 * a field no pair could compare says nothing.
 */
export interface GroupComparison {
  /** A never-merge rule applies between some two members. */
  veto: boolean;
  /** Sum of the fields' best weights, the name weighted as held by one applicant. */
  total: number;
  /** `total` without the name. */
  besidesName: number;
  /** Some field compared and disagreed at its best level: the groups look like two applicants. */
  conflict: boolean;
}

/** Per-pair field accumulator: the weight each field slot added, and whether it was compared at all. */
interface FieldSink {
  weight: Float64Array;
  compared: Uint8Array;
}

/** Per-run scoring context: caches name floors by value id and which phones and addresses are shared. */
export class PairScorer {
  private readonly floors = new Map<number, number>();
  private readonly sharedValues = new Map<number, boolean>();

  constructor(
    private readonly t: FeatureTable,
    private readonly population: number,
    private readonly index: BlockIndex,
    /** Broken-identifier row → its candidates (targets held in the data, keys of all). */
    private readonly candidates: Map<number, BrokenCandidates>,
    private readonly maxBlockSize: number,
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
   * A phone or address many applicants use: held by records bearing three or more different names,
   * or by more records than a block may hold (an agency's or a building's switchboard, a registered
   * agent's address). Agreeing on it says little, and differing from it says nothing.
   */
  shared(v: number): boolean {
    let s = this.sharedValues.get(v);
    if (s === undefined) {
      const h = holders(this.index, v);
      if (h.length > this.maxBlockSize) s = true;
      else {
        const names: number[] = [];
        const col = this.t.cols.name;
        for (const r of h) {
          const n = col[r]!;
          if (n !== 0 && !names.includes(n)) names.push(n);
        }
        s = names.length >= SHARED_VALUE_NAMES;
      }
      this.sharedValues.set(v, s);
    }
    return s;
  }

  /**
   * Total weight of a pair, or VETO when a never-merge rule applies (person vs organisation, two
   * different valid USCCs or resident IDs, branch vs head office or another branch, different sex or
   * birth date from valid IDs). Pass `evidence` to collect the comparison levels reached.
   * `nameHolders` replaces the name's record count in its term-frequency weight: 1 when the records
   * bearing the name are compared as one applicant's.
   *
   * @example
   * const w = scorer.score(i, j); // e.g. 19.3 for a rare name plus an address agreeing
   */
  score(i: number, j: number, evidence?: Evidence[], nameHolders?: number, sink?: FieldSink): number {
    const t = this.t;
    const c = t.cols;
    const ki = t.kind[i]!;
    const kj = t.kind[j]!;
    if (ki !== KIND_UNKNOWN && kj !== KIND_UNKNOWN && ki !== kj) return VETO;
    const ui = c.uscc[i]!,
      uj = c.uscc[j]!;
    if (ui !== 0 && uj !== 0 && ui !== uj) return VETO;
    const ri = c.rid[i]!,
      rj = c.rid[j]!;
    if (ri !== 0 && rj !== 0 && ri !== rj) return VETO;
    const bi = c.branch[i]!,
      bj = c.branch[j]!;
    if (bi !== 0 && bj !== 0 && bi !== bj) return VETO;
    if (t.birth[i]! !== 0 && t.birth[j]! !== 0 && t.birth[i] !== t.birth[j]) return VETO;
    if (t.sex[i]! !== 0 && t.sex[j]! !== 0 && t.sex[i] !== t.sex[j]) return VETO;

    let w = 0;
    const add = (field: Evidence['field'], level: string, weight: number) => {
      w += weight;
      if (sink) {
        sink.weight[FIELD_SLOT[field]]! += weight;
        sink.compared[FIELD_SLOT[field]] = 1;
      }
      if (weight !== 0) evidence?.push({ field, level, weight: Math.round(weight * 100) / 100 });
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
      } else if (brI !== 0 && brJ !== 0 && this.sameNumber(i, j)) {
        add('identifier', 'same-number', WEIGHTS.identifierSameNumber);
      } else add('identifier', 'disagree', WEIGHTS.identifierDisagree);
    }

    // Names: exact (term-frequency weighted), same pinyin, or disagree.
    const ni = c.name[i]!,
      nj = c.name[j]!;
    if (ni !== 0 && nj !== 0) {
      if (ni === nj) add('name', 'exact', agreementWeight(M_NAME, nameHolders ?? t.counts[ni]!, this.population, this.nameFloor(ni)));
      else if (c.pinyin[i] !== 0 && c.pinyin[i] === c.pinyin[j]) add('name', 'pinyin', WEIGHTS.namePinyin);
      else add('name', 'disagree', WEIGHTS.nameDisagree);
    }
    if (t.form[i] !== 0 && t.form[j] !== 0) add('form', t.form[i] === t.form[j] ? 'agree' : 'disagree', t.form[i] === t.form[j] ? 0 : WEIGHTS.formDisagree);
    const gi = c.region[i]!,
      gj = c.region[j]!;
    if (gi !== 0 && gj !== 0) {
      const same = gi === gj || this.regionCompatible(gi, gj);
      add('region', same ? 'agree' : 'disagree', same ? 0 : WEIGHTS.regionDisagree);
    }

    const pi = c.phone[i]!,
      pj = c.phone[j]!;
    if (pi !== 0 && pj !== 0) {
      if (pi === pj) {
        if (this.shared(pi)) add('phone', 'shared', WEIGHTS.sharedValueAgree);
        else add('phone', 'exact', agreementWeight(M_PHONE, t.counts[pi]!, this.population, 1e-6));
      } else if (!this.shared(pi) && !this.shared(pj)) add('phone', 'disagree', WEIGHTS.phoneDisagree);
    }
    const ai = c.addr[i]!,
      aj = c.addr[j]!;
    if (ai !== 0 && aj !== 0) {
      if (ai === aj) {
        if (this.shared(ai)) add('address', 'shared', WEIGHTS.sharedValueAgree);
        else add('address', 'exact', agreementWeight(M_ADDRESS, t.counts[ai]!, this.population, 1e-6));
      } else if (!this.shared(ai) && !this.shared(aj)) add('address', 'disagree', WEIGHTS.addressDisagree);
    }
    return w;
  }

  /**
   * Two groups of records (clusters) compared as wholes: per field the best level any pair of members
   * reaches, the name weighted as held by one applicant.
   *
   * @example
   * scorer.compareGroups([r], [a, b]).total; // name (rare, ~19.9) + best identifier/phone/address levels
   */
  compareGroups(a: ArrayLike<number>, b: ArrayLike<number>): GroupComparison {
    const best = new Float64Array(FIELD_COUNT).fill(-Infinity);
    const sink: FieldSink = { weight: new Float64Array(FIELD_COUNT), compared: new Uint8Array(FIELD_COUNT) };
    for (let x = 0; x < a.length; x++) {
      for (let y = 0; y < b.length; y++) {
        const i = a[x]!;
        const j = b[y]!;
        if (i === j) continue;
        sink.weight.fill(0);
        sink.compared.fill(0);
        if (this.score(i, j, undefined, 1, sink) === VETO) return { veto: true, total: VETO, besidesName: VETO, conflict: true };
        for (let f = 0; f < FIELD_COUNT; f++) if (sink.compared[f] === 1 && sink.weight[f]! > best[f]!) best[f] = sink.weight[f]!;
      }
    }
    let total = 0;
    let conflict = false;
    for (let f = 0; f < FIELD_COUNT; f++) {
      if (best[f] === -Infinity) continue;
      total += best[f]!;
      if (best[f]! < 0) conflict = true;
    }
    const name = best[NAME_SLOT]!;
    return { veto: false, total, besidesName: name > -Infinity ? total - name : total, conflict };
  }

  /** True when i holds a broken value one typo away from j's valid identifier (or its organisation code). */
  private typoPair(i: number, j: number): boolean {
    const cands = this.candidates.get(i);
    if (cands === undefined) return false;
    const c = this.t.cols;
    const set = cands.targets;
    return set.includes(c.uscc[j]!) || set.includes(c.rid[j]!) || set.includes(c.org[j]!);
  }

  /** True when two broken values are slips of one number (they share a candidate, held or not). */
  private sameNumber(i: number, j: number): boolean {
    const x = this.candidates.get(i);
    const y = this.candidates.get(j);
    return x !== undefined && y !== undefined && shareKey(x.keys, y.keys);
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
}
