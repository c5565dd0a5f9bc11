import { execute, parse, type ExecutionResult } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId, encodeGlobalId } from '../../src/schema/index.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { seedBuiltInCalendars } from '../../src/subgraphs/catalogue/working-day-calendar.js';
import { createGovernanceSubgraph, seedDemoPurposes, type GovernanceConsumer } from '../../src/subgraphs/governance/index.js';
import { backends } from '../support/databases.js';

const portal: GovernanceConsumer = { id: 't-portal', name: '测试门户', kind: 'PORTAL', departmentCode: null };
const health: GovernanceConsumer = { id: 't-health', name: '测试卫健', kind: 'DEPARTMENT', departmentCode: 'health' };
const DAY = 86_400_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

const REQUEST = `mutation ($input: AccessRequestInput!) { requestAccess(input: $input) { id } }`;
const APPROVE = `mutation ($id: ID!) { approveAccessRequest(id: $id, reason: "同意") { id status grant { request { id } } } }`;

for (const backend of backends) {
  describe(`access request ids on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    let run: (consumer: GovernanceConsumer, document: string, variables: Record<string, unknown>) => Promise<ExecutionResult<any>>;
    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      const db = database.db;
      await migrateToLatest(db);
      await seedBuiltInCalendars(db);
      await seedDemoPurposes(db);
      await db.insertInto('departments').values({ code: 'health', name: 'health (test)', adapter_kind: 'test', connection: '{}', url: null }).execute();
      await db
        .insertInto('consumers')
        .values([portal, health].map((c) => ({ id: c.id, name: c.name!, kind: c.kind, department_code: c.departmentCode })))
        .execute();
      const subgraph = createGovernanceSubgraph(db, { governedFields: ['ApplicantRecord.phone'] });
      run = async (consumer, document, variables) =>
        (await execute({
          schema: subgraph.schema,
          document: parse(document),
          variableValues: variables,
          contextValue: { consumer, purpose: null },
        })) as ExecutionResult<any>;
    });
    afterAll(() => database.close());

    it('gives each request a random id: a neighbour cannot be guessed from one seen', async () => {
      const now = Date.now();
      const input = {
        departmentCode: 'health',
        fields: ['ApplicantRecord.phone'],
        purpose: 'LICENSING_REVIEW',
        legalBasis: '第十条',
        validFrom: new Date(now).toISOString(),
        validUntil: new Date(now + 30 * DAY).toISOString(),
      };
      const ids: string[] = [];
      for (let i = 0; i < 3; i++) {
        const result = await run(portal, REQUEST, { input });
        expect(result.errors).toBeUndefined();
        ids.push(result.data.requestAccess.id);
      }
      const keys = ids.map((id) => decodeGlobalId(id));
      expect(keys.every((k) => k?.type === 'AccessRequest' && UUID.test(k.key))).toBe(true);
      expect(new Set(keys.map((k) => k!.key)).size).toBe(3);
      // The row numbers behind them name nothing: an id built from one is no request.
      for (const guess of ['1', '2', '3']) {
        const result = await run(health, APPROVE, { id: encodeGlobalId('AccessRequest', guess) });
        expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      }
      // The real id still works, and the grant points back to it.
      const approved = await run(health, APPROVE, { id: ids[1] });
      expect(approved.errors).toBeUndefined();
      expect(approved.data.approveAccessRequest).toEqual({ id: ids[1], status: 'APPROVED', grant: { request: { id: ids[1] } } });
    });
  });
}
