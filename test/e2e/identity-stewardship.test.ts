import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

const STEWARD = { authorization: 'Bearer demo-steward-key' };
const APPLICANT = /* GraphQL */ `query ($id: ID!) { applicant(id: $id) { id kind identifiers { type value } records { department { code } localId } } }`;

for (const backend of backends) {
  describe(`identity stewardship on ${backend.name}`, () => {
    let hub: DemoHub;
    beforeAll(async () => {
      hub = await startDemoHub(backend);
    });
    afterAll(() => hub?.stop());

    /** Applicants of a kind with the given number of identifiers of a type, from the first permits. */
    const applicants = async (predicate: (a: any) => boolean) => {
      const body = await hub.query(
        `{ permits(first: 200) { nodes { applicant { id kind identifiers { type value } records { department { code } localId } } } } }`,
      );
      const seen = new Map<string, any>();
      for (const n of body.data.permits.nodes) if (n.applicant && predicate(n.applicant)) seen.set(n.applicant.id, n.applicant);
      return [...seen.values()];
    };

    it('lets only a data steward see the review queue or change applicants', async () => {
      const callers: Array<Record<string, string>> = [
        { authorization: '' },
        { authorization: 'Bearer demo-market-key' },
        { authorization: 'Bearer demo-portal-key' },
      ];
      for (const headers of callers) {
        const body = await hub.query('{ identityReviewCandidates { totalCount } }', undefined, headers);
        expect(body.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
        const mutation = await hub.query('mutation { mergeApplicants(survivorId: "x", mergedId: "y", reason: "r") { id } }', undefined, headers);
        expect(mutation.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      }
      const queue = await hub.query(
        '{ identityReviewCandidates(first: 5) { totalCount nodes { id score status reason nameHolders clusterScore evidence { field level weight } records { department { code } localId } } } }',
        undefined,
        STEWARD,
      );
      expect(queue.errors).toBeUndefined();
      expect(queue.data.identityReviewCandidates.totalCount).toBeGreaterThanOrEqual(0);
    });

    it('refuses to merge two organisations with different valid USCCs, or a person with an organisation', async () => {
      const orgs = await applicants((a) => a.kind === 'ORGANIZATION' && a.identifiers.some((i: any) => i.type === 'USCC'));
      const people = await applicants((a) => a.kind === 'PERSON');
      const merge = (s: string, m: string) =>
        hub.query('mutation ($s: ID!, $m: ID!) { mergeApplicants(survivorId: $s, mergedId: $m, reason: "test") { id } }', { s, m }, STEWARD);
      expect((await merge(orgs[0].id, orgs[1].id)).errors?.[0]?.message).toMatch(/different valid USCCs are never merged/);
      expect((await merge(orgs[0].id, people[0].id)).errors?.[0]?.message).toMatch(/person is never merged with an organisation/);
    });

    it('splits records off an applicant and merges them back, keeping ids, redirects and history across re-syncs', async () => {
      const [multi] = await applicants((a) => a.records.length >= 2);
      const moving = multi.records[multi.records.length - 1];
      const split = await hub.query(
        'mutation ($id: ID!, $r: [RecordRefInput!]!) { splitApplicant(applicantId: $id, records: $r, reason: "同名不同人") { id records { department { code } localId } } }',
        { id: multi.id, r: [{ departmentCode: moving.department.code, localId: moving.localId }] },
        STEWARD,
      );
      expect(split.errors).toBeUndefined();
      const newId = split.data.splitApplicant.id;
      expect(split.data.splitApplicant.records).toEqual([moving]);

      // A sync reruns the resolver (incrementally, after the hub's first), which would link them
      // again: the steward's decision wins.
      expect((await hub.hub.sync()).resolution.mode).toBe('incremental');
      const after = await hub.query(APPLICANT, { id: multi.id });
      expect(after.data.applicant.records).not.toContainEqual(moving);
      expect((await hub.query(APPLICANT, { id: newId })).data.applicant.records).toEqual([moving]);

      const merged = await hub.query(
        'mutation ($s: ID!, $m: ID!) { mergeApplicants(survivorId: $s, mergedId: $m, reason: "核实为同一人") { id records { localId } } }',
        { s: multi.id, m: newId },
        STEWARD,
      );
      expect(merged.errors).toBeUndefined();
      expect(merged.data.mergeApplicants.id).toBe(multi.id);
      await hub.hub.sync();
      // The merged-away id redirects to the survivor.
      expect((await hub.query(APPLICANT, { id: newId })).data.applicant.id).toBe(multi.id);
      expect((await hub.query(APPLICANT, { id: multi.id })).data.applicant.records).toContainEqual(moving);

      const history = await hub.query('query ($id: ID!) { identityActions(applicantId: $id) { action steward reason } }', { id: multi.id }, STEWARD);
      expect(history.data.identityActions).toEqual([
        { action: 'MERGE', steward: 'demo-steward', reason: '核实为同一人' },
        { action: 'SPLIT', steward: 'demo-steward', reason: '同名不同人' },
      ]);
    });
  });
}
