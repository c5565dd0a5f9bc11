import type { DemoHub } from './demo-hub.js';

/** A natural person of the demo district, as the tests of governance need one. */
export interface PersonSubject {
  /** Public Applicant id. */
  id: string;
  /** The hub's applicant key, as audit events name applicants. */
  key: string;
  residentId: string;
  /** The departments holding a record of the person; `home` holds one with a phone. */
  home: string;
  away: string;
  /** A department holding no record of the person. */
  other: string;
  /** `department:localId` of every record. */
  recordKeys: string[];
}

export interface OrganisationSubject {
  id: string;
  key: string;
  uscc: string;
  recordKeys: string[];
}

const DEPARTMENTS = ['health', 'housing', 'market'];
const globalId = (key: string) => Buffer.from(`Applicant:${key}`).toString('base64url');

/**
 * Reads the demo district's applicants from the hub database (as only a test may): every person with
 * records in exactly two departments, a resident ID and a phone, and one organisation with a USCC.
 */
export async function pickSubjects(hub: DemoHub): Promise<{ people: PersonSubject[]; organisation: OrganisationSubject }> {
  const rows = await hub.hub.db
    .selectFrom('applicant_records as r')
    .innerJoin('applicants as a', 'a.id', 'r.applicant_id')
    .select(['a.id', 'a.kind', 'r.department_code', 'r.local_id', 'r.phone'])
    .where('a.merged_into', 'is', null)
    .orderBy('a.id')
    .execute();
  const identifiers = await hub.hub.db.selectFrom('applicant_identifiers').select(['applicant_id', 'type', 'value']).execute();
  const byApplicant = new Map<string, typeof rows>();
  for (const r of rows) byApplicant.set(r.id, [...(byApplicant.get(r.id) ?? []), r]);
  const people: PersonSubject[] = [];
  let organisation: OrganisationSubject | undefined;
  for (const [key, records] of byApplicant) {
    const own = identifiers.filter((i) => i.applicant_id === key);
    const recordKeys = records.map((r) => `${r.department_code}:${r.local_id}`).sort();
    if (records[0]!.kind === 'ORGANIZATION') {
      const uscc = own.find((i) => i.type === 'USCC')?.value;
      if (!organisation && uscc) organisation = { id: globalId(key), key, uscc, recordKeys };
      continue;
    }
    const held = [...new Set(records.map((r) => r.department_code))];
    const residentId = own.find((i) => i.type === 'RESIDENT_ID')?.value;
    const withPhone = records.find((r) => r.phone);
    if (held.length !== 2 || !residentId || !withPhone) continue;
    people.push({
      id: globalId(key),
      key,
      residentId,
      home: withPhone.department_code,
      away: held.find((d) => d !== withPhone.department_code)!,
      other: DEPARTMENTS.find((d) => !held.includes(d))!,
      recordKeys,
    });
  }
  if (people.length < 2 || !organisation) throw new Error('the demo district lacks the subjects these tests need');
  return { people, organisation };
}
