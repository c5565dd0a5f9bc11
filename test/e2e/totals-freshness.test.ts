import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

// A department's spec declares how old its list totals may be (`totals.maxAgeSeconds`; what the runtime
// does with it is tested in runtime-adapter.test.ts and against a live system in sql-kind.test.ts): the
// hub tells clients on Department.
for (const backend of backends) {
  describe(`totals' freshness bound on ${backend.name}`, () => {
    let hub: DemoHub;
    beforeAll(async () => {
      hub = await startDemoHub(backend);
    });
    afterAll(async () => hub?.stop());

    it('tells clients each department’s bound: the demo market’s 30 s, none where totals are counted with every page', async () => {
      const body = await hub.query('{ departments { code totalsMaxAgeSeconds } }');
      expect(body.errors).toBeUndefined();
      expect(
        Object.fromEntries(body.data.departments.map((d: { code: string; totalsMaxAgeSeconds: number | null }) => [d.code, d.totalsMaxAgeSeconds])),
      ).toEqual({
        bureau: null,
        health: null,
        housing: null,
        market: 30,
      });
    });
  });
}
