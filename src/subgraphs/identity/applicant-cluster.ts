import { classifyIdentifier, orgCodeOfUscc, parseIdentifier, type CanonicalIdentifier, type IdentifierType } from '../../schema/identifiers/index.js';
import type { ApplicantKind, ApplicantRecord } from '../../schema/model.js';

/** A department record with its source, as the linker sees it. */
export interface SourcedRecord extends ApplicantRecord {
  department: string;
}

export interface LinkedRecord {
  department: string;
  localId: string;
  name: string;
  kind: ApplicantKind | null;
  /** The canonical identifiers this record validated to (USCC also yields its ORG_CODE). */
  identifiers: CanonicalIdentifier[];
  /** It holds a person's number, one that may be, or a mistyped one: the record is a person's. */
  personal: boolean;
  /** Personal only by the safe side, or against its own claims: under a steward's review. */
  ambiguous: boolean;
  /** Contact data as the department stores it: personal data, kept for the governed fields, never logged. */
  phone: string | null;
  address: string | null;
}

export interface Cluster {
  kind: ApplicantKind;
  name: string;
  records: LinkedRecord[];
  identifiers: CanonicalIdentifier[];
  /** The applicant id a data steward pinned these records to, if any. */
  pinnedId?: string;
}

/**
 * Reads a record's identifiers by structure and check characters (`classifyIdentifier`): a value valid
 * both as a resident ID and as a USCC is a person's unless GB 32100's structure holds and GB 11643's
 * does not; the record's claimed type and kind only ever confirm the person. `ambiguous` when a value
 * stays undecided (then read as a person's, and flagged for review).
 *
 * @example
 * readRecordIdentifiers({ kind: 'ORGANIZATION', identifiers: [{ value: '91350200776049653A', claimedType: 'USCC' }], … });
 * // { identifiers: [USCC, its ORG_CODE], ambiguous: false }
 */
export function readRecordIdentifiers(
  record: ApplicantRecord,
  settled?: ApplicantKind,
): { identifiers: CanonicalIdentifier[]; personal: boolean; ambiguous: boolean } {
  const out: CanonicalIdentifier[] = [];
  let personal = false;
  let ambiguous = false;
  for (const { value, claimedType } of record.identifiers) {
    // A steward who settled the record's kind decides what no structure could: an organisation's value
    // is its USCC reading, a person's is confirmed.
    const asUscc = settled === 'ORGANIZATION' ? parseIdentifier(value, 'USCC')[0] : undefined;
    const read = asUscc
      ? { identifier: asUscc, personal: false, ambiguous: false }
      : classifyIdentifier(value, settled === 'PERSON' ? { kind: 'PERSON' } : { claimedType, kind: record.kind });
    personal ||= read.personal;
    ambiguous ||= read.ambiguous;
    if (!read.identifier) continue;
    out.push(read.identifier);
    if (read.identifier.type === 'USCC') out.push({ type: 'ORG_CODE', value: orgCodeOfUscc(read.identifier.value) });
  }
  return { identifiers: dedupe(out), personal, ambiguous };
}

/** A record's validated identifiers (see `readRecordIdentifiers`). */
export function canonicalIdentifiers(record: ApplicantRecord): CanonicalIdentifier[] {
  return readRecordIdentifiers(record).identifiers;
}

/** A record with its identifiers read and validated; `settled`: the kind a data steward decided for it. */
export function toLinkedRecord(r: SourcedRecord, settled?: ApplicantKind): LinkedRecord {
  const { identifiers, personal, ambiguous } = readRecordIdentifiers(r, settled);
  return {
    department: r.department,
    localId: r.localId,
    name: r.name.trim(),
    kind: r.kind,
    identifiers,
    personal,
    ambiguous,
    phone: r.phone,
    address: r.address,
  };
}

/**
 * An applicant from its linked records: kind from the strongest identifier (a person as soon as one
 * record holds a person's number, one that may be, or a mistyped one: the safe side), name from the
 * record that holds it.
 */
export function makeCluster(records: LinkedRecord[]): Cluster {
  const identifiers = dedupe(records.flatMap((r) => r.identifiers)).sort(compareIdentifiers);
  const person = identifiers.some((i) => i.type === 'RESIDENT_ID') || records.some((r) => r.personal);
  const strong = identifiers.find((i) => i.type === 'RESIDENT_ID') ?? identifiers.find((i) => i.type !== 'ORG_CODE');
  const kind: ApplicantKind = person ? 'PERSON' : identifiers.length > 0 ? 'ORGANIZATION' : (records.find((r) => r.kind)?.kind ?? 'ORGANIZATION');
  // The name from a record that carried the strongest identifier is the most trustworthy spelling.
  const named = records.find((r) => r.identifiers.some((i) => i.type === strong?.type)) ?? records[0]!;
  return { kind, name: cleanName(named.name), records, identifiers };
}

/** Whitespace inside Chinese text is a typing slip (谢杰 乐); between Latin words it is kept, once. */
export function cleanName(name: string): string {
  return name
    .replace(/\u3000/g, ' ')
    .trim()
    .replace(/\s*([\u3400-\u9fff\u{20000}-\u{3134f}（）()])\s*/gu, '$1')
    .replace(/\s+/g, ' ');
}

const ORDER: Record<IdentifierType, number> = { USCC: 0, RESIDENT_ID: 1, ORG_CODE: 2 };
const compareIdentifiers = (a: CanonicalIdentifier, b: CanonicalIdentifier) => ORDER[a.type] - ORDER[b.type] || (a.value < b.value ? -1 : 1);

function dedupe(ids: CanonicalIdentifier[]): CanonicalIdentifier[] {
  const seen = new Set<string>();
  return ids.filter((i) => {
    const k = `${i.type}:${i.value}`;
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
