import { GraphQLError } from 'graphql';
import { describe, expect, it } from 'vitest';
import type { Consumer } from '../auth/consumer.js';
import { readFieldPolicies } from './field-policy.js';
import { RequestGovernance, type RowFacts } from './request-governance.js';

const policies = readFieldPolicies([
  /* GraphQL */ `
  type Applicant {
    id: ID @share(level: OPEN, person: UNCONDITIONAL)
    records: [String] @share(level: UNCONDITIONAL)
  }
  type ApplicantRecord { phone: String @share(level: CONDITIONAL, personal: PHONE) }`,
]);
const policy = (coordinate: string) => policies.get(coordinate)!;
const portal: Consumer = { id: 'p', name: 'portal', kind: 'PORTAL', departmentCode: null };
const person: RowFacts = { owners: ['health', 'market'], person: true, recordKeys: ['health:W1', 'market:7'], applicantId: 'ap_1' };
const organisation: RowFacts = { owners: ['market'], person: false, recordKeys: ['market:8'], applicantId: 'ap_2' };
const refusal = () => new GraphQLError('not visible', { extensions: { code: 'FORBIDDEN' } });
const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    return error as GraphQLError;
  }
  throw new Error('expected a refusal');
};

describe('RequestGovernance', () => {
  it('names the owning departments in FORBIDDEN for an organisation’s row, never for a person’s', () => {
    const governance = new RequestGovernance({ consumer: null, purpose: null, grants: [] });
    const ofPerson = thrown(() => governance.access(policy('Applicant.id'), person));
    expect(ofPerson.extensions).toEqual({ code: 'FORBIDDEN', field: 'Applicant.id', shareLevel: 'UNCONDITIONAL' });
    expect(ofPerson.message).not.toMatch(/health|market/);
    const ofOrganisation = thrown(() => governance.access(policy('Applicant.records'), organisation));
    expect(ofOrganisation.extensions).toMatchObject({ owner: 'market', owners: ['market'] });
    // Refused, both are audited with the applicant they were about.
    expect(governance.auditEvent({ name: null, hash: 'h' }, 'r', 0)?.applicantIds).toEqual(['ap_1', 'ap_2']);
  });

  it('decides a lookup that finds no one as one that finds an unknown person, and tells who may know', () => {
    const asPublic = new RequestGovernance({ consumer: null, purpose: null, grants: [] });
    expect(asPublic.mayKnowNobody(policy('Applicant.id'))).toBe(false);
    const found = thrown(() => asPublic.lookUp(policy('Applicant.id'), person, { label: 'Query.applicant', refusal }));
    const nobody = thrown(() => asPublic.lookUp(policy('Applicant.id'), null, { label: 'Query.applicant', refusal }));
    expect(found).toEqual(nobody);
    expect(asPublic.auditEvent({ name: null, hash: 'h' }, 'r', 0)).toMatchObject({ outcome: 'denied', denied: ['Query.applicant'], applicantIds: ['ap_1'] });

    const asPortal = new RequestGovernance({ consumer: portal, purpose: null, grants: [] });
    expect(asPortal.mayKnowNobody(policy('Applicant.id'))).toBe(true);
    expect(asPortal.mayKnowNobody(policy('ApplicantRecord.phone'))).toBe(false);
    asPortal.lookUp(policy('Applicant.id'), person, { label: 'Query.applicant', refusal });
    asPortal.lookUp(policy('Applicant.id'), null, { label: 'Query.applicant', refusal });
    const event = asPortal.auditEvent({ name: null, hash: 'h' }, 'r', 0);
    expect(event?.applicantIds).toEqual(['ap_1']);
    expect(event?.released.flatMap((r) => r.recordIds).sort()).toEqual(['health:W1', 'market:7']);
  });

  it('records every field released of a row, and its records once, under each owner but the caller’s own department', () => {
    const tax: Consumer = { id: 't', name: 'tax window', kind: 'DEPARTMENT', departmentCode: 'tax' };
    const governance = new RequestGovernance({ consumer: tax, purpose: null, grants: [] });
    // Refused first (no grant for the phone), then released: the release still records the row's records.
    const row: RowFacts = { owners: ['health', 'market'], person: true, recordKeys: ['health:W1', 'market:7', 'healthcare:9'], applicantId: 'ap_1' };
    expect(() => governance.access(policy('ApplicantRecord.phone'), row)).toThrow(/ApplicantRecord.phone/);
    governance.access(policy('Applicant.id'), row);
    governance.access(policy('Applicant.records'), row);
    governance.access(policy('Applicant.id'), { owners: ['tax'], person: true, recordKeys: ['tax:1'], applicantId: 'ap_3' }); // its own: nothing released
    expect(governance.auditEvent({ name: null, hash: 'h' }, 'r', 0)).toMatchObject({
      released: [
        { department: 'health', clearFields: ['Applicant.id', 'Applicant.records'], maskedFields: [], recordIds: ['health:W1'] },
        { department: 'market', clearFields: ['Applicant.id', 'Applicant.records'], maskedFields: [], recordIds: ['market:7'] },
      ],
      applicantIds: ['ap_1'],
      denied: ['ApplicantRecord.phone@health+market'],
      outcome: 'partial',
    });
  });
});
