import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDistrict } from '../../src/demo/generate/index.js';
import { encodeGlobalId } from '../../src/schema/index.js';
import { generateResidentId, isValidOrgCode, isValidUscc, mulberry32, orgCodeOfUscc } from '../../src/schema/identifiers/index.js';
import { CLASSIFICATION_VERSION, reclassifyStoredApplicants } from '../../src/subgraphs/identity/reclassify.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

/**
 * About one resident ID in 31 also passes the USCC check character. In the demo district (scale 1) such
 * people exist; none may be typed an organisation, which would show the public their resident ID, name
 * and permits. Checked over HTTP as the public, and for applicants stored under the old rules.
 */
const SCALE = 1;
const PUBLIC = { authorization: '' };
const APPLICANT = /* GraphQL */ `query ($id: ID!) {
  applicant(id: $id) { id kind name identifiers { type value } records { localId name } permits(first: 20) { totalCount nodes { title } } }
}`;
const BY_IDENTIFIER = /* GraphQL */ `query ($value: String!) { applicantByIdentifier(value: $value) { id kind name identifiers { type value } } }`;

for (const backend of backends) {
  describe(`a person whose resident ID passes the USCC check (${backend.name})`, () => {
    let hub: DemoHub;
    /** The demo's people whose 18 characters pass the USCC check, with their applicant ids. */
    let people: Array<{ residentId: string; name: string; applicantId: string }>;

    beforeAll(async () => {
      hub = await startDemoHub(backend, { scale: SCALE });
      const district = generateDemoDistrict({ scale: SCALE });
      people = [];
      for (const entity of district.entities) {
        if (entity.kind !== 'PERSON' || !isValidUscc(entity.residentId!)) continue;
        const records = district.truth.filter((t) => t.entityId === entity.entityId);
        const stored = await hub.hub.db
          .selectFrom('applicant_records')
          .select('applicant_id')
          .where((eb) => eb.or(records.map((r) => eb.and([eb('department_code', '=', r.department), eb('local_id', '=', r.localApplicantId)]))))
          .execute();
        for (const applicantId of new Set(stored.map((s) => s.applicant_id))) people.push({ residentId: entity.residentId!, name: entity.name, applicantId });
      }
    });
    afterAll(() => hub?.stop());

    it('finds such people in the demo district (the test is not vacuous)', () => {
      expect(people.length).toBeGreaterThanOrEqual(4);
    });

    it('types every one of them a person, holding a resident ID and no USCC', async () => {
      for (const p of people) {
        const applicant = await hub.hub.db.selectFrom('applicants').select(['kind', 'merged_into']).where('id', '=', p.applicantId).executeTakeFirstOrThrow();
        expect(applicant.kind).toBe('PERSON');
        const identifiers = await hub.hub.db.selectFrom('applicant_identifiers').select(['type', 'value']).where('applicant_id', '=', p.applicantId).execute();
        expect(identifiers.filter((i) => i.type === 'USCC' || i.type === 'ORG_CODE')).toEqual([]);
      }
    });

    it('shows the public none of their resident IDs, names or permits', async () => {
      for (const p of people) {
        const byId = await hub.query(APPLICANT, { id: encodeGlobalId('Applicant', p.applicantId) }, PUBLIC);
        const text = JSON.stringify(byId);
        expect(text).not.toContain(p.residentId);
        expect(text).not.toContain(p.name);
        expect(text).not.toContain('ORGANIZATION');
        expect(byId.data?.applicant?.permits?.nodes ?? null).toBeNull();
        const byValue = await hub.query(BY_IDENTIFIER, { value: p.residentId }, PUBLIC);
        expect(JSON.stringify(byValue)).not.toContain(p.residentId);
        expect(JSON.stringify(byValue)).not.toContain(p.name);
        expect(byValue.data?.applicantByIdentifier?.kind ?? null).not.toBe('ORGANIZATION');
      }
    });

    it('re-classifies applicants stored under the old rules, once, before the hub serves', async () => {
      // The hub ran it at start: the stored classification is current.
      const marker = await hub.hub.db.selectFrom('hub_markers').select('value').where('name', '=', 'identity.classification').executeTakeFirst();
      expect(marker?.value).toBe(CLASSIFICATION_VERSION);
      // What the old rules stored for these people: an organisation holding a USCC and its org code.
      for (const p of people) {
        const asOrg = [
          { type: 'USCC', value: p.residentId },
          { type: 'ORG_CODE', value: orgCodeOfUscc(p.residentId) },
        ];
        await hub.hub.db
          .updateTable('applicant_records')
          .set({ identifiers: JSON.stringify(asOrg), kind: 'ORGANIZATION' })
          .where('applicant_id', '=', p.applicantId)
          .execute();
        await hub.hub.db.deleteFrom('applicant_identifiers').where('applicant_id', '=', p.applicantId).execute();
        await hub.hub.db
          .insertInto('applicant_identifiers')
          .values(asOrg.map((i) => ({ ...i, applicant_id: p.applicantId })))
          .execute();
        await hub.hub.db.updateTable('applicants').set({ kind: 'ORGANIZATION' }).where('id', '=', p.applicantId).execute();
      }
      await hub.hub.db.deleteFrom('hub_markers').execute();
      const leaked = await hub.query(APPLICANT, { id: encodeGlobalId('Applicant', people[0]!.applicantId) }, PUBLIC);
      expect(JSON.stringify(leaked)).toContain(people[0]!.residentId); // the old state does leak

      const report = await reclassifyStoredApplicants(hub.hub.db);
      expect(report).toMatchObject({ from: null, applicants: new Set(people.map((p) => p.applicantId)).size });
      for (const p of people) {
        const applicant = await hub.hub.db.selectFrom('applicants').select('kind').where('id', '=', p.applicantId).executeTakeFirstOrThrow();
        expect(applicant.kind).toBe('PERSON');
        const identifiers = await hub.hub.db.selectFrom('applicant_identifiers').select(['type', 'value']).where('applicant_id', '=', p.applicantId).execute();
        expect(identifiers).toEqual([{ type: 'RESIDENT_ID', value: p.residentId }]);
        const body = await hub.query(APPLICANT, { id: encodeGlobalId('Applicant', p.applicantId) }, PUBLIC);
        expect(JSON.stringify(body)).not.toContain(p.residentId);
      }
      expect(await reclassifyStoredApplicants(hub.hub.db)).toBeNull();
    });

    it("flags a value no structure settles as a person's, for a steward who can settle it", async () => {
      // 131102 reads as GB 32100 authority 1, category 3, division 1102xx: the USCC structure can hold too.
      const rng = mulberry32(11);
      let value = '';
      while (!(isValidUscc(value) && isValidOrgCode(value.slice(8, 17)))) value = generateResidentId(rng, { division: '131102' });
      const record = { departmentCode: 'health', localId: 'WSR-KIND-1' };
      // What an earlier hub stored for a record calling itself a 单位 with a 统一社会信用代码.
      await hub.hub.db.insertInto('applicants').values({ id: 'ap_kind_review_1', kind: 'ORGANIZATION', name: '某某中心', merged_into: null }).execute();
      await hub.hub.db
        .insertInto('applicant_records')
        .values({
          department_code: 'health',
          local_id: record.localId,
          applicant_id: 'ap_kind_review_1',
          kind: 'ORGANIZATION',
          name: '某某中心',
          identifiers: JSON.stringify([{ type: 'USCC', value }]),
          phone: null,
          address: null,
        })
        .execute();
      await hub.hub.db.insertInto('applicant_identifiers').values({ type: 'USCC', value, applicant_id: 'ap_kind_review_1' }).execute();
      await hub.hub.db.deleteFrom('hub_markers').execute();
      expect(await reclassifyStoredApplicants(hub.hub.db)).toMatchObject({ flagged: 1 });
      const id = encodeGlobalId('Applicant', 'ap_kind_review_1');
      expect((await hub.hub.db.selectFrom('applicants').select('kind').where('id', '=', 'ap_kind_review_1').executeTakeFirstOrThrow()).kind).toBe('PERSON');
      expect(JSON.stringify(await hub.query(APPLICANT, { id }, PUBLIC))).not.toContain(value);

      const REVIEWS = '{ identityKindReviews { totalCount nodes { id status record { department { code } localId } applicant { id kind } } } }';
      expect((await hub.query(REVIEWS, undefined, PUBLIC)).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const queue = await hub.query(REVIEWS);
      expect(queue.errors).toBeUndefined();
      expect(queue.data.identityKindReviews.nodes).toContainEqual(
        expect.objectContaining({ status: 'OPEN', record: { department: { code: 'health' }, localId: record.localId }, applicant: { id, kind: 'PERSON' } }),
      );

      const SETTLE =
        'mutation ($record: RecordRefInput!) { settleApplicantKind(record: $record, kind: ORGANIZATION, reason: "核对事业单位法人证书") { id kind identifiers { type value } } }';
      expect((await hub.query(SETTLE, { record }, { authorization: 'Bearer demo-health-key' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const settled = await hub.query(SETTLE, { record });
      expect(settled.errors).toBeUndefined();
      expect(settled.data.settleApplicantKind).toEqual({
        id,
        kind: 'ORGANIZATION',
        identifiers: [
          { type: 'USCC', value },
          { type: 'ORG_CODE', value: orgCodeOfUscc(value) },
        ],
      });
      expect((await hub.query(REVIEWS)).data.identityKindReviews.nodes.some((n: any) => n.record?.localId === record.localId)).toBe(false);
      const actions = await hub.query('query ($id: ID!) { identityActions(applicantId: $id) { action reason } }', { id });
      expect(actions.data.identityActions[0]).toEqual({ action: 'CLASSIFY', reason: '核对事业单位法人证书' });
      // A later re-classification keeps the steward's decision.
      await hub.hub.db.deleteFrom('hub_markers').execute();
      await reclassifyStoredApplicants(hub.hub.db);
      expect((await hub.hub.db.selectFrom('applicants').select('kind').where('id', '=', 'ap_kind_review_1').executeTakeFirstOrThrow()).kind).toBe(
        'ORGANIZATION',
      );
    });
  });
}
