import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { searchAuditEvents } from '../../src/storage/audit-log/index.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';
import { pickSubjects, type OrganisationSubject, type PersonSubject } from '../support/governance-subjects.js';

/**
 * Audit must not depend on how a client names its fields: aliases that shadow the keys the gateway reads
 * a row's facts from (`id`, `kind`, `__typename`, the hidden `_…` keys) either change nothing in the
 * audit event or are refused at validation — never an event without the applicants and records, never
 * an INTERNAL_SERVER_ERROR.
 */
const as = (key: string | null): Record<string, string> => ({ authorization: key ? `Bearer ${key}` : '' });
const keyOf = (globalId: string) =>
  Buffer.from(globalId, 'base64url')
    .toString()
    .replace(/^[A-Za-z]+:/, '');

for (const backend of backends) {
  describe(`audit under client aliases (${backend.name})`, () => {
    let hub: DemoHub;
    let person: PersonSubject;
    let organisation: OrganisationSubject;
    let asOther: Record<string, string>;

    beforeAll(async () => {
      hub = await startDemoHub(backend);
      const subjects = await pickSubjects(hub);
      person = subjects.people[0]!;
      organisation = subjects.organisation;
      asOther = as(`demo-${person.other}-key`);
    });
    afterAll(() => hub?.stop());

    const eventOf = async (operation: string) => {
      const events = await searchAuditEvents(hub.hub.db, { operation });
      expect(events, `one audit event for ${operation}`).toHaveLength(1);
      return events[0]!.event;
    };
    const recordIdsOf = (event: Awaited<ReturnType<typeof eventOf>>) => event.released.flatMap((r) => r.recordIds);

    // Each shadows what the gateway used to read a person's facts from; the caller is a department
    // holding no record of the person, so every release is audited.
    const applicantVariants: Array<[string, string]> = [
      ['id aliased to name', `query AliasA1($id: ID!) { applicant(id: $id) { id: name } }`],
      ['kind aliased to name', `query AliasA2($id: ID!) { applicant(id: $id) { kind: name } }`],
      ['id and kind swapped', `query AliasA3($id: ID!) { applicant(id: $id) { id: kind kind: id } }`],
      ['id aliased to __typename', `query AliasA4($id: ID!) { applicant(id: $id) { id: __typename name } }`],
      ['in a named fragment', `query AliasA5($id: ID!) { applicant(id: $id) { ...F } } fragment F on Applicant { id: name }`],
      ['in nested inline fragments', `query AliasA6($id: ID!) { applicant(id: $id) { ... on Applicant { id: name ... on Applicant { kind: name } } } }`],
      ['beside the real fields', `query AliasA7($id: ID!) { applicant(id: $id) { name id: name kind records { localId } } }`],
    ];
    it.each(applicantVariants)('names the applicant and its records whatever the aliases: %s', async (_name, query) => {
      const body = await hub.query(query, { id: person.id }, asOther);
      expect(body.errors?.filter((e) => e.extensions?.code !== 'FORBIDDEN') ?? []).toEqual([]);
      expect(body.data.applicant).not.toBeNull();
      const operation = /query (\w+)/.exec(query)![1]!;
      const event = await eventOf(operation);
      expect(event.applicantIds).toEqual([person.key]);
      expect(recordIdsOf(event).sort()).toEqual(person.recordKeys);
      expect(event.released.map((r) => r.department).sort()).toEqual([person.home, person.away].sort());
    });

    it('names the permits under aliases on Permit.id, on a root list and under Applicant.permits', async () => {
      const filter = { departmentCodes: [person.home] };
      const steward = await hub.query(`query ($f: PermitFilter) { permits(first: 10, filter: $f) { nodes { id } } }`, { f: filter });
      const expected = (steward.data.permits.nodes as Array<{ id: string }>).map((n) => keyOf(n.id)).sort();
      expect(expected).toHaveLength(10);
      const list = await hub.query(
        `query AliasP1($f: PermitFilter) { permits(first: 10, filter: $f) { edges { node { id: title } } nodes { id: status ...P } } } fragment P on Permit { id: status title }`,
        { f: filter },
        asOther,
      );
      expect(list.errors).toBeUndefined();
      expect(recordIdsOf(await eventOf('AliasP1')).sort()).toEqual(expected);

      const own = await hub.query(`query ($id: ID!) { applicant(id: $id) { permits(first: 50) { nodes { id } } } }`, { id: person.id });
      const permitKeys = (own.data.applicant.permits.nodes as Array<{ id: string }>).map((n) => keyOf(n.id));
      expect(permitKeys.length).toBeGreaterThan(0);
      const nested = await hub.query(
        `query AliasP2($id: ID!) { applicant(id: $id) { id: name permits(first: 50) { nodes { id: title applicant { id: name kind: name } } } } }`,
        { id: person.id },
        asOther,
      );
      expect(nested.errors).toBeUndefined();
      const event = await eventOf('AliasP2');
      expect(event.applicantIds).toEqual([person.key]);
      expect(recordIdsOf(event)).toEqual(expect.arrayContaining([...permitKeys, ...person.recordKeys]));
    });

    it('names an organisation the public reads under aliases', async () => {
      const body = await hub.query(
        `query AliasO1($id: ID!) { applicant(id: $id) { id: name kind: name identifiers { type: value } } }`,
        { id: organisation.id },
        as(null),
      );
      expect(body.errors).toBeUndefined();
      const event = await eventOf('AliasO1');
      expect(event.applicantIds).toEqual([organisation.key]);
      expect(recordIdsOf(event).sort()).toEqual(organisation.recordKeys);
    });

    it('reads a department’s health for the department meant, whatever its code is aliased to', async () => {
      const body = await hub.query(`{ permits(first: 3) { nodes { department { code: name health { circuit } } } } }`, undefined, as(null));
      expect(body.errors).toBeUndefined();
      for (const n of body.data.permits.nodes) expect(n.department.health.circuit).toBe('CLOSED');
    });

    // The hub's own keys all begin with `_` (hidden protocol fields, the facts it fetches, stitching's
    // renames): a client alias there is refused before anything runs.
    const reserved: Array<[string, string]> = [
      ['a hidden record-keys key', `query ($id: ID!) { applicant(id: $id) { _recordKeys: name } }`],
      ['a record key', `query ($id: ID!) { applicant(id: $id) { records { _key: localId phone } } }`],
      ['the personal flag', `query ($id: ID!) { applicant(id: $id) { identifiers { _personal: type value } } }`],
      ['__typename', `query ($id: ID!) { applicant(id: $id) { __typename: name } }`],
      ['a permit’s applicant key', `{ permits(first: 1) { nodes { _applicantKey: title applicant { name } } } }`],
      ['the hub’s fact prefix', `query ($id: ID!) { applicant(id: $id) { _hub_id: name } }`],
      ['stitching’s renames', `{ permits(first: 1) { nodes { _nullable_id: id } } }`],
      ['inside a fragment', `query ($id: ID!) { applicant(id: $id) { ...F } } fragment F on Applicant { _recordKeys: name }`],
      ['on a root field', `query ($id: ID!) { _x: applicant(id: $id) { name } }`],
    ];
    it.each(reserved)('refuses an alias on the hub’s reserved prefix: %s', async (_name, query) => {
      for (const headers of [as(null), asOther]) {
        const response = await fetch(`${hub.hub.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query, variables: { id: person.id } }),
        });
        const body = (await response.json()) as { data?: unknown; errors?: Array<{ message: string; extensions?: Record<string, unknown> }> };
        expect(response.status).toBe(400);
        expect(body.data).toBeUndefined();
        expect(body.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
        expect(body.errors?.[0]?.message).toMatch(/reserved/);
      }
    });
  });
}
