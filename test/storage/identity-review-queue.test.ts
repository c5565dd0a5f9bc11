import { PassThrough } from 'node:stream';
import { graphql } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateResidentId, mulberry32 } from '../../src/schema/identifiers/index.js';
import { migrateToLatest, type Database, type HubDatabase } from '../../src/storage/index.js';
import type { SourcedRecord } from '../../src/subgraphs/identity/applicant-cluster.js';
import { sourcesOf } from '../../src/subgraphs/identity/evaluation-sources.js';
import { runIdentityReview } from '../../src/cli/identity-review.js';
import { createIdentitySubgraph } from '../../src/subgraphs/identity/identity-subgraph.js';
import { Stewardship } from '../../src/subgraphs/identity/stewardship.js';
import { forgetSyncState, syncIdentity } from '../../src/subgraphs/identity/sync.js';
import { backends } from '../support/databases.js';

// Generated numbers only; the names are rare generated combinations, no real person's data.
const rng = mulberry32(23);
const RID_A = generateResidentId(rng, { sex: 'M', birthYearRange: [1985, 1985] });
const RID_B = generateResidentId(rng, { sex: 'F', birthYearRange: [1979, 1979] });

const person = (department: string, localId: string, fields: Partial<SourcedRecord>): SourcedRecord => ({
  department,
  localId,
  kind: 'PERSON',
  name: '',
  identifiers: [],
  phone: null,
  address: null,
  ...fields,
});

// Two pairs whose only agreement is a rare name: each record holds fields the other does not.
const BASE: SourcedRecord[] = [
  person('health', 'H1', { name: '欧阳子轩', identifiers: [{ value: RID_A, claimedType: 'RESIDENT_ID' }], phone: '13700000017' }),
  person('civil', 'C1', { name: '欧阳子轩', address: '新港中路11号' }),
  person('health', 'H2', { name: '司徒瑾澜', identifiers: [{ value: RID_B, claimedType: 'RESIDENT_ID' }], phone: '13900000029' }),
  person('civil', 'C2', { name: '司徒瑾澜', address: '滨江东路22号' }),
];

for (const backend of backends) {
  describe(`identity review queue on ${backend.name}`, () => {
    let database: Database<HubDatabase>;
    beforeAll(async () => {
      database = await backend.open<HubDatabase>();
      await migrateToLatest(database.db);
    });
    afterAll(async () => {
      forgetSyncState(database.db);
      await database.close();
    });

    const openCandidates = () => database.db.selectFrom('identity_review_candidates').selectAll().where('status', '=', 'OPEN').orderBy('id').execute();
    const applicantOf = async (localId: string) =>
      (await database.db.selectFrom('applicant_records').select('applicant_id').where('local_id', '=', localId).executeTakeFirstOrThrow()).applicant_id;
    const candidateFor = async (localIds: [string, string]) => {
      const rows = await openCandidates();
      return rows.find((r) => [r.a_local_id, r.b_local_id].sort().join() === [...localIds].sort().join());
    };
    /** Open candidates between the clusters of two records (whichever of their records they name). */
    const openBetween = async (x: string, y: string) => {
      const [ax, ay] = [await applicantOf(x), await applicantOf(y)];
      const rows = await openCandidates();
      const out = [];
      for (const r of rows) {
        const pair = new Set([await applicantOf(r.a_local_id), await applicantOf(r.b_local_id)]);
        if (pair.has(ax) && pair.has(ay)) out.push(r);
      }
      return out;
    };

    it('proposes name-only pairs with their evidence, and keeps steward decisions across re-syncs until new evidence arrives', async () => {
      const stewardship = new Stewardship(database.db);
      await syncIdentity(database.db, sourcesOf(BASE));
      // Propose: neither pair is linked; each is a candidate carrying its evidence and why it is not linked.
      expect(await applicantOf('H1')).not.toBe(await applicantOf('C1'));
      const ouyang = await candidateFor(['H1', 'C1']);
      const situ = await candidateFor(['H2', 'C2']);
      expect(ouyang).toMatchObject({ reason: 'name-only', name_holders: 2 });
      expect(ouyang!.evidence).toContainEqual(expect.objectContaining({ field: 'name', level: 'exact' }));
      expect(ouyang!.cluster_score).toBeGreaterThan(0);
      expect(ouyang!.clusters_signature).toMatch(/^[0-9a-f]{64}$/);
      expect(situ).toBeDefined();

      // Through GraphQL, steward only: the evidence and the reason, in pages that follow the queue's order.
      const { schema } = createIdentitySubgraph(database.db);
      const QUEUE = `query ($first: Int, $after: String) { identityReviewCandidates(first: $first, after: $after) {
        totalCount endCursor nodes { id score reason nameHolders clusterScore evidence { field level weight } } } }`;
      const ask = (variables: Record<string, unknown>, kind = 'STEWARD') =>
        graphql({ schema, source: QUEUE, variableValues: variables, contextValue: { consumer: { id: 'steward-1', kind } } }) as Promise<any>;
      expect((await ask({ first: 5 }, 'DEPARTMENT')).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const whole = await ask({ first: 5 });
      expect(whole.errors).toBeUndefined();
      expect(whole.data.identityReviewCandidates.totalCount).toBe(2);
      expect(whole.data.identityReviewCandidates.nodes[0]).toMatchObject({ reason: 'NAME_ONLY', nameHolders: 2 });
      const first = await ask({ first: 1 });
      const second = await ask({ first: 1, after: first.data.identityReviewCandidates.endCursor });
      expect([...first.data.identityReviewCandidates.nodes, ...second.data.identityReviewCandidates.nodes]).toEqual(whole.data.identityReviewCandidates.nodes);

      // Decide: one kept apart, one linked; both recorded with who and why.
      await stewardship.reject(ouyang!.id, 'steward-1', '出生日期不同');
      await stewardship.confirm(situ!.id, 'steward-1', '电话核实为同一人');
      const actions = await database.db.selectFrom('identity_actions').select(['action', 'steward', 'reason']).orderBy('id').execute();
      expect(actions.map((a) => a.action)).toEqual(['REJECT', 'MERGE']);
      expect(actions.every((a) => a.steward === 'steward-1')).toBe(true);

      // Re-sync (incremental, then full as after a restart): the decisions stand, nothing is proposed again.
      expect((await syncIdentity(database.db, sourcesOf(BASE))).resolution.mode).toBe('incremental');
      forgetSyncState(database.db);
      expect((await syncIdentity(database.db, sourcesOf(BASE))).resolution.mode).toBe('full');
      expect(await openCandidates()).toEqual([]);
      expect(await applicantOf('H2')).toBe(await applicantOf('C2'));
      expect(await applicantOf('H1')).not.toBe(await applicantOf('C1'));

      // New evidence: a record joins C1's applicant (same name and address): the pair comes back.
      const joined = [...BASE, person('market', 'M1', { name: '欧阳子轩', address: '新港中路11号', phone: '13800000031' })];
      await syncIdentity(database.db, sourcesOf(joined));
      expect(await applicantOf('M1')).toBe(await applicantOf('C1'));
      const back = await openBetween('H1', 'C1');
      expect(back).toHaveLength(1);

      // Kept apart again, then a compared field of a record changes: proposed once more.
      await stewardship.reject(back[0]!.id, 'steward-1', '仍非同一人');
      await syncIdentity(database.db, sourcesOf(joined));
      expect(await openBetween('H1', 'C1')).toEqual([]);
      const changed = joined.map((r) => (r.localId === 'C1' ? { ...r, address: '新港中路12号' } : r));
      await syncIdentity(database.db, sourcesOf(changed));
      expect(await openBetween('H1', 'C1')).toHaveLength(1);
      // The steward's separation still holds meanwhile: the two stay apart until someone links them.
      expect(await applicantOf('H1')).not.toBe(await applicantOf('C1'));
    });

    it('lets a steward list, show, defer, keep apart and link candidates with huitong identity review', async () => {
      const { schema } = createIdentitySubgraph(database.db);
      const review = async (...args: string[]) => {
        const out = new PassThrough();
        const err = new PassThrough();
        const chunks: string[] = [];
        out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
        err.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
        const code = await runIdentityReview(args, {
          stdout: out,
          stderr: err,
          env: {},
          call: (source, variableValues) =>
            graphql({ schema, source, variableValues, contextValue: { consumer: { id: 'steward-3', kind: 'STEWARD' } } }) as Promise<any>,
        });
        return { code, text: chunks.join('') };
      };
      const records = [
        ...BASE,
        person('market', 'M1', { name: '欧阳子轩', address: '新港中路11号', phone: '13800000031' }),
        person('health', 'H3', { name: '诸葛明远', identifiers: [{ value: generateResidentId(rng, { birthYearRange: [1990, 1990] }), claimedType: null }] }),
        person('civil', 'C3', { name: '诸葛明远', phone: '13600000043' }),
        person('health', 'H4', { name: '上官怡然', phone: '13500000057' }),
        person('civil', 'C4', { name: '上官怡然', address: '江南大道中44号' }),
      ];
      await syncIdentity(database.db, sourcesOf(records));
      const idOf = (text: string, localId: string) =>
        text
          .split('\n')
          .find((l) => l.includes(`:${localId} `) || l.endsWith(`:${localId}`))
          ?.split(' ')[0];
      const listed = await review('list');
      expect(listed.code).toBe(0);
      const zhuge = idOf(listed.text, 'C3')!;
      const shangguan = idOf(listed.text, 'C4')!;
      expect(zhuge).toBeDefined();
      expect(shangguan).toBeDefined();

      const shown = await review('show', zhuge);
      expect(shown.code).toBe(0);
      expect(shown.text).toContain('why not linked: nothing but the name agrees');
      expect(shown.text).toMatch(/name\s+exact/);

      await expect(review('defer', zhuge)).rejects.toThrow(/--reason/);
      expect((await review('defer', zhuge, '--reason', '待户籍核实')).code).toBe(0);
      const after = (await review('list')).text;
      expect(after.indexOf(zhuge)).toBeGreaterThan(after.indexOf(shangguan));

      expect((await review('keep-apart', zhuge, '--reason', '出生日期不同')).code).toBe(0);
      const linked = await review('link', shangguan, '--reason', '地址与电话核实');
      expect(linked).toMatchObject({ code: 0, text: expect.stringContaining('linked: applicant') });
      expect((await review('link', shangguan, '--reason', 'again')).code).toBe(1);

      await syncIdentity(database.db, sourcesOf(records));
      const last = (await review('list')).text;
      expect(last).not.toContain(':C3');
      expect(last).not.toContain(':C4');
      expect(await applicantOf('H4')).toBe(await applicantOf('C4'));
      expect(await applicantOf('H3')).not.toBe(await applicantOf('C3'));
      const actions = await database.db.selectFrom('identity_actions').select(['action']).where('steward', '=', 'steward-3').orderBy('id').execute();
      expect(actions.map((a) => a.action)).toEqual(['DEFER', 'REJECT', 'MERGE']);
    });

    it('splits a wrong link again, and the split survives a re-sync', async () => {
      const stewardship = new Stewardship(database.db);
      const linked = await applicantOf('H2');
      expect(await applicantOf('C2')).toBe(linked);
      const newId = await stewardship.split(linked, [{ departmentCode: 'civil', localId: 'C2' }], 'steward-2', '误合并');
      const records = [...BASE, person('market', 'M1', { name: '欧阳子轩', address: '新港中路11号', phone: '13800000031' })];
      await syncIdentity(database.db, sourcesOf(records));
      expect(await applicantOf('C2')).toBe(newId);
      expect(await applicantOf('H2')).toBe(linked);
    });
  });
}
