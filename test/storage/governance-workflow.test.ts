import { parse, type ExecutionResult } from 'graphql';
import { execute } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent, type AuditEventInput } from '../../src/storage/audit-log/index.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { encodeGlobalId } from '../../src/schema/index.js';
import { seedBuiltInCalendars } from '../../src/subgraphs/catalogue/working-day-calendar.js';
import {
  createGovernanceSubgraph,
  createPurposeCatalogue,
  liveGrants,
  purposeExists,
  seedDemoPurposes,
  type GovernanceConsumer,
} from '../../src/subgraphs/governance/index.js';
import { backends } from '../support/databases.js';

const portal: GovernanceConsumer = { id: 't-portal', name: '测试门户', kind: 'PORTAL', departmentCode: null };
const health: GovernanceConsumer = { id: 't-health', name: '测试卫健', kind: 'DEPARTMENT', departmentCode: 'health' };
const market: GovernanceConsumer = { id: 't-market', name: '测试市场监管', kind: 'DEPARTMENT', departmentCode: 'market' };
const steward: GovernanceConsumer = { id: 't-steward', name: '测试管理员', kind: 'STEWARD', departmentCode: null };
const everyone = { public: null, portal, health, market, steward };

const governedFields = ['ApplicantRecord.phone', 'ApplicantRecord.address', 'Permit.applicant'];
const DAY = 86_400_000;

const REQUEST = /* GraphQL */ `
  mutation Request($input: AccessRequestInput!) {
    requestAccess(input: $input) { id status submittedAt dueOn overdue fields purpose clearText consumerId consumerName department { code } grant { id } }
  }
`;
const DECIDE = /* GraphQL */ `
  mutation Decide($id: ID!, $reason: String!, $approve: Boolean!) {
    approveAccessRequest(id: $id, reason: $reason) @include(if: $approve) { ...decided }
    rejectAccessRequest(id: $id, reason: $reason) @skip(if: $approve) { ...decided }
  }
  fragment decided on AccessRequest {
    id status decidedAt decidedBy decisionReason overdue
    grant { id consumerId fields purpose legalBasis clearText validFrom validUntil active request { id } department { code } }
  }
`;
const REQUESTS = /* GraphQL */ `
  query Requests($filter: AccessRequestFilter, $first: Int, $after: String) {
    accessRequests(filter: $filter, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } nodes { id status dueOn overdue consumerId department { code } }
    }
  }
`;
const GRANTS = /* GraphQL */ `
  query Grants($filter: GrantFilter) { grants(filter: $filter) { totalCount nodes { id consumerId active revokedAt revokedBy revokeReason department { code } } } }
`;
const REVOKE = /* GraphQL */ `mutation Revoke($id: ID!, $reason: String!) { revokeGrant(id: $id, reason: $reason) { id active revokedAt revokedBy revokeReason } }`;
const AUDIT = /* GraphQL */ `
  query Audit($filter: AuditEventFilter, $first: Int, $after: String) {
    auditEvents(filter: $filter, first: $first, after: $after) {
      pageInfo { hasNextPage endCursor }
      nodes { seq at consumerId consumerDepartment { code } purpose operationName operationHash outcome applicantIds requestId hash
        released { department { code } clearFields maskedFields recordIds } }
    }
  }
`;

const codeOf = (result: ExecutionResult) => result.errors?.[0]?.extensions?.code;

for (const backend of backends) {
  describe(`governance workflow on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    let clock = new Date('2024-09-27T02:00:00Z'); // Friday 10:00 in Shanghai, before 国庆
    let run: (consumer: GovernanceConsumer | null, document: string, variables?: Record<string, unknown>) => Promise<ExecutionResult<any>>;

    const input = (overrides: Record<string, unknown> = {}) => ({
      departmentCode: 'health',
      fields: ['ApplicantRecord.phone'],
      purpose: 'LICENSING_REVIEW',
      legalBasis: '《政务信息资源共享管理暂行办法》第十条',
      validFrom: clock.toISOString(),
      validUntil: new Date(clock.getTime() + 90 * DAY).toISOString(),
      ...overrides,
    });
    const request = async (consumer: GovernanceConsumer | null, overrides: Record<string, unknown> = {}) => run(consumer, REQUEST, { input: input(overrides) });

    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      const db = database.db;
      await migrateToLatest(db);
      await seedBuiltInCalendars(db);
      await seedDemoPurposes(db);
      await db
        .insertInto('departments')
        .values(['market', 'housing', 'health'].map((code) => ({ code, name: `${code} (test)`, adapter_kind: 'test', connection: '{}', url: null })))
        .execute();
      await db
        .insertInto('consumers')
        .values([portal, health, market, steward].map((c) => ({ id: c.id, name: c.name!, kind: c.kind, department_code: c.departmentCode })))
        .execute();
      // A one-shot iterator, as the gateway passes its policies' keys(): every request must still see the list.
      const subgraph = createGovernanceSubgraph(db, { governedFields: new Map(governedFields.map((f) => [f, true])).keys(), now: () => clock });
      run = async (consumer, document, variables = {}) =>
        (await execute({
          schema: subgraph.schema,
          document: parse(document),
          variableValues: variables,
          contextValue: { consumer, purpose: null },
        })) as ExecutionResult<any>;
    });
    afterAll(() => database.close());

    it('serves the purpose catalogue to everyone and lets only a steward change it', async () => {
      for (const consumer of Object.values(everyone)) {
        const result = await run(consumer, '{ purposes { code description } }');
        expect(result.errors).toBeUndefined();
        expect(result.data.purposes.map((p: { code: string }) => p.code)).toEqual(
          expect.arrayContaining(['LICENSING_REVIEW', 'JOINT_SUPERVISION', 'SUBSIDY_ELIGIBILITY', 'PORTAL_SERVICE']),
        );
      }
      const save = 'mutation($code: String!, $d: String!) { savePurpose(code: $code, description: $d) { code description } }';
      for (const consumer of [null, portal, health])
        expect(codeOf(await run(consumer, save, { code: 'FOOD_RECALL', d: 'Tracing a recall. 食品召回追溯' }))).toBe('FORBIDDEN');
      expect(await purposeExists(database.db, 'FOOD_RECALL')).toBe(false);

      const saved = await run(steward, save, { code: 'FOOD_RECALL', d: ' Tracing a recall. 食品召回追溯 ' });
      expect(saved.data.savePurpose).toEqual({ code: 'FOOD_RECALL', description: 'Tracing a recall. 食品召回追溯' });
      await run(steward, save, { code: 'FOOD_RECALL', d: 'Tracing a food-safety recall. 食品安全召回追溯' });
      const after = await run(portal, '{ purposes { code description } }');
      expect(after.data.purposes.filter((p: { code: string }) => p.code === 'FOOD_RECALL')).toEqual([
        { code: 'FOOD_RECALL', description: 'Tracing a food-safety recall. 食品安全召回追溯' },
      ]);
      expect(await purposeExists(database.db, 'FOOD_RECALL')).toBe(true);

      for (const code of ['food_recall', 'X', '食品召回', `A${'B'.repeat(64)}`])
        expect(codeOf(await run(steward, save, { code, d: 'x 用途' }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await run(steward, save, { code: 'EMPTY_ONE', d: '   ' }))).toBe('BAD_USER_INPUT');
    });

    it('caches the catalogue for the gateway and sees a new purpose once the snapshot is older than its ttl', async () => {
      let ms = 0;
      const catalogue = createPurposeCatalogue(database.db, { ttlMs: 1000, now: () => ms });
      expect(await catalogue.has('LICENSING_REVIEW')).toBe(true);
      expect(await catalogue.has('not a code')).toBe(false);
      await database.db.insertInto('purposes').values({ code: 'CACHE_PROBE', description: 'probe 探针' }).execute();
      ms = 999;
      expect(await catalogue.has('CACHE_PROBE')).toBe(false);
      ms = 1000;
      expect(await catalogue.has('CACHE_PROBE')).toBe(true);
      expect(await catalogue.describe('CACHE_PROBE')).toBe('probe 探针');
      await database.db.deleteFrom('purposes').where('code', '=', 'CACHE_PROBE').execute();
      catalogue.invalidate();
      expect(await catalogue.has('CACHE_PROBE')).toBe(false);
    });

    it('lets departments and portals request access, not the public, a steward or a department for its own data', async () => {
      expect(codeOf(await request(null))).toBe('FORBIDDEN');
      expect(codeOf(await request(steward))).toBe('FORBIDDEN');
      const own = await request(health);
      expect(codeOf(own)).toBe('BAD_USER_INPUT');
      expect(own.errors?.[0]?.message).toMatch(/own data/);
      const fromPortal = await request(portal);
      expect(fromPortal.errors).toBeUndefined();
      expect(fromPortal.data.requestAccess).toMatchObject({
        status: 'PENDING',
        consumerId: portal.id,
        consumerName: portal.name,
        department: { code: 'health' },
        fields: ['ApplicantRecord.phone'],
        clearText: false,
        grant: null,
      });
      const fromMarket = await request(market, { fields: ['ApplicantRecord', 'ApplicantRecord.address'], clearText: true, purpose: 'JOINT_SUPERVISION' });
      expect(fromMarket.data.requestAccess).toMatchObject({
        status: 'PENDING',
        fields: ['ApplicantRecord', 'ApplicantRecord.address'],
        clearText: true,
        purpose: 'JOINT_SUPERVISION',
      });
    });

    it('refuses bad requests with BAD_USER_INPUT naming what is wrong', async () => {
      const bad = async (overrides: Record<string, unknown>, pattern: RegExp) => {
        const result = await request(portal, overrides);
        expect(codeOf(result)).toBe('BAD_USER_INPUT');
        expect(result.errors?.[0]?.message).toMatch(pattern);
        return result;
      };
      const field = await bad({ fields: ['ApplicantRecord.phone', 'ApplicantRecord.salary'] }, /ApplicantRecord\.salary/);
      expect(field.errors?.[0]?.extensions).toMatchObject({ field: 'ApplicantRecord.salary' });
      await bad({ fields: ['Nope'] }, /Nope/);
      await bad({ fields: [] }, /at least one/);
      await bad({ departmentCode: 'nowhere' }, /registered department/);
      await bad({ purpose: 'NOT_A_PURPOSE' }, /NOT_A_PURPOSE is not in the purpose catalogue/);
      await bad({ legalBasis: ' ' }, /legalBasis/);
      await bad({ validUntil: input().validFrom }, /after input.validFrom/);
      await bad({ validFrom: new Date(clock.getTime() - 30 * DAY).toISOString(), validUntil: new Date(clock.getTime() - DAY).toISOString() }, /future/);
      await bad({ validUntil: new Date(clock.getTime() + 367 * DAY).toISOString() }, /at most 366 days/);
      await bad(
        { validFrom: new Date(clock.getTime() + 400 * DAY).toISOString(), validUntil: new Date(clock.getTime() + 500 * DAY).toISOString() },
        /at most 366 days ahead/,
      );
    });

    it('is due 10 working days after submission: across 国庆 and its make-up Saturday', async () => {
      clock = new Date('2024-09-27T02:00:00Z'); // Fri 27 Sep; Sun 29 Sep worked, 1–7 Oct off, Sat 12 Oct worked
      const beforeNationalDay = await request(portal);
      expect(beforeNationalDay.data.requestAccess).toMatchObject({ submittedAt: '2024-09-27T10:00:00+08:00', dueOn: '2024-10-16', overdue: false });
    });

    it('counts the day of submission in Shanghai and a make-up Saturday as a working day', async () => {
      clock = new Date('2024-05-05T16:30:00Z'); // Mon 6 May 00:30 in Shanghai (5 May is still 劳动节 in UTC terms)
      const result = await request(portal);
      // 7–10 May, Sat 11 May (调休), 13–17 May: the 10th working day is Friday 17 May, not Monday 20.
      expect(result.data.requestAccess).toMatchObject({ submittedAt: '2024-05-06T00:30:00+08:00', dueOn: '2024-05-17' });
      clock = new Date('2024-05-17T15:59:00Z'); // 23:59 on the due day: not yet late
      const onTime = await run(portal, REQUESTS, { filter: { role: 'MINE', overdue: true } });
      expect(onTime.data.accessRequests.nodes.map((n: { id: string }) => n.id)).not.toContain(result.data.requestAccess.id);
      clock = new Date('2024-05-17T16:00:00Z'); // 00:00 the next day in Shanghai
      const late = await run(portal, REQUESTS, { filter: { role: 'MINE', overdue: true } });
      expect(late.data.accessRequests.nodes).toContainEqual(expect.objectContaining({ id: result.data.requestAccess.id, overdue: true, status: 'PENDING' }));
    });

    it('shows each consumer the requests it made or may decide, paged without gaps or duplicates', async () => {
      clock = new Date('2024-10-17T01:00:00Z');
      const ids = async (consumer: GovernanceConsumer | null, filter?: Record<string, unknown>) => {
        const result = await run(consumer, REQUESTS, { filter, first: 200 });
        if (result.errors) return codeOf(result);
        expect(result.data.accessRequests.totalCount).toBe(result.data.accessRequests.nodes.length);
        return result.data.accessRequests.nodes.map((n: { consumerId: string; department: { code: string } }) => `${n.consumerId}→${n.department.code}`);
      };
      expect(await ids(null)).toBe('FORBIDDEN');
      const all = (await ids(steward)) as string[];
      expect(all.sort()).toEqual(['t-market→health', 't-portal→health', 't-portal→health', 't-portal→health']);
      all.splice(0, all.length, ...((await ids(steward)) as string[]));
      expect(await ids(portal)).toEqual(all.filter((s) => s.startsWith('t-portal')));
      expect(await ids(portal, { role: 'TO_DECIDE' })).toEqual([]);
      expect(await ids(health, { role: 'TO_DECIDE' })).toEqual(all.filter((s) => s.endsWith('→health')));
      expect(await ids(health, { role: 'MINE' })).toEqual([]);
      expect(await ids(market)).toEqual(['t-market→health']);
      expect(await ids(market, { role: 'TO_DECIDE' })).toEqual([]);
      expect(await ids(housingless(), {})).toEqual([]);

      // At 23:00 on 16 October (Shanghai) only the May request is late; an hour later the 国庆 ones are too.
      const dueOns = async (overdue: boolean) => {
        const result = await run(health, REQUESTS, { filter: { role: 'TO_DECIDE', overdue }, first: 200 });
        return result.data.accessRequests.nodes.map((n: { dueOn: string; overdue: boolean }) => `${n.dueOn}${n.overdue ? ' late' : ''}`).sort();
      };
      clock = new Date('2024-10-16T15:00:00Z');
      expect(await dueOns(true)).toEqual(['2024-05-17 late']);
      expect(await dueOns(false)).toEqual(['2024-10-16', '2024-10-16', '2024-10-16']);
      clock = new Date('2024-10-17T01:00:00Z');
      expect(await dueOns(true)).toEqual(['2024-05-17 late', '2024-10-16 late', '2024-10-16 late', '2024-10-16 late']);
      expect(await dueOns(false)).toEqual([]);

      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page: ExecutionResult<any> = await run(steward, REQUESTS, { first: 2, after });
        expect(page.data.accessRequests.totalCount).toBe(all.length);
        seen.push(...page.data.accessRequests.nodes.map((n: { id: string }) => n.id));
        after = page.data.accessRequests.pageInfo.hasNextPage ? page.data.accessRequests.pageInfo.endCursor : null;
        pages++;
      } while (after);
      expect(pages).toBe(2);
      expect(new Set(seen).size).toBe(all.length);
      expect(codeOf(await run(steward, REQUESTS, { after: 'bm9wZQ' }))).toBe('BAD_USER_INPUT');
    });

    it('lets only the owning department or a steward decide, once, with a reason; approval creates a grant that expires by itself', async () => {
      clock = new Date('2024-10-17T01:00:00Z');
      const pending = (await run(health, REQUESTS, { filter: { role: 'TO_DECIDE', status: 'PENDING' }, first: 200 })).data.accessRequests.nodes as Array<{
        id: string;
        consumerId: string;
        dueOn: string;
      }>;
      // The portal's 国庆 request (valid 90 days from 27 September) and the market's.
      const portalRequest = pending.find((n) => n.consumerId === portal.id && n.dueOn === '2024-10-16')!;
      const marketRequest = pending.find((n) => n.consumerId === market.id)!;
      const mayRequest = pending.find((n) => n.dueOn === '2024-05-17')!;

      for (const consumer of [null, portal, market]) {
        expect(codeOf(await run(consumer, DECIDE, { id: portalRequest.id, reason: '同意', approve: true }))).toBe('FORBIDDEN');
        expect(codeOf(await run(consumer, DECIDE, { id: portalRequest.id, reason: '拒绝', approve: false }))).toBe('FORBIDDEN');
      }
      expect(codeOf(await run(health, DECIDE, { id: portalRequest.id, reason: '  ', approve: true }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await run(health, DECIDE, { id: encodeGlobalId('AccessRequest', '99999'), reason: '同意', approve: true }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await run(health, DECIDE, { id: encodeGlobalId('Grant', '1'), reason: '同意', approve: true }))).toBe('BAD_USER_INPUT');

      const approved = await run(health, DECIDE, { id: portalRequest.id, reason: '依据第十条同意', approve: true });
      expect(approved.errors).toBeUndefined();
      const decided = approved.data.approveAccessRequest;
      expect(decided).toMatchObject({
        status: 'APPROVED',
        decidedBy: health.id,
        decisionReason: '依据第十条同意',
        decidedAt: '2024-10-17T09:00:00+08:00',
        overdue: false,
      });
      expect(decided.grant).toMatchObject({
        consumerId: portal.id,
        fields: ['ApplicantRecord.phone'],
        purpose: 'LICENSING_REVIEW',
        clearText: false,
        active: true,
        request: { id: portalRequest.id },
        department: { code: 'health' },
      });
      expect(codeOf(await run(health, DECIDE, { id: portalRequest.id, reason: '再次同意', approve: true }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await run(steward, DECIDE, { id: portalRequest.id, reason: '改为拒绝', approve: false }))).toBe('BAD_USER_INPUT');

      const rejected = await run(steward, DECIDE, { id: marketRequest.id, reason: '用途与所需数据不符', approve: false });
      expect(rejected.data.rejectAccessRequest).toMatchObject({ status: 'REJECTED', decidedBy: steward.id, grant: null });

      const live = await liveGrants(database.db, portal.id, clock);
      expect(live).toEqual([
        {
          department: 'health',
          fields: ['ApplicantRecord.phone'],
          purpose: 'LICENSING_REVIEW',
          clearText: false,
          validUntil: new Date(decided.grant.validUntil),
        },
      ]);
      expect(await liveGrants(database.db, market.id, clock)).toEqual([]);
      const validUntil = new Date(decided.grant.validUntil);
      expect(await liveGrants(database.db, portal.id, new Date(validUntil.getTime() - 1))).toHaveLength(1);
      expect(await liveGrants(database.db, portal.id, validUntil)).toEqual([]);

      clock = new Date(validUntil.getTime() + 1000);
      const expired = await run(portal, GRANTS, { filter: { role: 'HELD' } });
      expect(expired.data.grants.nodes).toEqual([expect.objectContaining({ id: decided.grant.id, active: false, revokedAt: null })]);
      expect((await run(portal, GRANTS, { filter: { active: true } })).data.grants.totalCount).toBe(0);
      // A request whose period has ended can no longer be approved, only rejected.
      const stale = await run(steward, DECIDE, { id: mayRequest.id, reason: '同意', approve: true });
      expect(codeOf(stale)).toBe('BAD_USER_INPUT');
      expect(stale.errors?.[0]?.message).toMatch(/period asked for has ended/);
      expect((await run(steward, DECIDE, { id: mayRequest.id, reason: '逾期且期限已过', approve: false })).data.rejectAccessRequest.status).toBe('REJECTED');
    });

    it('decides a request once when two deciders approve at the same moment', async () => {
      clock = new Date('2025-03-03T02:00:00Z');
      const id = (await request(market, { departmentCode: 'housing' })).data.requestAccess.id;
      const housing: GovernanceConsumer = { id: 't-housing', kind: 'DEPARTMENT', departmentCode: 'housing' };
      const results = await Promise.all([
        run(housing, DECIDE, { id, reason: '同意 A', approve: true }),
        run(steward, DECIDE, { id, reason: '同意 B', approve: true }),
      ]);
      expect(results.filter((r) => !r.errors)).toHaveLength(1);
      expect(results.filter((r) => codeOf(r) === 'BAD_USER_INPUT')).toHaveLength(1);
      const grants = await database.db.selectFrom('grants').select('id').where('consumer_id', '=', market.id).execute();
      expect(grants).toHaveLength(1);
    });

    it('shows grants to their holder, the giving department and a steward; only those two revoke', async () => {
      clock = new Date('2025-03-04T02:00:00Z');
      const id = (await request(portal, { departmentCode: 'market', fields: ['Permit.applicant'], purpose: 'PORTAL_SERVICE' })).data.requestAccess.id;
      const grantId = (await run(market, DECIDE, { id, reason: '同意', approve: true })).data.approveAccessRequest.grant.id;
      const grantIds = async (consumer: GovernanceConsumer | null, filter?: Record<string, unknown>) => {
        const result = await run(consumer, GRANTS, { filter });
        return result.errors ? codeOf(result) : result.data.grants.nodes.map((n: { id: string }) => n.id);
      };
      expect(await grantIds(null)).toBe('FORBIDDEN');
      expect(await grantIds(portal, { role: 'HELD' })).toContain(grantId);
      expect(await grantIds(portal, { role: 'GIVEN' })).toEqual([]);
      expect(await grantIds(market, { role: 'GIVEN' })).toContain(grantId);
      expect(await grantIds(health)).not.toContain(grantId);
      const stewardView = (await run(steward, GRANTS, { filter: { departmentCode: 'market', active: true } })).data.grants.nodes as Array<{
        id: string;
        active: boolean;
        department: { code: string };
      }>;
      expect(stewardView.map((g) => g.id)).toContain(grantId);
      expect(stewardView.every((g) => g.active && g.department.code === 'market')).toBe(true);

      for (const consumer of [null, portal, health]) expect(codeOf(await run(consumer, REVOKE, { id: grantId, reason: '撤销' }))).toBe('FORBIDDEN');
      expect(codeOf(await run(market, REVOKE, { id: grantId, reason: '' }))).toBe('BAD_USER_INPUT');
      expect(await liveGrants(database.db, portal.id, clock)).toHaveLength(1);
      const revoked = await run(market, REVOKE, { id: grantId, reason: '办件已结束' });
      expect(revoked.data.revokeGrant).toMatchObject({
        id: grantId,
        active: false,
        revokedAt: '2025-03-04T10:00:00+08:00',
        revokedBy: market.id,
        revokeReason: '办件已结束',
      });
      expect(await liveGrants(database.db, portal.id, clock)).toEqual([]);
      expect(codeOf(await run(steward, REVOKE, { id: grantId, reason: '再撤销' }))).toBe('BAD_USER_INPUT');
      expect(await grantIds(portal, { active: false })).toContain(grantId);
    });

    it('lets only a steward search the audit log: who accessed an applicant, by outcome, paged', async () => {
      const event = (i: number, applicant: string, outcome: AuditEventInput['outcome']): AuditEventInput => ({
        consumer: i % 2 ? portal.id : market.id,
        consumerDepartment: i % 2 ? null : 'market',
        purpose: 'LICENSING_REVIEW',
        operation: { name: 'Applicant360', hash: `sha256:${String(i).padStart(64, '0')}` },
        released: [{ department: 'health', clearFields: ['name'], maskedFields: ['phone'], recordIds: [`WS${1000 + i}`] }],
        applicantIds: [applicant],
        outcome,
        requestId: `req-${i}`,
      });
      await appendAuditEvent(database.db, event(1, 'ap_watched', 'released'));
      await appendAuditEvent(database.db, event(2, 'ap_other', 'released'));
      await appendAuditEvent(database.db, event(3, 'ap_watched', 'denied'));
      await appendAuditEvent(database.db, event(4, 'ap_watched', 'released'));
      const watched = encodeGlobalId('Applicant', 'ap_watched');

      for (const consumer of [null, portal, health, market]) {
        const denied = await run(consumer, AUDIT, { filter: { applicantId: watched } });
        expect(codeOf(denied)).toBe('FORBIDDEN');
        expect(denied.data).toBeNull();
      }
      const who = await run(steward, AUDIT, { filter: { applicantId: watched } });
      expect(who.errors).toBeUndefined();
      expect(who.data.auditEvents.nodes.map((n: { requestId: string }) => n.requestId)).toEqual(['req-1', 'req-3', 'req-4']);
      expect(who.data.auditEvents.nodes[0]).toMatchObject({
        seq: 1,
        consumerId: portal.id,
        consumerDepartment: null,
        purpose: 'LICENSING_REVIEW',
        operationName: 'Applicant360',
        outcome: 'RELEASED',
        applicantIds: [watched],
        released: [{ department: { code: 'health' }, clearFields: ['name'], maskedFields: ['phone'], recordIds: ['WS1001'] }],
      });
      expect(who.data.auditEvents.nodes[0].at).toMatch(/\+08:00$/);
      expect(who.data.auditEvents.nodes[0].hash).toMatch(/^[0-9a-f]{64}$/);

      const deniedOnly = await run(steward, AUDIT, { filter: { applicantId: watched, outcome: 'DENIED' } });
      expect(deniedOnly.data.auditEvents.nodes.map((n: { requestId: string }) => n.requestId)).toEqual(['req-3']);
      const byRecord = await run(steward, AUDIT, { filter: { department: 'health', recordId: 'WS1002' } });
      expect(byRecord.data.auditEvents.nodes.map((n: { consumerDepartment: { code: string } }) => n.consumerDepartment)).toEqual([{ code: 'market' }]);
      const byConsumer = await run(steward, AUDIT, { filter: { consumerId: market.id } });
      expect(byConsumer.data.auditEvents.nodes.map((n: { seq: number }) => n.seq)).toEqual([2, 4]);

      const first = await run(steward, AUDIT, { filter: { applicantId: watched }, first: 2 });
      expect(first.data.auditEvents.pageInfo.hasNextPage).toBe(true);
      const second = await run(steward, AUDIT, { filter: { applicantId: watched }, first: 2, after: first.data.auditEvents.pageInfo.endCursor });
      expect(second.data.auditEvents.nodes.map((n: { requestId: string }) => n.requestId)).toEqual(['req-4']);
      expect(second.data.auditEvents.pageInfo.hasNextPage).toBe(false);

      expect(codeOf(await run(steward, AUDIT, { filter: { applicantId: encodeGlobalId('Permit', 'x') } }))).toBe('BAD_USER_INPUT');
      expect(codeOf(await run(steward, AUDIT, { first: 201 }))).toBe('BAD_USER_INPUT');
    });
  });
}

/** A department with no requests either way. */
function housingless(): GovernanceConsumer {
  return { id: 't-bureau', kind: 'DEPARTMENT', departmentCode: 'bureau' };
}
