import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adapterKinds } from '../../src/adapters/kinds.js';
import { generateUscc, mulberry32 } from '../../src/schema/identifiers/index.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';
import { memoryKind, memorySystems } from '../support/memory-kind.js';

// A department registered, changed, rolled back and disabled while the hub serves: over HTTP, as a steward.
const rng = mulberry32(7);
const companies = Array.from({ length: 6 }, (_, i) => ({ bh: `U${i + 1}`, dwmc: `广州市海珠区城管测试${i + 1}有限公司`, xydm: generateUscc(rng) }));
memorySystems.set('urban', {
  permits: Array.from({ length: 30 }, (_, i) => ({
    xkbh: `CG-${String(i).padStart(3, '0')}`,
    sqr: companies[i % companies.length]!.bh,
    mc: '城市道路占用挖掘许可',
    zt: i % 3 === 0 ? 'A' : 'B',
    sqrq: `2024${String((i % 12) + 1).padStart(2, '0')}15`,
  })),
  applicants: companies,
  calls: 0,
});

const spec = (statuses: Record<string, string>, extra: Record<string, unknown> = {}) => ({
  specVersion: 1,
  code: 'urban',
  name: '区城市管理和综合执法局',
  kind: 'memory',
  connection: { system: 'urban' },
  statuses,
  permits: { fields: { key: 'xkbh', applicant: 'sqr', title: 'mc', status: 'zt', appliedAt: { from: 'sqrq', format: 'YYYYMMDD' } } },
  applicants: { fields: { key: 'bh', name: 'dwmc', identifiers: [{ value: 'xydm', type: 'USCC' }] } },
  ...extra,
});

const URBAN_PERMITS = `query { permits(first: 50, filter: { departmentCodes: ["urban"] }) { totalCount nodes { id status rawStatus appliedAt } } }`;
const CHANGE = `fragment C on DepartmentChange { registration { code enabled activeVersion versions { version active } } check { ok issues { path message hint } changes { path breaking } } departmentKey }`;

for (const backend of backends) {
  describe(`department onboarding while serving (${backend.name})`, () => {
    let demo: DemoHub;
    let stop = false;
    const outcomes = { ok: 0, failed: [] as string[] };
    let load: Promise<void>;
    const query = (...args: Parameters<DemoHub['query']>): Promise<any> => demo.query(...args);

    beforeAll(async () => {
      demo = await startDemoHub(backend, { kinds: { ...adapterKinds, memory: memoryKind } });
      // Load through every change: cross-department pages, which touch each composition's departments.
      load = (async () => {
        const worker = async () => {
          while (!stop) {
            try {
              const result = await query('{ permits(first: 20) { totalCount nodes { id title department { code name } } } }');
              if (result.errors?.length || !result.data?.permits) outcomes.failed.push(JSON.stringify(result.errors ?? result).slice(0, 300));
              else outcomes.ok++;
            } catch (error) {
              outcomes.failed.push(String(error));
            }
          }
        };
        await Promise.all([worker(), worker(), worker()]);
      })();
    }, 240_000);

    afterAll(async () => {
      stop = true;
      await load;
      await demo?.stop();
    });

    it('refuses bad specs with path-precise issues and changes nothing live', async () => {
      const bad = await query(`mutation ($spec: JSON!) { addDepartment(spec: $spec) { ...C } } ${CHANGE}`, {
        spec: { ...spec({ A: 'APPROVED' }), permits: { fields: { key: 'xkbh', title: 'mc', stauts: 'zt' } } },
      });
      expect(bad.errors[0].extensions.code).toBe('BAD_USER_INPUT');
      expect(bad.errors[0].extensions.issues).toEqual(
        expect.arrayContaining([
          { path: 'permits.fields.stauts', message: 'unknown key', hint: 'did you mean "status"?' },
          { path: 'permits.fields.status', message: 'is required' },
        ]),
      );
      const badMap = await query(`mutation ($spec: JSON!) { validateDepartmentSpec(spec: $spec, online: false) { ok issues { path message } } }`, {
        spec: spec({ A: 'APPROVD' }),
      });
      expect(badMap.data.validateDepartmentSpec.ok).toBe(false);
      expect(badMap.data.validateDepartmentSpec.issues[0].path).toBe('statuses.A');
      const unreachable = await query(`mutation ($spec: JSON!) { addDepartment(spec: $spec) { ...C } } ${CHANGE}`, {
        spec: { ...spec({ A: 'APPROVED' }), connection: { system: 'nowhere' } },
      });
      expect(unreachable.errors[0].extensions.issues[0]).toMatchObject({ path: 'connection' });
      const duplicate = await query(`mutation ($spec: JSON!) { addDepartment(spec: $spec) { ...C } } ${CHANGE}`, {
        spec: { ...spec({ A: 'APPROVED' }), code: 'market' },
      });
      expect(duplicate.errors[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', issues: [{ path: 'code', message: 'department market already exists' }] });
      const none = await query(URBAN_PERMITS);
      expect(none.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('adds, updates, rolls back, disables and enables a department live, with no failed request', async () => {
      const added = await query(`mutation ($spec: JSON!) { addDepartment(spec: $spec, note: "onboarding") { ...C } } ${CHANGE}`, {
        spec: spec({ A: 'APPROVED' }),
      });
      expect(added.errors).toBeUndefined();
      expect(added.data.addDepartment.registration).toMatchObject({ code: 'urban', enabled: true, activeVersion: 1 });
      expect(added.data.addDepartment.departmentKey).toMatch(/\S{16,}/);
      let page = await query(URBAN_PERMITS);
      expect(page.data.permits.totalCount).toBe(30);
      expect(page.data.permits.nodes.filter((p: { status: string }) => p.status === 'APPROVED')).toHaveLength(10);
      expect(page.data.permits.nodes.filter((p: { status: string }) => p.status === 'UNKNOWN')).toHaveLength(20);

      const updated = await query(`mutation ($spec: JSON!) { updateDepartment(spec: $spec) { ...C } } ${CHANGE}`, {
        spec: spec({ A: 'APPROVED', B: 'REJECTED' }),
      });
      expect(updated.errors).toBeUndefined();
      expect(updated.data.updateDepartment.check.changes).toEqual([{ path: 'statuses.B', breaking: false }]);
      page = await query(URBAN_PERMITS);
      expect(page.data.permits.nodes.filter((p: { status: string }) => p.status === 'REJECTED')).toHaveLength(20);

      const breaking = await query(`mutation ($spec: JSON!) { updateDepartment(spec: $spec) { ...C } } ${CHANGE}`, {
        spec: {
          ...spec({ A: 'APPROVED' }),
          permits: { fields: { key: 'mc', applicant: 'sqr', title: 'mc', status: 'zt', appliedAt: { from: 'sqrq', format: 'YYYYMMDD' } } },
        },
      });
      expect(breaking.errors[0].extensions.issues[0]).toMatchObject({ path: 'permits.fields.key' });

      const rolledBack = await query(`mutation { rollbackDepartment(code: "urban") { ...C } } ${CHANGE}`);
      expect(rolledBack.errors).toBeUndefined();
      expect(rolledBack.data.rollbackDepartment.registration.activeVersion).toBe(1);
      expect(rolledBack.data.rollbackDepartment.registration.versions).toEqual([
        { version: 2, active: false },
        { version: 1, active: true },
      ]);
      page = await query(URBAN_PERMITS);
      expect(page.data.permits.nodes.filter((p: { status: string }) => p.status === 'REJECTED')).toHaveLength(0);

      const disabled = await query(`mutation { disableDepartment(code: "urban") { code enabled } }`);
      expect(disabled.data.disableDepartment).toEqual({ code: 'urban', enabled: false });
      expect((await query(URBAN_PERMITS)).errors[0].extensions.code).toBe('BAD_USER_INPUT');
      const enabled = await query(`mutation { enableDepartment(code: "urban") { code enabled } }`);
      expect(enabled.data.enableDepartment).toEqual({ code: 'urban', enabled: true });
      expect((await query(URBAN_PERMITS)).data.permits.totalCount).toBe(30);

      expect(outcomes.failed).toEqual([]);
      expect(outcomes.ok).toBeGreaterThan(10);
    }, 240_000);

    it('lets only a steward change the registry, and audits every change', async () => {
      const anonymous = await query(`mutation { disableDepartment(code: "urban") { code } }`, {}, { authorization: '' });
      expect(anonymous.errors[0].extensions.code).toBe('FORBIDDEN');
      const portal = await query(`{ departmentRegistrations { code } }`, {}, { authorization: 'Bearer demo-portal-key' });
      expect(portal.errors[0].extensions.code).toBe('FORBIDDEN');
      const trail = await (demo.hub.db as any).selectFrom('audit_events').select('operation_name').execute();
      const operations = trail.map((e: { operation_name: string | null }) => e.operation_name);
      expect(operations).toEqual(expect.arrayContaining(['addDepartment', 'updateDepartment', 'rollbackDepartment', 'disableDepartment', 'enableDepartment']));
    });
  });
}
