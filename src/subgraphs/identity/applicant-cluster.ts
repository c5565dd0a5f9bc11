import { orgCodeOfUscc, parseIdentifier, type CanonicalIdentifier, type IdentifierType } from '../../schema/identifiers/index.js';
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
 * Reads a record's identifiers: every raw value is parsed by structure and check character; when a
 * value validates as more than one type, the record's claimed type, then its claimed kind, choose;
 * if neither does, the value is left unlinked (a false merge is far worse than a missed one).
 */
export function canonicalIdentifiers(record: ApplicantRecord): CanonicalIdentifier[] {
  const out: CanonicalIdentifier[] = [];
  for (const { value, claimedType } of record.identifiers) {
    let readings = parseIdentifier(value);
    if (readings.length > 1 && claimedType) readings = readings.filter((r) => r.type === claimedType);
    if (readings.length > 1 && record.kind) readings = readings.filter((r) => (record.kind === 'PERSON') === (r.type === 'RESIDENT_ID'));
    if (readings.length !== 1) continue;
    const reading = readings[0]!;
    out.push(reading);
    if (reading.type === 'USCC') out.push({ type: 'ORG_CODE', value: orgCodeOfUscc(reading.value) });
  }
  return dedupe(out);
}

/** A record with its identifiers read and validated. */
export function toLinkedRecord(r: SourcedRecord): LinkedRecord {
  return { department: r.department, localId: r.localId, name: r.name.trim(), kind: r.kind, identifiers: canonicalIdentifiers(r), phone: r.phone, address: r.address };
}

/** An applicant from its linked records: kind from the strongest identifier, name from the record that holds it. */
export function makeCluster(records: LinkedRecord[]): Cluster {
  const identifiers = dedupe(records.flatMap((r) => r.identifiers)).sort(compareIdentifiers);
  const strong = identifiers.find((i) => i.type !== 'ORG_CODE');
  const kind: ApplicantKind =
    strong?.type === 'RESIDENT_ID' ? 'PERSON' : identifiers.length > 0 ? 'ORGANIZATION' : records.find((r) => r.kind)?.kind ?? 'ORGANIZATION';
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
