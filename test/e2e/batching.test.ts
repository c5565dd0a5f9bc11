import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

const DEPARTMENTS = ['market', 'housing', 'health'] as const;

for (const backend of backends) {
  describe(`batching (${backend.name})`, () => {
    let h: DemoHub;
    beforeAll(async () => {
      h = await startDemoHub(backend, { scale: 0.2 });
    });
    afterAll(async () => {
      await h?.stop();
    });

    function snapshot() {
      const calls: Record<string, { listPermits: number; getPermits: number; listApplicants: number }> = {};
      for (const code of DEPARTMENTS) {
        const adapter = h.hub.adapters.get(code);
        expect(adapter, `adapter ${code}`).toBeDefined();
        calls[code] = { ...adapter!.calls };
      }
      return { calls, housingRequests: h.demo.housing!.requestCount() };
    }

    it('lists 200 permits with their applicants, items and departments in one call per department', async () => {
      const before = snapshot();
      const result: any = await h.query(`{ permits(first: 200) { nodes { id title applicant { name } serviceItem { name } department { name } } } }`);
      const after = snapshot();
      expect(result.errors).toBeUndefined();
      expect(result.data.permits.nodes.length).toBe(200);
      const departments = new Set(result.data.permits.nodes.map((n: any) => n.id && Buffer.from(n.id, 'base64url').toString().split(':')[1]));
      expect(departments.size).toBeGreaterThan(1);
      for (const node of result.data.permits.nodes) {
        expect(node.department.name).toBeTruthy();
      }
      for (const code of DEPARTMENTS) {
        expect(after.calls[code]!.listPermits - before.calls[code]!.listPermits, `${code}.listPermits`).toBe(1);
        expect(after.calls[code]!.getPermits - before.calls[code]!.getPermits, `${code}.getPermits`).toBe(0);
      }
      expect(after.housingRequests - before.housingRequests).toBeLessThanOrEqual(1);
    });

    it("nests applicants' permits with at most one call per department per level", async () => {
      const before = snapshot();
      const result: any = await h.query(`{ permits(first: 50) { nodes { applicant { permits(first: 5) { nodes { serviceItem { name } } } } } } }`);
      const after = snapshot();
      expect(result.errors).toBeUndefined();
      const nodes: any[] = result.data.permits.nodes;
      expect(nodes.length).toBe(50);
      const inner = nodes.filter((n) => n.applicant).flatMap((n) => n.applicant.permits.nodes);
      expect(inner.length).toBeGreaterThan(0);
      for (const code of DEPARTMENTS) {
        const delta = after.calls[code]!.listPermits - before.calls[code]!.listPermits;
        expect(delta, `${code}.listPermits`).toBeGreaterThanOrEqual(1);
        expect(delta, `${code}.listPermits`).toBeLessThanOrEqual(2);
        // The kept items of every list come from what the pages already read: no lookups by id.
        expect(after.calls[code]!.getPermits - before.calls[code]!.getPermits, `${code}.getPermits`).toBe(0);
      }
      expect(after.housingRequests - before.housingRequests).toBeLessThanOrEqual(2);
    });

    it("follows each request's own @include/@skip variables and fragments while reusing prepared documents", async () => {
      const query = `query Toggles($withName: Boolean!, $withApplicant: Boolean!) {
        permits(first: 20) { nodes { id ...Parts serviceItem { code name @include(if: $withName) } applicant @skip(if: $withApplicant) { id } applicant @include(if: $withApplicant) { name } } }
      }
      fragment Parts on Permit { title department { code name } }`;
      const full: any = await h.query(query, { withName: true, withApplicant: true });
      expect(full.errors).toBeUndefined();
      const byId = new Map<string, any>(full.data.permits.nodes.map((n: any) => [n.id, n]));
      expect([...byId.values()].some((n) => n.applicant?.name)).toBe(true);
      for (const [withName, withApplicant] of [
        [false, false],
        [true, false],
        [false, true],
        [true, true],
      ] as const) {
        const result: any = await h.query(query, { withName, withApplicant });
        expect(result.errors).toBeUndefined();
        for (const node of result.data.permits.nodes) {
          const reference = byId.get(node.id);
          expect(reference, node.id).toBeDefined();
          expect(node.title).toBe(reference.title);
          expect(node.department).toEqual(reference.department);
          if (node.serviceItem) expect('name' in node.serviceItem).toBe(withName);
          if (node.serviceItem && withName) expect(node.serviceItem.name).toBe(reference.serviceItem.name);
          if (node.applicant) expect(Object.keys(node.applicant)).toEqual([withApplicant ? 'name' : 'id']);
          if (node.applicant && withApplicant) expect(node.applicant.name).toBe(reference.applicant.name);
        }
      }
    });

    it('fetches many permits by id with one getPermits call per department', async () => {
      const list: any = await h.query(`{ permits(first: 60) { nodes { id } } }`);
      const ids: string[] = list.data.permits.nodes.map((n: any) => n.id);
      const fields = ids.map((id, i) => `p${i}: permit(id: ${JSON.stringify(id)}) { id title }`).join('\n');
      const before = snapshot();
      const result: any = await h.query(`{ ${fields} }`);
      const after = snapshot();
      expect(result.errors).toBeUndefined();
      ids.forEach((id, i) => expect(result.data[`p${i}`]?.id).toBe(id));
      for (const code of DEPARTMENTS) {
        expect(after.calls[code]!.getPermits - before.calls[code]!.getPermits, `${code}.getPermits`).toBeLessThanOrEqual(1);
        expect(after.calls[code]!.listPermits - before.calls[code]!.listPermits, `${code}.listPermits`).toBe(0);
      }
      expect(after.housingRequests - before.housingRequests).toBeLessThanOrEqual(1);
    });
  });
}
