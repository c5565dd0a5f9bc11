import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  generateResidentId,
  generateUscc,
  isValidOrgCode,
  isValidResidentId,
  isValidUscc,
  mulberry32,
  type IdentifierType,
  type Rng,
} from '../../schema/identifiers/index.js';
import type { ApplicantKind } from '../../schema/model.js';
import { makeCluster, toLinkedRecord } from './applicant-cluster.js';

function search(rng: Rng, gen: (rng: Rng) => string, pred: (s: string) => boolean): string {
  for (let i = 0; i < 50_000; i++) {
    const s = gen(rng);
    if (pred(s)) return s;
  }
  throw new Error('no match found');
}

const record = (localId: string, value: string, kind: ApplicantKind | null, claimedType: IdentifierType | null) =>
  toLinkedRecord({ department: 'health', localId, name: '某某', kind, identifiers: [{ value, claimedType }], phone: null, address: null });

// The demo district's birthplaces, and the claims its legacy records make (a person written down as a 单位
// or with a 统一社会信用代码 certificate type is the demo's noise, as in real exports).
const DIVISIONS = ['440105', '440103', '440104', '440106', '440111', '445221', '440582', '441402', '440803', '360502', '430105', '450102'];
const WRONG_CLAIMS: Array<[ApplicantKind | null, IdentifierType | null]> = [
  ['ORGANIZATION', 'USCC'],
  ['ORGANIZATION', null],
  ['PERSON', 'USCC'],
  [null, 'USCC'],
  [null, null],
];

describe("an applicant's kind", () => {
  it('is a person for a resident ID that also passes the USCC check, whatever its records claim', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(...DIVISIONS), fc.constantFrom(...WRONG_CLAIMS), (seed, division, [kind, claimedType]) => {
        const id = search(mulberry32(seed), (r) => generateResidentId(r, { division }), isValidUscc);
        const cluster = makeCluster([record('1', id, kind, claimedType)]);
        expect(cluster.kind).toBe('PERSON');
        expect(cluster.identifiers).toEqual([{ type: 'RESIDENT_ID', value: id }]);
      }),
      { numRuns: 200 },
    );
  });

  it('is a person, flagged, when a value stays ambiguous after every structural check', () => {
    // Division 131102 (Hebei) reads as authority 1, category 3 and division 1102xx under 11: GB 32100's
    // structure holds whenever the embedded organisation code validates too.
    const id = search(
      mulberry32(11),
      (r) => generateResidentId(r, { division: '131102' }),
      (s) => isValidUscc(s) && isValidOrgCode(s.slice(8, 17)),
    );
    const linked = record('1', id, 'ORGANIZATION', 'USCC');
    expect(linked.ambiguous).toBe(true);
    expect(makeCluster([linked]).kind).toBe('PERSON');
    // With a second record that holds the same number and says it is a person's, it is settled.
    expect(record('2', id, 'PERSON', 'RESIDENT_ID').ambiguous).toBe(false);
  });

  it('is a person for a mistyped resident ID, whatever its records claim', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom(...DIVISIONS), fc.constantFrom(...WRONG_CLAIMS), (seed, division, [kind, claimedType]) => {
        const rng = mulberry32(seed);
        const id = generateResidentId(rng, { division });
        const at = Math.floor(rng() * 17);
        const typo = id.slice(0, at) + String((Number(id[at]) + 1 + Math.floor(rng() * 8)) % 10) + id.slice(at + 1);
        const linked = record('1', typo, kind, claimedType);
        expect(linked.identifiers.filter((i) => i.type !== 'RESIDENT_ID')).toEqual([]);
        expect(makeCluster([linked]).kind).toBe('PERSON');
      }),
      { numRuns: 200 },
    );
  });

  it('stays an organisation for a genuine USCC, all-digit ones included', () => {
    fc.assert(
      fc.property(fc.integer(), fc.constantFrom('91', '92', '93', '52', '12'), (seed, prefix) => {
        const uscc = generateUscc(mulberry32(seed), { prefix });
        const cluster = makeCluster([record('1', uscc, 'ORGANIZATION', 'USCC')]);
        expect(cluster.kind).toBe('ORGANIZATION');
        expect(cluster.identifiers.map((i) => i.type)).toEqual(['USCC', 'ORG_CODE']);
      }),
    );
    const both = search(
      mulberry32(3),
      (r) => generateUscc(r, { prefix: '91', division: '310120' }),
      (s) => /^\d{18}$/.test(s) && isValidResidentId(s),
    );
    expect(makeCluster([record('1', both, null, null)]).kind).toBe('ORGANIZATION');
  });
});
