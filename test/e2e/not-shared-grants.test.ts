import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/schema/index.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

/**
 * 不予共享 (NONE) fields never leave their owning department, so no request may ask for one and no grant
 * may cover one: over HTTP, for a direct request, a whole type holding such a field, and approving a
 * request filed before such requests were refused.
 */
const as = (key: string) => ({ authorization: `Bearer ${key}` });
const REQUEST = /* GraphQL */ `mutation ($input: AccessRequestInput!) { requestAccess(input: $input) { id status fields } }`;
const APPROVE = /* GraphQL */ `mutation ($id: ID!) { approveAccessRequest(id: $id, reason: "同意") { id status grant { id } } }`;
const REJECT = /* GraphQL */ `mutation ($id: ID!) { rejectAccessRequest(id: $id, reason: "不予共享字段,不能批准") { id status } }`;
const DAY = 86_400_000;

for (const backend of backends) {
  describe(`grants on 不予共享 fields (${backend.name})`, () => {
    let hub: DemoHub;
    beforeAll(async () => {
      hub = await startDemoHub(backend);
    });
    afterAll(() => hub?.stop());

    const input = (fields: string[]) => ({
      departmentCode: 'health',
      fields,
      purpose: 'LICENSING_REVIEW',
      legalBasis: '《政务信息资源共享管理暂行办法》第十条',
      validFrom: new Date().toISOString(),
      validUntil: new Date(Date.now() + 90 * DAY).toISOString(),
    });
    const requestCount = async () =>
      Number(
        (
          await hub.hub.db
            .selectFrom('access_requests')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );
    const grantCount = async () =>
      Number(
        (
          await hub.hub.db
            .selectFrom('grants')
            .select((eb) => eb.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      );

    it('refuses a request naming a not-shared field, alone or among others, with the field and its class', async () => {
      const before = await requestCount();
      for (const [key, fields] of [
        ['demo-market-key', ['Permit.rawStatus']],
        ['demo-portal-key', ['ApplicantRecord.phone', ' Permit.rawStatus ']],
      ] as const) {
        const body = await hub.query(REQUEST, { input: input([...fields]) }, as(key));
        expect(body.data?.requestAccess ?? null).toBeNull();
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'input.fields', field: 'Permit.rawStatus', shareLevel: 'NONE' });
        expect(body.errors?.[0]?.message).toContain('Permit.rawStatus');
        expect(body.errors?.[0]?.message).toContain('不予共享');
      }
      expect(await requestCount()).toBe(before);
    });

    it('refuses a whole type that holds a not-shared field, and still accepts shareable fields', async () => {
      const body = await hub.query(REQUEST, { input: input(['Permit']) }, as('demo-portal-key'));
      expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Permit.rawStatus', type: 'Permit', shareLevel: 'NONE' });
      const fine = await hub.query(REQUEST, { input: input(['ApplicantRecord.phone']) }, as('demo-portal-key'));
      expect(fine.errors).toBeUndefined();
      expect(fine.data.requestAccess).toMatchObject({ status: 'PENDING', fields: ['ApplicantRecord.phone'] });
    });

    it('refuses to approve a pending request that asks for a not-shared field, as the owner or a steward; it can be rejected', async () => {
      // A request filed before such requests were refused, as it sits in the database.
      const portal = await hub.hub.db.selectFrom('consumers').select('id').where('kind', '=', 'PORTAL').executeTakeFirstOrThrow();
      const row = await hub.hub.db
        .insertInto('access_requests')
        .values({
          public_id: randomUUID(),
          consumer_id: portal.id,
          department_code: 'health',
          fields: JSON.stringify(['ApplicantRecord.phone', 'Permit.rawStatus']),
          purpose: 'LICENSING_REVIEW',
          legal_basis: '《政务信息资源共享管理暂行办法》第十条',
          clear_text: true,
          valid_from: new Date(),
          valid_until: new Date(Date.now() + 30 * DAY),
          status: 'PENDING',
          submitted_at: new Date(),
          due_on: new Date(Date.now() + 14 * DAY).toISOString().slice(0, 10),
        })
        .returning(['id', 'public_id'])
        .executeTakeFirstOrThrow();
      const id = encodeGlobalId('AccessRequest', row.public_id);
      const grants = await grantCount();
      for (const key of ['demo-health-key', 'demo-steward-key']) {
        const body = await hub.query(APPROVE, { id }, as(key));
        expect(body.data?.approveAccessRequest ?? null).toBeNull();
        expect(body.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'Permit.rawStatus', shareLevel: 'NONE' });
      }
      expect(await grantCount()).toBe(grants);
      const stored = await hub.hub.db.selectFrom('access_requests').select('status').where('id', '=', row.id).executeTakeFirstOrThrow();
      expect(stored.status).toBe('PENDING');
      const rejected = await hub.query(REJECT, { id }, as('demo-health-key'));
      expect(rejected.errors).toBeUndefined();
      expect(rejected.data.rejectAccessRequest.status).toBe('REJECTED');
    });
  });
}
