import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAuditEvents, verifyAuditChain } from '../../src/storage/audit-log/index.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

/**
 * The authorization matrix: consumer kind × sharing class × grant state × path shape, asserting exactly
 * which fields come back clear, masked or denied (null with FORBIDDEN naming class and owner), over HTTP.
 */
const as = (key: string | null, purpose?: string): Record<string, string> => ({
  authorization: key ? `Bearer ${key}` : '',
  ...(purpose ? { 'x-purpose': purpose } : {}),
});
const PUBLIC = as(null);
const STEWARD = as('demo-steward-key');
const PORTAL = as('demo-portal-key');
const MASKED_ID = /^\d{6}\*{8}[\dX]{4}$/;
// A mobile or a landline with its area code (138****5678, 020****1234), or any other number with at least half hidden (84****56).
const MASKED_PHONE = /^(\d{3,4}\*{4}\d{3,4}|\d{0,3}\*{4,}\d{0,3})$/;

type Errors = Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }> | undefined;
const forbiddenAt = (errors: Errors, ...path: unknown[]) =>
  errors?.find((e) => e.extensions?.code === 'FORBIDDEN' && JSON.stringify(e.path) === JSON.stringify(path));

for (const backend of backends) {
  describe(`governance (${backend.name})`, () => {
    let hub: DemoHub;
    /** A natural person with records in two departments, one of them `home`; `other` holds none of them. */
    let person: {
      id: string;
      residentId: string;
      home: string;
      away: string;
      other: string;
      recordKey: { department: string; localId: string };
      phone: string;
    };
    let organisation: { id: string; uscc: string };

    beforeAll(async () => {
      hub = await startDemoHub(backend);
      // The steward sees everything in clear: pick the subjects from there.
      const rows = await hub.hub.db
        .selectFrom('applicant_records as r')
        .innerJoin('applicants as a', 'a.id', 'r.applicant_id')
        .select(['a.id', 'a.kind', 'r.department_code', 'r.local_id', 'r.phone'])
        .where('a.merged_into', 'is', null)
        .execute();
      const byApplicant = new Map<string, typeof rows>();
      for (const r of rows) byApplicant.set(r.id, [...(byApplicant.get(r.id) ?? []), r]);
      const departments = ['health', 'housing', 'market'];
      for (const [id, records] of byApplicant) {
        const held = [...new Set(records.map((r) => r.department_code))];
        if (records[0]!.kind !== 'PERSON' || held.length !== 2) continue;
        const withPhone = records.find((r) => r.phone && /\d{7}/.test(r.phone.replace(/\D/g, '')));
        const identifiers = await hub.hub.db.selectFrom('applicant_identifiers').select(['type', 'value']).where('applicant_id', '=', id).execute();
        const residentId = identifiers.find((i) => i.type === 'RESIDENT_ID')?.value;
        if (!withPhone || !residentId) continue;
        const globalId = Buffer.from(`Applicant:${id}`).toString('base64url');
        person = {
          id: globalId,
          residentId,
          home: withPhone.department_code,
          away: held.find((d) => d !== withPhone.department_code)!,
          other: departments.find((d) => !held.includes(d))!,
          recordKey: { department: withPhone.department_code, localId: withPhone.local_id },
          phone: withPhone.phone!,
        };
        break;
      }
      const org = await hub.hub.db
        .selectFrom('applicant_identifiers as i')
        .innerJoin('applicants as a', 'a.id', 'i.applicant_id')
        .select(['a.id', 'i.value'])
        .where('i.type', '=', 'USCC')
        .where('a.merged_into', 'is', null)
        .limit(1)
        .executeTakeFirstOrThrow();
      organisation = { id: Buffer.from(`Applicant:${org.id}`).toString('base64url'), uscc: org.value };
      expect(person, 'the demo district has a person with records in two departments').toBeDefined();
    });
    afterAll(() => hub?.stop());

    const PERSON_QUERY = /* GraphQL */ `query Person($id: ID!) {
      applicant(id: $id) {
        id name kind
        identifiers { type value }
        records { department { code } localId phone address }
      }
    }`;
    const grant = async (
      consumer: string,
      department: string,
      fields: string[],
      purpose: string,
      clearText: boolean,
      validUntil = new Date(Date.now() + 86_400_000),
    ) => {
      await hub.hub.db
        .insertInto('grants')
        .values({
          consumer_id: consumer,
          department_code: department,
          fields: JSON.stringify(fields),
          purpose,
          legal_basis: 'test',
          clear_text: clearText,
          valid_from: new Date(Date.now() - 60_000),
          valid_until: validUntil,
        })
        .execute();
    };
    const recordOf = (data: any, department: string) => data.applicant.records.find((r: any) => r.department?.code === department);
    const residentIdOf = (data: any) => data.applicant.identifiers.find((i: any) => i.type === 'RESIDENT_ID')?.value;

    it('shows the public open data only: organisations in clear, nothing about natural persons', async () => {
      const org = await hub.query(
        `query ($id: ID!) { applicant(id: $id) { id name identifiers { type value } records { localId } } }`,
        { id: organisation.id },
        PUBLIC,
      );
      expect(org.data.applicant.name).toBeTruthy();
      expect(org.data.applicant.identifiers).toContainEqual({ type: 'USCC', value: organisation.uscc });
      // Records are UNCONDITIONAL: government consumers only.
      expect(org.data.applicant.records).toBeNull();
      expect(forbiddenAt(org.errors, 'applicant', 'records')?.extensions).toMatchObject({ shareLevel: 'UNCONDITIONAL' });

      // A natural person is refused at the lookup, with the answer an unknown id gets, naming no department.
      const body = await hub.query(PERSON_QUERY, { id: person.id }, PUBLIC);
      expect(body.data.applicant).toBeNull();
      const error = forbiddenAt(body.errors, 'applicant');
      expect(error?.extensions).toEqual({ code: 'FORBIDDEN', field: 'Query.applicant', shareLevel: 'UNCONDITIONAL' });
      expect(JSON.stringify(body)).not.toContain(person.residentId);
    });

    it('lists permits to the public, without the people behind them and without the NONE raw status', async () => {
      const body = await hub.query(`{ permits(first: 50) { nodes { id title status rawStatus applicant { kind name } } } }`, undefined, PUBLIC);
      const nodes = body.data.permits.nodes as any[];
      expect(nodes).toHaveLength(50);
      for (const [i, n] of nodes.entries()) {
        expect(n.title).toBeTruthy();
        expect(n.rawStatus).toBeNull();
        expect(forbiddenAt(body.errors, 'permits', 'nodes', i, 'rawStatus')?.extensions).toMatchObject({ shareLevel: 'NONE' });
        // An organisation's name is public (双公示); a natural person's kind and name are not.
        if (n.applicant?.kind) expect(n.applicant.kind).toBe('ORGANIZATION');
        else if (n.applicant) {
          expect(n.applicant.name).toBeNull();
          expect(forbiddenAt(body.errors, 'permits', 'nodes', i, 'applicant', 'name')?.extensions).toMatchObject({
            field: 'Applicant.name',
            shareLevel: 'UNCONDITIONAL',
          });
        }
      }
      expect(nodes.some((n) => n.applicant?.kind === 'ORGANIZATION' && n.applicant.name)).toBe(true);
      expect(nodes.some((n) => n.applicant && !n.applicant.kind)).toBe(true);
    });

    it('gives a department its own data in clear, other departments’ personal data masked, and CONDITIONAL fields only with a grant', async () => {
      const home = await hub.query(PERSON_QUERY, { id: person.id }, as(`demo-${person.home}-key`));
      expect(residentIdOf(home.data)).toBe(person.residentId);
      expect(recordOf(home.data, person.home).phone).toBe(person.phone);
      // The department holds a record of this person, so the linked identity is its own data too.
      expect(recordOf(home.data, person.away).localId).toBeTruthy();
      expect(recordOf(home.data, person.away).phone).toBeNull();

      const other = await hub.query(PERSON_QUERY, { id: person.id }, as(`demo-${person.other}-key`));
      expect(other.data.applicant.name).toBeTruthy();
      expect(residentIdOf(other.data)).toMatch(MASKED_ID);
      expect(residentIdOf(other.data)).not.toBe(person.residentId);
      const phone = forbiddenAt(other.errors, 'applicant', 'records', other.data.applicant.records.indexOf(recordOf(other.data, person.home)), 'phone');
      // A person's row: the error names no department (fieldProviders says whom to ask).
      expect(phone?.extensions).toEqual({ code: 'FORBIDDEN', field: 'ApplicantRecord.phone', shareLevel: 'CONDITIONAL' });
      expect(JSON.stringify(other)).not.toContain(person.residentId);

      const portal = await hub.query(PERSON_QUERY, { id: person.id }, PORTAL);
      expect(residentIdOf(portal.data)).toMatch(MASKED_ID);
      expect(recordOf(portal.data, person.home).phone).toBeNull();
    });

    it('turns a grant into masked or clear access, for its purpose only, until it expires', async () => {
      const consumer = `demo-${person.other}`;
      const key = `demo-${person.other}-key`;
      await grant(consumer, person.home, ['ApplicantRecord.phone'], 'JOINT_SUPERVISION', false);
      await grant(consumer, person.home, ['ApplicantRecord'], 'CREDIT_SUPERVISION', true);
      await grant(consumer, person.home, ['ApplicantRecord.phone'], 'SUBSIDY_ELIGIBILITY', true, new Date(Date.now() - 1000));

      const masked = await hub.query(PERSON_QUERY, { id: person.id }, as(key, 'JOINT_SUPERVISION'));
      expect(recordOf(masked.data, person.home).phone).toMatch(MASKED_PHONE);
      expect(recordOf(masked.data, person.home).address).toBeNull(); // the grant names the phone only
      const clear = await hub.query(PERSON_QUERY, { id: person.id }, as(key, 'CREDIT_SUPERVISION'));
      expect(recordOf(clear.data, person.home).phone).toBe(person.phone);
      // A grant from one department opens nothing of another's.
      expect(recordOf(clear.data, person.away).phone).toBeNull();
      for (const purpose of [undefined, 'LICENSING_REVIEW', 'SUBSIDY_ELIGIBILITY']) {
        const denied = await hub.query(PERSON_QUERY, { id: person.id }, as(key, purpose));
        expect(recordOf(denied.data, person.home).phone, `purpose ${purpose}`).toBeNull();
      }
      const unknown = await hub.query(PERSON_QUERY, { id: person.id }, as(key, 'NOT_A_PURPOSE'));
      expect(unknown.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(unknown.data ?? null).toBeNull();
    });

    it('applies the same decision on every path: aliases, fragments, nested permits and another department’s Applicant.permits', async () => {
      const key = as(`demo-${person.other}-key`);
      const body = await hub.query(
        `query ($id: ID!) {
          a: applicant(id: $id) { secret: identifiers { value } ...F }
          b: applicant(id: $id) { permits(first: 50) { nodes { rawStatus department { code } applicant { ... on Applicant { identifiers { value } } } } } }
        }
        fragment F on Applicant { records { p: phone } }`,
        { id: person.id },
        key,
      );
      for (const i of body.data.a.secret) expect(i.value).not.toBe(person.residentId);
      expect(body.data.a.records.every((r: any) => r.p === null)).toBe(true);
      const nodes = body.data.b.permits.nodes as any[];
      expect(nodes.length).toBeGreaterThan(0);
      for (const n of nodes) {
        expect(n.rawStatus).toBeNull(); // NONE, and these permits are not the caller's department's
        for (const i of n.applicant.identifiers) expect(i.value).not.toBe(person.residentId);
      }
      expect(JSON.stringify(body)).not.toContain(person.residentId);
      // The owning department sees its own raw status on the same path.
      const own = await hub.query(
        `query ($id: ID!) { applicant(id: $id) { permits(first: 50) { nodes { rawStatus department { code } } } } }`,
        { id: person.id },
        as(`demo-${person.home}-key`),
      );
      for (const n of own.data.applicant.permits.nodes) if (n.department.code === person.home) expect(n.rawStatus).not.toBeNull();
    });

    it('needs a clear-text grant to look an applicant up by resident ID, and audits the lookup even when it finds nothing', async () => {
      const lookup = `query Lookup($v: String!) { applicantByIdentifier(value: $v) { id } }`;
      const unknownId = '110101199003074514'; // the standard's published example: valid, and not in the demo
      for (const headers of [PUBLIC, PORTAL, as(`demo-${person.other}-key`)]) {
        const body = await hub.query(lookup, { v: person.residentId }, headers);
        expect(body.data.applicantByIdentifier).toBeNull();
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'FORBIDDEN', field: 'Query.applicantByIdentifier' });
        expect(JSON.stringify(body)).not.toContain(person.residentId);
      }
      const steward = await hub.query(lookup, { v: person.residentId }, STEWARD);
      expect(steward.data.applicantByIdentifier.id).toBe(person.id);
      const nothing = await hub.query(lookup, { v: unknownId }, STEWARD);
      expect(nothing.data.applicantByIdentifier).toBeNull();
      // An organisation's USCC is public: no grant needed.
      const org = await hub.query(lookup, { v: organisation.uscc }, PUBLIC);
      expect(org.data.applicantByIdentifier.id).toBe(organisation.id);

      const events = await searchAuditEvents(hub.hub.db, { operation: 'Lookup' });
      const texts = events.map((e) => e.event);
      expect(texts.filter((d) => d.outcome === 'denied' && d.denied?.includes('lookup:RESIDENT_ID'))).toHaveLength(3);
      expect(texts.filter((d) => d.consumer === 'demo-steward' && d.released.some((r) => r.clearFields.includes('lookup:RESIDENT_ID')))).toHaveLength(2);
    });

    it('writes one audit event per cross-department operation, naming fields, records and applicants, and none for a department’s own data', async () => {
      const before = (await verifyAuditChain(hub.hub.db, { publicKey: hub.auditPublicKey })).events;
      const own = await hub.query(
        `query OwnOnly($f: PermitFilter) { permits(first: 5, filter: $f) { nodes { title rawStatus } } }`,
        { f: { departmentCodes: [person.home] } },
        as(`demo-${person.home}-key`),
      );
      expect(own.errors).toBeUndefined();
      expect((await verifyAuditChain(hub.hub.db, { publicKey: hub.auditPublicKey })).events).toBe(before);

      const cross = await hub.query(
        `query WhoIs($id: ID!) { applicant(id: $id) { name identifiers { value } records { phone } } }`,
        { id: person.id },
        as(`demo-${person.other}-key`),
      );
      expect(cross.data.applicant.name).toBeTruthy();
      const [event] = await searchAuditEvents(hub.hub.db, { operation: 'WhoIs' });
      const doc = event!.event;
      expect(doc).toMatchObject({ consumer: `demo-${person.other}`, consumerDepartment: person.other, outcome: 'partial' });
      expect(doc.applicantIds).toEqual([Buffer.from(person.id, 'base64url').toString().slice('Applicant:'.length)]);
      const home = doc.released.find((r) => r.department === person.home)!;
      expect(home.clearFields).toContain('Applicant.name');
      expect(home.maskedFields).toContain('Identifier.value');
      expect(home.recordIds).toContain(`${person.recordKey.department}:${person.recordKey.localId}`);
      expect(doc.denied).toContain(`ApplicantRecord.phone@${person.home}`);
      expect(JSON.stringify(doc)).not.toContain(person.residentId);

      // Who accessed this person's data: the steward's search, through the API.
      const who = await hub.query(
        `query ($id: ID!) { auditEvents(filter: { applicantId: $id }) { nodes { consumerId operationName } } }`,
        { id: person.id },
        STEWARD,
      );
      expect(who.errors).toBeUndefined();
      expect(JSON.stringify(who.data)).toContain('WhoIs');
      const refused = await hub.query(`{ auditEvents { nodes { operationName } } }`, undefined, as(`demo-${person.other}-key`));
      expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    });

    it('keeps one unbroken chain under concurrent requests', async () => {
      await Promise.all(
        Array.from({ length: 24 }, (_, i) =>
          hub.query(`query Burst { permits(first: 3) { nodes { title applicant { name } } } }`, undefined, [STEWARD, PORTAL, as('demo-market-key')][i % 3]),
        ),
      );
      const result = await verifyAuditChain(hub.hub.db, { publicKey: hub.auditPublicKey });
      expect(result.ok).toBe(true);
      expect((await searchAuditEvents(hub.hub.db, { operation: 'Burst' })).length).toBe(24);
    });

    it('withholds the data when the audit event cannot be written', async () => {
      const append = hub.hub.audit.append;
      (hub.hub.audit as { append: typeof append }).append = async () => {
        throw new Error('disk full');
      };
      try {
        const body = await hub.query(PERSON_QUERY, { id: person.id }, STEWARD);
        expect(body.data).toBeUndefined();
        expect(body.errors?.[0]?.extensions?.code).toBe('AUDIT_UNAVAILABLE');
        expect(JSON.stringify(body)).not.toContain(person.residentId);
      } finally {
        (hub.hub.audit as { append: typeof append }).append = append;
      }
    });
  });
}
