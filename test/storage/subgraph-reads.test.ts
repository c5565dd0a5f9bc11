import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execute, parse } from 'graphql';
import type { Kysely, KyselyPlugin } from 'kysely';
import { generateUscc, mulberry32, orgCodeOfUscc } from '../../src/schema/identifiers/index.js';
import { encodeGlobalId } from '../../src/schema/index.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import { createCatalogueSubgraph } from '../../src/subgraphs/catalogue/catalogue-subgraph.js';
import { createIdentitySubgraph } from '../../src/subgraphs/identity/identity-subgraph.js';
import { backends } from '../support/databases.js';

/** A view of the database that counts the statements run through it. */
function counted(db: Kysely<HubDatabase>) {
  const state = { statements: 0 };
  const plugin: KyselyPlugin = {
    transformQuery: (args) => {
      state.statements++;
      return args.node;
    },
    transformResult: async (args) => args.result,
  };
  return { db: db.withPlugin(plugin), state };
}

const rng = mulberry32(11);
const uscc = generateUscc(rng);
const survivorUscc = generateUscc(rng);

for (const backend of backends) {
  describe(`identity and catalogue reads (${backend.name})`, () => {
    let database: Database<HubDatabase>;
    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      await migrateToLatest(database.db);
      const db = database.db;
      await db
        .insertInto('departments')
        .values(
          ['market', 'housing'].map((code) => ({ code, name: `${code} bureau`, adapter_kind: 'demo', connection: '{}', url: null, last_synced_at: null })),
        )
        .onConflict((oc) => oc.doNothing())
        .execute();
      await db
        .insertInto('service_items')
        .values([
          {
            code: 'S1',
            name: 'one',
            department_code: 'market',
            category: 'LICENSING',
            statutory_days: 20,
            committed_days: 5,
            instant: false,
            legal_basis: null,
          },
          {
            code: 'S2',
            name: 'two',
            department_code: 'housing',
            category: 'LICENSING',
            statutory_days: 20,
            committed_days: 5,
            instant: false,
            legal_basis: null,
          },
        ])
        .onConflict((oc) => oc.doNothing())
        .execute();
      await db
        .insertInto('applicants')
        .values([
          { id: 'ap_org', kind: 'ORGANIZATION', name: 'Org', merged_into: null },
          { id: 'ap_old', kind: 'ORGANIZATION', name: 'Old', merged_into: 'ap_new' },
          { id: 'ap_new', kind: 'ORGANIZATION', name: 'New', merged_into: null },
        ])
        .execute();
      await db
        .insertInto('applicant_identifiers')
        .values([
          { type: 'USCC', value: uscc, applicant_id: 'ap_org' },
          { type: 'ORG_CODE', value: orgCodeOfUscc(uscc), applicant_id: 'ap_org' },
          { type: 'USCC', value: survivorUscc, applicant_id: 'ap_old' },
        ])
        .execute();
      const record = (department_code: string, local_id: string, applicant_id: string) => ({
        department_code,
        local_id,
        applicant_id,
        kind: 'ORGANIZATION',
        name: `${applicant_id} at ${department_code}`,
        identifiers: '[]',
        phone: `phone ${local_id}`,
        address: null,
      });
      await db
        .insertInto('applicant_records')
        .values([record('market', 'm2', 'ap_org'), record('housing', 'h1', 'ap_org'), record('market', 'm1', 'ap_org'), record('market', 'm9', 'ap_new')])
        .execute();
    });
    afterAll(() => database.close());

    const LOOKUP = parse(`query ($value: String!) {
      applicantByIdentifier(value: $value) { id name kind identifiers { type value _recordKeys } records { department { code } localId name phone address } _recordKeys }
    }`);

    it('reads an applicant by identifier with its identifiers and records in one statement, ordered as before', async () => {
      const { db, state } = counted(database.db);
      const identity = createIdentitySubgraph(db);
      const result: any = await execute({ schema: identity.schema, document: LOOKUP, variableValues: { value: uscc }, contextValue: {} });
      expect(result.errors).toBeUndefined();
      expect(state.statements).toBe(1);
      const applicant = result.data.applicantByIdentifier;
      expect(applicant).toMatchObject({ id: encodeGlobalId('Applicant', 'ap_org'), name: 'Org', kind: 'ORGANIZATION' });
      const keys = ['housing:h1', 'market:m1', 'market:m2'];
      expect(applicant.identifiers).toEqual([
        { type: 'USCC', value: uscc, _recordKeys: keys },
        { type: 'ORG_CODE', value: orgCodeOfUscc(uscc), _recordKeys: keys },
      ]);
      expect(applicant.records.map((r: any) => `${r.department.code}:${r.localId}`)).toEqual(keys);
      expect(applicant.records[0]).toMatchObject({ name: 'ap_org at housing', phone: 'phone h1', address: null });
      expect(applicant._recordKeys).toEqual(keys);
    });

    it('reads only the applicant row when its lists are not selected, and follows a merge', async () => {
      const { db, state } = counted(database.db);
      const identity = createIdentitySubgraph(db);
      const plain: any = await execute({ schema: identity.schema, document: parse(`{ applicantByIdentifier(value: "${uscc}") { name } }`), contextValue: {} });
      expect(plain.data.applicantByIdentifier).toEqual({ name: 'Org' });
      expect(state.statements).toBe(1);
      const merged: any = await execute({ schema: identity.schema, document: LOOKUP, variableValues: { value: survivorUscc }, contextValue: {} });
      expect(merged.errors).toBeUndefined();
      expect(merged.data.applicantByIdentifier).toMatchObject({
        id: encodeGlobalId('Applicant', 'ap_new'),
        name: 'New',
        identifiers: [],
        _recordKeys: ['market:m9'],
      });
    });

    it('reads an applicant by id with its lists in one statement', async () => {
      const { db, state } = counted(database.db);
      const identity = createIdentitySubgraph(db);
      const result: any = await execute({
        schema: identity.schema,
        document: parse(`query ($id: ID!) { applicant(id: $id) { ...Keys } } fragment Keys on Applicant { _recordKeys }`),
        variableValues: { id: encodeGlobalId('Applicant', 'ap_org') },
        contextValue: {},
      });
      expect(result.errors).toBeUndefined();
      expect(result.data.applicant._recordKeys).toEqual(['housing:h1', 'market:m1', 'market:m2']);
      expect(state.statements).toBe(1);
    });

    it('keeps crosswalk rows between requests, and reads them again after any write to the crosswalk', async () => {
      const { db, state } = counted(database.db);
      const identity = createIdentitySubgraph(db);
      const BY_RECORDS = parse(
        `{ _applicantsByRecordKeys(keys: ["market:m1", "housing:h1", "market:none"]) { name identifiers { type value } records { localId phone } } }`,
      );
      const ask = async () => {
        state.statements = 0;
        const result: any = await execute({ schema: identity.schema, document: BY_RECORDS, contextValue: {} });
        expect(result.errors).toBeUndefined();
        return { applicants: result.data._applicantsByRecordKeys, statements: state.statements };
      };
      const first = await ask();
      expect(first.applicants[0]).toMatchObject({ name: 'Org', identifiers: [{ type: 'USCC' }, { type: 'ORG_CODE' }], records: [{}, {}, {}] });
      expect(first.applicants[1]).toEqual(first.applicants[0]);
      expect(first.applicants[2]).toBeNull();
      // The version, the record keys' applicants, their identifiers, their records.
      expect(first.statements).toBe(4);
      // Another request: only the version is read.
      expect(await ask()).toEqual({ applicants: first.applicants, statements: 1 });
      // Any write to a crosswalk table, through any connection (here not through the subgraph at all), is seen by the next request.
      try {
        await database.db.updateTable('applicants').set({ name: 'Org renamed' }).where('id', '=', 'ap_org').execute();
        const renamed = await ask();
        expect(renamed.statements).toBe(4);
        expect(renamed.applicants[0].name).toBe('Org renamed');
        await database.db.updateTable('applicant_records').set({ phone: 'phone changed' }).where('local_id', '=', 'm1').execute();
        const rephoned = await ask();
        expect(rephoned.statements).toBe(4);
        expect(rephoned.applicants[0].records.map((r: any) => r.phone)).toContain('phone changed');
      } finally {
        await database.db.updateTable('applicants').set({ name: 'Org' }).where('id', '=', 'ap_org').execute();
        await database.db.updateTable('applicant_records').set({ phone: 'phone m1' }).where('local_id', '=', 'm1').execute();
      }
    });

    it("shares one departments read per request between Department lookups and service items' departments", async () => {
      const { db, state } = counted(database.db);
      const catalogue = createCatalogueSubgraph(db);
      const context = {};
      const run = (query: string) => execute({ schema: catalogue.schema, document: parse(query), contextValue: context }) as Promise<any>;
      const first = await run(`{ _departmentsByCodes(codes: ["market", "housing", "nowhere"]) { code name } }`);
      expect(first.data._departmentsByCodes).toEqual([{ code: 'market', name: 'market bureau' }, { code: 'housing', name: 'housing bureau' }, null]);
      const second = await run(`{ _serviceItemsByCodes(codes: ["S1", "S2"]) { code department { name } } }`);
      expect(second.data._serviceItemsByCodes).toEqual([
        { code: 'S1', department: { name: 'market bureau' } },
        { code: 'S2', department: { name: 'housing bureau' } },
      ]);
      // One statement for the departments, one for the service items.
      expect(state.statements).toBe(2);
    });
  });
}
