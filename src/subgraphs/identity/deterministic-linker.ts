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
  return { department: r.department, localId: r.localId, name: r.name.trim(), kind: r.kind, identifiers: canonicalIdentifiers(r) };
}

/**
 * Deterministic linking: records sharing a valid USCC or resident ID are one applicant; a record that
 * holds only a legacy organisation code joins the organisation whose USCC contains it — only when
 * exactly one such USCC is known. Records with nothing valid stay alone. A cluster never holds two
 * different USCCs or resident IDs, nor a person with an organisation, by construction.
 *
 * @example
 * const clusters = linkDeterministically([
 *   { department: 'market', localId: '7', name: '某某有限公司', kind: 'ORGANIZATION', identifiers: [{ value: '91350200776049653A', claimedType: null }], phone: null, address: null },
 *   { department: 'health', localId: 'H1', name: '某某有限公司', kind: null, identifiers: [{ value: '77604965-3', claimedType: null }], phone: null, address: null },
 * ]); // one cluster with both records
 */
export function linkDeterministically(records: readonly SourcedRecord[]): Cluster[] {
  const linked = records.map(toLinkedRecord);

  // Which USCCs contain each org code, to decide whether an org-code-only record is unambiguous.
  const usccsByOrgCode = new Map<string, Set<string>>();
  for (const r of linked) {
    for (const id of r.identifiers) {
      if (id.type !== 'USCC') continue;
      const org = orgCodeOfUscc(id.value);
      let set = usccsByOrgCode.get(org);
      if (!set) usccsByOrgCode.set(org, (set = new Set()));
      set.add(id.value);
    }
  }

  const keyOf = (r: LinkedRecord): string | null => {
    let strong = r.identifiers.filter((i) => i.type !== 'ORG_CODE');
    // An organisation's record may also hold its representative's ID number: the claimed kind picks.
    if (strong.length > 1 && r.kind) strong = strong.filter((i) => (r.kind === 'PERSON') === (i.type === 'RESIDENT_ID'));
    // Still two different strong identifiers: link neither way.
    if (strong.length > 1) return null;
    if (strong.length === 1) return `${strong[0]!.type}:${strong[0]!.value}`;
    const orgs = r.identifiers.filter((i) => i.type === 'ORG_CODE');
    if (orgs.length !== 1) return null;
    const usccs = usccsByOrgCode.get(orgs[0]!.value);
    if (!usccs) return `ORG_CODE:${orgs[0]!.value}`;
    return usccs.size === 1 ? `USCC:${[...usccs][0]}` : null;
  };

  const byKey = new Map<string, LinkedRecord[]>();
  const clusters: Cluster[] = [];
  for (const r of linked) {
    const key = keyOf(r);
    if (key === null) {
      clusters.push(makeCluster([r]));
      continue;
    }
    const group = byKey.get(key);
    if (group) group.push(r);
    else byKey.set(key, [r]);
  }
  for (const group of byKey.values()) clusters.push(makeCluster(group));
  return clusters;
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
