import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateResidentId, isValidUscc, mulberry32 } from '../../src/schema/identifiers/index.js';
import { toResidentId15 } from '../../src/schema/identifiers/resident-id.js';
import { searchAuditEvents } from '../../src/storage/audit-log/index.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';
import { pickSubjects, type OrganisationSubject, type PersonSubject } from '../support/governance-subjects.js';

/**
 * Every path that can reveal a natural person's records — a list filter, a lookup by id or by
 * identifier, a count, an error's message and extensions — takes the same field policy as the fields
 * themselves and is audited with the applicant; to a caller who may not know, "no such applicant" and
 * "not allowed" are the same answer, byte for byte.
 */
const as = (key: string | null, purpose?: string): Record<string, string> => ({
  authorization: key ? `Bearer ${key}` : '',
  ...(purpose ? { 'x-purpose': purpose } : {}),
});
const PUBLIC = as(null);
const PORTAL = as('demo-portal-key');
const STEWARD = as('demo-steward-key');
const DEPARTMENTS = ['health', 'housing', 'market'];
/** GB 11643's published example: valid, and no one in the demo district. */
const UNKNOWN_RESIDENT_ID = '110101199003074514';
/** A well-formed applicant id no applicant has. */
const UNKNOWN_APPLICANT = Buffer.from('Applicant:ap_nobody_at_all_0').toString('base64url');

type Body = { data?: any; errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }> };

/** The forms a resident ID is accepted in, each as (name, value, type argument). */
function residentIdForms(id18: string): Array<[string, string, string | null]> {
  const fullWidth = id18.replace(/[0-9X]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0));
  const forms: Array<[string, string, string | null]> = [
    ['canonical', id18, null],
    ['lower case', id18.toLowerCase(), null],
    ['full width', fullWidth, null],
    ['spaced', `${id18.slice(0, 6)} ${id18.slice(6, 14)} ${id18.slice(14)}`, null],
    ['dashed', `${id18.slice(0, 6)}-${id18.slice(6, 14)}-${id18.slice(14)}`, null],
    ['typed', id18, 'RESIDENT_ID'],
  ];
  const id15 = toResidentId15(id18);
  if (id15) forms.push(['15 digits', id15, null]);
  return forms;
}

/** Every FORBIDDEN error of a body. */
const forbidden = (body: Body) => (body.errors ?? []).filter((e) => e.extensions?.code === 'FORBIDDEN');
/** No error of the body names a department (in its message or its extensions). */
const namesNoDepartment = (errors: Body['errors']) => {
  for (const e of errors ?? []) {
    expect(e.extensions?.owner, e.message).toBeUndefined();
    expect(e.extensions?.owners, e.message).toBeUndefined();
    expect(e.extensions?.department, e.message).toBeUndefined();
    for (const code of DEPARTMENTS) expect(e.message).not.toContain(code);
  }
};

for (const backend of backends) {
  describe(`side doors to a person's records (${backend.name})`, () => {
    let hub: DemoHub;
    let person: PersonSubject;
    /** A person none of whose records is held by `person.home`. */
    let stranger: PersonSubject;
    let organisation: OrganisationSubject;

    beforeAll(async () => {
      hub = await startDemoHub(backend);
      const subjects = await pickSubjects(hub);
      person = subjects.people[0]!;
      stranger = subjects.people.find((p) => p.home !== person.home && p.away !== person.home)!;
      organisation = subjects.organisation;
      expect(stranger, 'a second person held elsewhere').toBeDefined();
    });
    afterAll(() => hub?.stop());

    const eventsOf = async (operation: string) => (await searchAuditEvents(hub.hub.db, { operation })).map((e) => e.event);

    describe('the permits list filtered by applicant', () => {
      const selections = [
        ['nodes', `nodes { title department { code } }`],
        ['totalCount alone', `totalCount`],
        ['edges and pageInfo', `edges { cursor node { id } } pageInfo { hasNextPage endCursor }`],
      ];
      it.each(selections)('refuses the public a person’s list exactly as it refuses an unknown applicant: %s', async (_name, selection) => {
        const query = `query ($f: PermitFilter) { permits(first: 20, filter: $f) { ${selection} } }`;
        const ofPerson = await hub.query(query, { f: { applicantId: person.id } }, PUBLIC);
        const ofNobody = await hub.query(query, { f: { applicantId: UNKNOWN_APPLICANT } }, PUBLIC);
        expect(ofPerson.data?.permits ?? null).toBeNull();
        expect(forbidden(ofPerson)).toHaveLength(1);
        expect(ofPerson).toEqual(ofNobody);
        namesNoDepartment(ofPerson.errors);
        // With the department filter too, and for the page after a cursor: the same refusal.
        const narrowed = await hub.query(query, { f: { applicantId: person.id, departmentCodes: [person.home] } }, PUBLIC);
        expect(narrowed.data?.permits ?? null).toBeNull();
        expect(forbidden(narrowed)).toHaveLength(1);
      });

      it('lists an organisation’s permits to the public, and a person’s to a portal and the steward, audited with the applicant', async () => {
        const query = `query FilterList($f: PermitFilter) { permits(first: 50, filter: $f) { totalCount nodes { id } } }`;
        const org = await hub.query(query, { f: { applicantId: organisation.id } }, PUBLIC);
        expect(org.errors).toBeUndefined();
        expect(org.data.permits.totalCount).toBeGreaterThan(0);

        for (const [who, headers] of [
          ['demo-portal', PORTAL],
          ['demo-steward', STEWARD],
        ] as const) {
          const body = await hub.query(query, { f: { applicantId: person.id } }, headers);
          expect(body.errors).toBeUndefined();
          expect(body.data.permits.totalCount).toBeGreaterThan(0);
          const events = (await eventsOf('FilterList')).filter((e) => e.consumer === who);
          expect(events).toHaveLength(1);
          expect(events[0]!.applicantIds).toEqual([person.key]);
        }
        // The portal may know that no one has an id: an empty list, no error.
        const nobody = await hub.query(query, { f: { applicantId: UNKNOWN_APPLICANT } }, PORTAL);
        expect(nobody.errors).toBeUndefined();
        expect(nobody.data.permits.totalCount).toBe(0);
      });

      it('audits the refused attempt with the person it was about', async () => {
        await hub.query(`query FilterRefused($f: PermitFilter) { permits(first: 5, filter: $f) { totalCount } }`, { f: { applicantId: person.id } }, PUBLIC);
        const [event, ...more] = await eventsOf('FilterRefused');
        expect(more).toHaveLength(0);
        expect(event).toMatchObject({ consumer: 'public', outcome: 'denied', applicantIds: [person.key] });
        expect(event!.released.flatMap((r) => r.recordIds)).toEqual([]);
      });
    });

    describe('Applicant.permits and the errors on a person’s rows', () => {
      it('refuses the public a person’s permits and their count, naming no department in any error', async () => {
        const query = `{ permits(first: 60) { nodes { applicant { id name kind identifiers { value } records { localId } permits(first: 5) { totalCount nodes { title } } } } } }`;
        const steward = await hub.query(`{ permits(first: 60) { nodes { applicant { kind } } } }`, undefined, STEWARD);
        const kinds = (steward.data.permits.nodes as Array<{ applicant: { kind: string } | null }>).map((n) => n.applicant?.kind ?? null);
        expect(kinds).toContain('PERSON');
        expect(kinds).toContain('ORGANIZATION');
        const body = await hub.query(query, undefined, PUBLIC);
        const nodes = body.data.permits.nodes as any[];
        for (const [i, kind] of kinds.entries()) {
          const errors = forbidden(body).filter((e) => JSON.stringify(e.path?.slice(0, 4)) === JSON.stringify(['permits', 'nodes', i, 'applicant']));
          if (kind === 'PERSON') {
            expect(nodes[i].applicant).toBeNull();
            expect(errors.length).toBeGreaterThan(0);
            namesNoDepartment(errors);
          } else if (kind === 'ORGANIZATION') {
            expect(nodes[i].applicant.permits.totalCount).toBeGreaterThan(0);
          }
        }
      });

      it('names no department in a department’s FORBIDDEN on a person’s conditional field', async () => {
        const body = await hub.query(
          `query ($id: ID!) { applicant(id: $id) { records { department { code } phone address } } }`,
          { id: person.id },
          as(`demo-${person.other}-key`),
        );
        const errors = forbidden(body);
        expect(errors.length).toBeGreaterThanOrEqual(2);
        for (const e of errors)
          expect(e.extensions).toMatchObject({ field: expect.stringMatching(/^ApplicantRecord\.(phone|address)$/), shareLevel: 'CONDITIONAL' });
        namesNoDepartment(errors);
      });
    });

    describe('applicant(id:)', () => {
      const selections = [
        ['id', `id`],
        ['__typename alone', `__typename`],
        ['a fragment on kind', `... on Applicant { kind }`],
        ['permits and their count', `name permits(first: 5) { totalCount }`],
      ];
      it.each(selections)('answers the public about a person exactly as about no one: %s', async (_name, selection) => {
        const query = `query ($id: ID!) { applicant(id: $id) { ${selection} } }`;
        const ofPerson = await hub.query(query, { id: person.id }, PUBLIC);
        const ofNobody = await hub.query(query, { id: UNKNOWN_APPLICANT }, PUBLIC);
        expect(ofPerson.data?.applicant ?? null).toBeNull();
        expect(forbidden(ofPerson)).toHaveLength(1);
        expect(ofPerson).toEqual(ofNobody);
        namesNoDepartment(ofPerson.errors);
        // An organisation is public; a malformed id is still the caller's mistake.
        const org = await hub.query(query, { id: organisation.id }, PUBLIC);
        expect(org.errors).toBeUndefined();
        expect(org.data.applicant).not.toBeNull();
        const malformed = await hub.query(query, { id: 'not an id' }, PUBLIC);
        expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      });

      it('gives no sign in the order of a response’s errors which of several lookups found someone', async () => {
        const both = `query ($x: ID!, $y: ID!) { a: applicant(id: $x) { __typename } b: applicant(id: $y) { __typename } }`;
        for (let round = 0; round < 3; round++) {
          const personFirst = await hub.query(both, { x: person.id, y: UNKNOWN_APPLICANT }, PUBLIC);
          const nobodyFirst = await hub.query(both, { x: UNKNOWN_APPLICANT, y: person.id }, PUBLIC);
          expect(forbidden(personFirst)).toHaveLength(2);
          expect(personFirst).toEqual(nobodyFirst);
        }
      });

      it('answers a government consumer, who may know, with the person or null', async () => {
        const query = `query ($id: ID!) { applicant(id: $id) { __typename name } }`;
        const found = await hub.query(query, { id: person.id }, PORTAL);
        expect(found.errors).toBeUndefined();
        expect(found.data.applicant.name).toBeTruthy();
        const nobody = await hub.query(query, { id: UNKNOWN_APPLICANT }, PORTAL);
        expect(nobody).toEqual({ data: { applicant: null } });
      });
    });

    describe('applicantByIdentifier', () => {
      const lookup = `query Lookup($v: String!, $t: IdentifierType) { applicantByIdentifier(value: $v, type: $t) { id identifiers { type value } } }`;

      it('answers the public, a portal and another department about a resident ID exactly as about an unknown one, in every form', async () => {
        const unknownForms = residentIdForms(UNKNOWN_RESIDENT_ID);
        for (const headers of [PUBLIC, PORTAL, as(`demo-${person.other}-key`)]) {
          for (const [name, value, type] of residentIdForms(person.residentId)) {
            const unknown = unknownForms.find(([n]) => n === name) ?? unknownForms[0]!;
            const ofPerson = await hub.query(lookup, { v: value, t: type }, headers);
            const ofNobody = await hub.query(lookup, { v: unknown[1], t: unknown[2] }, headers);
            expect(ofPerson.data?.applicantByIdentifier ?? null, name).toBeNull();
            expect(forbidden(ofPerson), name).toHaveLength(1);
            expect(ofPerson, name).toEqual(ofNobody);
            namesNoDepartment(ofPerson.errors);
            expect(JSON.stringify(ofPerson)).not.toContain(person.residentId);
          }
          // Typed as another kind of code, the number finds no one either way: refused, or not a valid USCC.
          const typedOtherwise = await hub.query(lookup, { v: person.residentId, t: 'USCC' }, headers);
          expect(typedOtherwise.data?.applicantByIdentifier ?? null).toBeNull();
          expect(typedOtherwise.errors?.[0]?.extensions?.code).toMatch(/^(FORBIDDEN|BAD_USER_INPUT)$/);
        }
      });

      it('stays no oracle after a clear-text grant in one department: it opens that department’s people only', async () => {
        const purpose = 'LICENSING_REVIEW';
        await hub.hub.db
          .insertInto('grants')
          .values({
            consumer_id: 'demo-portal',
            department_code: person.home,
            fields: JSON.stringify(['Applicant.identifiers', 'Identifier.value']),
            purpose,
            legal_basis: 'test',
            clear_text: true,
            valid_from: new Date(Date.now() - 60_000),
            valid_until: new Date(Date.now() + 86_400_000),
          })
          .execute();
        const granted = as('demo-portal-key', purpose);
        const unknownForms = residentIdForms(UNKNOWN_RESIDENT_ID);
        for (const [name, value, type] of residentIdForms(person.residentId)) {
          const body = await hub.query(lookup, { v: value, t: type }, granted);
          expect(body.errors, name).toBeUndefined();
          expect(body.data.applicantByIdentifier.id, name).toBe(person.id);
          // What the lookup confirms is what the caller may read in clear anyway.
          expect(body.data.applicantByIdentifier.identifiers).toContainEqual({ type: 'RESIDENT_ID', value: person.residentId });
        }
        for (const [name, value, type] of residentIdForms(stranger.residentId)) {
          const unknown = unknownForms.find(([n]) => n === name) ?? unknownForms[0]!;
          const ofStranger = await hub.query(lookup.replace('Lookup', 'OracleA'), { v: value, t: type }, granted);
          const ofNobody = await hub.query(lookup.replace('Lookup', 'OracleB'), { v: unknown[1], t: unknown[2] }, granted);
          expect(ofStranger.data?.applicantByIdentifier ?? null, name).toBeNull();
          expect(forbidden(ofStranger), name).toHaveLength(1);
          expect(ofStranger.errors, name).toEqual(ofNobody.errors);
          expect(JSON.stringify(ofStranger)).not.toContain(stranger.residentId);
        }
        // Refused, the attempts are audited with the person they were about; the unknown ones with no one.
        const strangerEvents = await eventsOf('OracleA');
        expect(strangerEvents.length).toBeGreaterThan(0);
        for (const e of strangerEvents)
          expect(e).toMatchObject({ outcome: 'denied', applicantIds: [stranger.key], denied: expect.arrayContaining(['lookup:RESIDENT_ID']) });
        for (const e of await eventsOf('OracleB')) expect(e.applicantIds).toEqual([]);
      });

      it('lets a department look up the people it holds, and no one else', async () => {
        const home = as(`demo-${person.home}-key`);
        const own = await hub.query(lookup, { v: person.residentId }, home);
        expect(own.errors).toBeUndefined();
        expect(own.data.applicantByIdentifier.id).toBe(person.id);
        const ofStranger = await hub.query(lookup, { v: stranger.residentId }, home);
        const ofNobody = await hub.query(lookup, { v: UNKNOWN_RESIDENT_ID }, home);
        expect(forbidden(ofStranger)).toHaveLength(1);
        expect(ofStranger).toEqual(ofNobody);
      });

      it('does not tell through "pass type" that someone else holds a number as a resident ID', async () => {
        // Numbers valid both as a resident ID and as a USCC (about one in 31 resident IDs): one held by a
        // person and, as its USCC, by an organisation; one held by no one.
        const rng = mulberry32(15);
        const both: string[] = [];
        while (both.length < 2) {
          const id = generateResidentId(rng);
          if (isValidUscc(id)) both.push(id);
        }
        const [held, free] = both as [string, string];
        await hub.hub.db
          .insertInto('applicants')
          .values([
            { id: 'ap_test_both_person', kind: 'PERSON', name: '测试甲' },
            { id: 'ap_test_both_org', kind: 'ORGANIZATION', name: '测试有限公司' },
          ])
          .execute();
        await hub.hub.db
          .insertInto('applicant_identifiers')
          .values([
            { type: 'RESIDENT_ID', value: held, applicant_id: 'ap_test_both_person' },
            { type: 'USCC', value: held, applicant_id: 'ap_test_both_org' },
          ])
          .execute();
        await hub.hub.db
          .insertInto('grants')
          .values({
            consumer_id: 'demo-portal',
            department_code: person.home,
            fields: JSON.stringify(['Applicant.identifiers', 'Identifier.value']),
            purpose: 'LICENSING_REVIEW',
            legal_basis: 'test',
            clear_text: true,
            valid_from: new Date(Date.now() - 60_000),
            valid_until: new Date(Date.now() + 86_400_000),
          })
          .execute();
        for (const headers of [PUBLIC, PORTAL, as('demo-portal-key', 'LICENSING_REVIEW'), as(`demo-${person.home}-key`)]) {
          const ofHeld = await hub.query(lookup, { v: held }, headers);
          const ofFree = await hub.query(lookup, { v: free }, headers);
          expect(forbidden(ofHeld)).toHaveLength(1);
          expect(ofHeld).toEqual(ofFree);
          // Asked as a USCC, it is the organisation's public code.
          const asUscc = await hub.query(lookup, { v: held, t: 'USCC' }, headers);
          expect(asUscc.errors).toBeUndefined();
          expect(asUscc.data.applicantByIdentifier.identifiers).toEqual([{ type: 'USCC', value: held }]);
        }
        // The steward may know: the number is ambiguous, and says so.
        const steward = await hub.query(lookup, { v: held }, STEWARD);
        expect(steward.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'type' });
      });

      it('answers the steward in every form, and null for no one', async () => {
        for (const [name, value, type] of residentIdForms(person.residentId)) {
          const body = await hub.query(lookup, { v: value, t: type }, STEWARD);
          expect(body.errors, name).toBeUndefined();
          expect(body.data.applicantByIdentifier.id, name).toBe(person.id);
        }
        expect(await hub.query(lookup, { v: UNKNOWN_RESIDENT_ID }, STEWARD)).toEqual({ data: { applicantByIdentifier: null } });
        // An organisation's USCC stays public.
        const org = await hub.query(lookup, { v: organisation.uscc }, PUBLIC);
        expect(org.errors).toBeUndefined();
        expect(org.data.applicantByIdentifier.id).toBe(organisation.id);
      });
    });

    describe('what requestAccess needs instead of owner', () => {
      it('lists which departments provide each governed field, to anyone, and a portal can ask one of them', async () => {
        const body = await hub.query(`{ fieldProviders { field shareLevel personShareLevel personal departments { code name } } }`, undefined, PUBLIC);
        expect(body.errors).toBeUndefined();
        const phone = (body.data.fieldProviders as any[]).find((p) => p.field === 'ApplicantRecord.phone');
        expect(phone).toMatchObject({ shareLevel: 'CONDITIONAL', personShareLevel: 'CONDITIONAL', personal: 'PHONE' });
        expect(phone.departments.map((d: { code: string }) => d.code).sort()).toEqual(DEPARTMENTS);
        expect(phone.departments.every((d: { name: string }) => d.name)).toBe(true);
        const rawStatus = (body.data.fieldProviders as any[]).find((p) => p.field === 'Permit.rawStatus');
        expect(rawStatus).toMatchObject({ shareLevel: 'NONE', personal: null });

        const one = await hub.query(`{ fieldProviders(field: "ApplicantRecord.phone") { field departments { code } } }`, undefined, PORTAL);
        expect(one.data.fieldProviders).toHaveLength(1);
        const asked = await hub.query(
          `mutation ($input: AccessRequestInput!) { requestAccess(input: $input) { status department { code } fields } }`,
          {
            input: {
              departmentCode: one.data.fieldProviders[0].departments[0].code,
              fields: ['ApplicantRecord.phone'],
              purpose: 'PORTAL_SERVICE',
              legalBasis: '《广东省政务数据资源共享管理办法》第十六条',
              validFrom: new Date(Date.now() + 60_000).toISOString(),
              validUntil: new Date(Date.now() + 30 * 86_400_000).toISOString(),
            },
          },
          PORTAL,
        );
        expect(asked.errors).toBeUndefined();
        expect(asked.data.requestAccess).toMatchObject({ status: 'PENDING', fields: ['ApplicantRecord.phone'] });
      });
    });
  });
}
