import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatOrgCodeLegacy, orgCodeOfUscc, toResidentId15 } from '../../src/schema/identifiers/index.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

interface Ident {
  type: string;
  value: string;
}
interface ApplicantView {
  id: string;
  identifiers: Ident[];
  records: Array<{ department: { code: string } }>;
}

const ALL_PERMITS = /* GraphQL */ `
  query { permits(first: 200) { totalCount nodes { id applicant { id identifiers { type value } records { department { code } } } } } }
`;

/** Half-width ASCII digits and letters to their full-width forms (U+FF10.., U+FF21.., U+FF41..). */
function fullWidth(value: string): string {
  return [...value].map((c) => (/[0-9A-Za-z]/.test(c) ? String.fromCharCode(c.charCodeAt(0) + 0xfee0) : c)).join('');
}

function departmentsOf(applicant: ApplicantView): Set<string> {
  return new Set(applicant.records.map((r) => r.department.code));
}

for (const backend of backends) {
  describe(`cross-department (${backend.name})`, () => {
    let h: DemoHub;
    let applicants: ApplicantView[] = [];

    beforeAll(async () => {
      h = await startDemoHub(backend, { scale: 0.2 });
      const result = await h.query<{ permits: { nodes: Array<{ id: string; applicant: ApplicantView | null }> } }>(ALL_PERMITS);
      expect(result.errors).toBeUndefined();
      const byId = new Map<string, ApplicantView>();
      for (const node of result.data!.permits.nodes) if (node.applicant) byId.set(node.applicant.id, node.applicant);
      applicants = [...byId.values()];
    });
    afterAll(async () => {
      await h?.stop();
    });

    function orgSpanningDepartments(): { applicant: ApplicantView; uscc: string } {
      for (const a of applicants) {
        const uscc = a.identifiers.find((i) => i.type === 'USCC');
        if (uscc && departmentsOf(a).size >= 2) return { applicant: a, uscc: uscc.value };
      }
      throw new Error(`no organisation applicant spans two departments among ${applicants.length} applicants`);
    }

    async function lookup(value: string, type?: string): Promise<string | null> {
      const result = await h.query<{ applicantByIdentifier: { id: string } | null }>(
        `query ($value: String!, $type: IdentifierType) { applicantByIdentifier(value: $value, type: $type) { id } }`,
        { value, ...(type ? { type } : {}) },
      );
      expect(result.errors, `lookup of ${JSON.stringify(value)}: ${JSON.stringify(result.errors)}`).toBeUndefined();
      return result.data!.applicantByIdentifier?.id ?? null;
    }

    it('finds an organisation by every written form of its USCC and org code', async () => {
      const { applicant, uscc } = orgSpanningDepartments();
      const orgCode = orgCodeOfUscc(uscc);
      const forms = [
        uscc,
        uscc.toLowerCase(),
        `${uscc.slice(0, 6)} ${uscc.slice(6, 12)} ${uscc.slice(12)}`,
        `${uscc.slice(0, 8)}-${uscc.slice(8, 17)}-${uscc.slice(17)}`,
        fullWidth(uscc),
        orgCode,
        formatOrgCodeLegacy(orgCode),
      ];
      for (const form of forms) {
        expect(await lookup(form), `form ${JSON.stringify(form)}`).toBe(applicant.id);
      }
      expect(await lookup(uscc, 'USCC')).toBe(applicant.id);
      expect(await lookup(formatOrgCodeLegacy(orgCode), 'ORG_CODE')).toBe(applicant.id);
    });

    it('finds a person by the 18-digit, lower-case and 15-digit forms of a resident ID', async () => {
      const person = applicants.find((a) => a.identifiers.some((i) => i.type === 'RESIDENT_ID'));
      expect(person, 'no person applicant with a resident ID').toBeDefined();
      const id18 = person!.identifiers.find((i) => i.type === 'RESIDENT_ID')!.value;
      const forms = [id18, fullWidth(id18)];
      if (id18.endsWith('X')) forms.push(id18.toLowerCase());
      const id15 = toResidentId15(id18);
      if (id15 !== null) forms.push(id15);
      for (const form of forms) {
        expect(await lookup(form), `form ${JSON.stringify(form)}`).toBe(person!.id);
      }
      // Also one with a lower-case x, if any person has one.
      const withX = applicants.flatMap((a) =>
        a.identifiers.filter((i) => i.type === 'RESIDENT_ID' && i.value.endsWith('X')).map((i) => ({ a, v: i.value })),
      )[0];
      if (withX) expect(await lookup(withX.v.toLowerCase())).toBe(withX.a.id);
      // And one whose 15-digit form exists.
      const legacy = applicants
        .flatMap((a) => a.identifiers.filter((i) => i.type === 'RESIDENT_ID').map((i) => ({ a, v15: toResidentId15(i.value) })))
        .find((x) => x.v15 !== null);
      if (legacy) expect(await lookup(legacy.v15!)).toBe(legacy.a.id);
    });

    it("lists an applicant's permits from each of its departments, equal to the root list filtered by applicant", async () => {
      const { applicant } = orgSpanningDepartments();
      const fields = `totalCount nodes { id department { code } applicant { id } }`;
      const nested = await h.query<{
        applicant: { permits: { totalCount: number; nodes: Array<{ id: string; department: { code: string }; applicant: { id: string } | null }> } };
      }>(`query ($id: ID!) { applicant(id: $id) { permits(first: 200) { ${fields} } } }`, { id: applicant.id });
      expect(nested.errors).toBeUndefined();
      const root = await h.query<{ permits: { totalCount: number; nodes: Array<{ id: string }> } }>(
        `query ($id: ID!) { permits(first: 200, filter: { applicantId: $id }) { ${fields} } }`,
        { id: applicant.id },
      );
      expect(root.errors).toBeUndefined();
      const nestedPermits = nested.data!.applicant.permits;
      const departments = new Set(nestedPermits.nodes.map((p) => p.department.code));
      for (const code of departmentsOf(applicant)) expect(departments, `permits from ${code}`).toContain(code);
      for (const p of nestedPermits.nodes) expect(p.applicant?.id).toBe(applicant.id);
      expect(root.data!.permits.nodes.map((p) => p.id)).toEqual(nestedPermits.nodes.map((p) => p.id));
      expect(root.data!.permits.totalCount).toBe(nestedPermits.totalCount);
      expect(nestedPermits.totalCount).toBe(nestedPermits.nodes.length);
    });

    it('pages through every department without duplicates, newest first', async () => {
      const ids: string[] = [];
      const applied: Array<string | null> = [];
      let after: string | null = null;
      let totalCount = -1;
      for (let page = 0; page < 1000; page++) {
        const result: any = await h.query(
          `query ($after: String) { permits(first: 37, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { id appliedAt } } }`,
          { after },
        );
        expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
        const conn = result.data.permits;
        if (totalCount === -1) totalCount = conn.totalCount;
        expect(conn.totalCount).toBe(totalCount);
        for (const n of conn.nodes) {
          ids.push(n.id);
          applied.push(n.appliedAt);
        }
        if (!conn.pageInfo.hasNextPage) break;
        expect(conn.nodes.length).toBe(37);
        after = conn.pageInfo.endCursor;
        expect(after).toBeTruthy();
      }
      expect(new Set(ids).size).toBe(ids.length);
      expect(ids.length).toBe(totalCount);
      expect(totalCount).toBeGreaterThan(37 * 2);
      // Non-increasing by appliedAt; permits without a date (if any) come last.
      for (let i = 1; i < applied.length; i++) {
        const prev = applied[i - 1];
        const cur = applied[i];
        if (cur === null || cur === undefined) continue;
        expect(prev, `permit ${i - 1} has no date but ${i} does`).not.toBeNull();
        expect(Date.parse(prev!), `appliedAt at ${i - 1} (${prev}) < at ${i} (${cur})`).toBeGreaterThanOrEqual(Date.parse(cur));
      }
      // Every department contributes.
      const departments = new Set(ids.map((id) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1]));
      expect(departments).toEqual(new Set(['market', 'housing', 'health']));
    });

    it('fetches permits by id and answers null for an unknown id', async () => {
      const list: any = await h.query(`{ permits(first: 200) { nodes { id title status department { code } appliedAt } } }`);
      const nodes: any[] = list.data.permits.nodes;
      const picks = ['market', 'housing', 'health'].map((code) => nodes.find((n) => n.department.code === code));
      for (const pick of picks) {
        expect(pick).toBeDefined();
        const one: any = await h.query(`query ($id: ID!) { permit(id: $id) { id title status department { code } appliedAt } }`, { id: pick.id });
        expect(one.errors).toBeUndefined();
        expect(one.data.permit).toEqual(pick);
      }
      const unknown = Buffer.from('Permit:market:NOPE').toString('base64url');
      const none = await h.query(`query ($id: ID!) { permit(id: $id) { id } }`, { id: unknown });
      expect(none.errors).toBeUndefined();
      expect(none.data).toEqual({ permit: null });
    });

    it('keeps applicant ids and names when the same records are synced again', async () => {
      const snapshot = async () => {
        const r: any = await h.query(`{ permits(first: 200) { nodes { id applicant { id name } } } }`);
        expect(r.errors).toBeUndefined();
        return new Map<string, string>(r.data.permits.nodes.map((n: any) => [n.id, n.applicant ? `${n.applicant.id} ${n.applicant.name}` : 'none']));
      };
      const before = await snapshot();
      const report = await h.hub.sync();
      expect(report.failed).toEqual([]);
      const after = await snapshot();
      const changed = [...after].filter(([id, v]) => before.get(id) !== v).map(([id, v]) => `${id}: ${before.get(id)} -> ${v}`);
      expect(changed, `${changed.length} permits' applicants changed:\n${changed.slice(0, 10).join('\n')}`).toEqual([]);
    });
  });
}
