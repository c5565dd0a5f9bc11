import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureDemoData, demoPaths } from '../../src/demo/demo-district.js';
import { startHousingServer } from '../../src/demo/legacy/housing-server.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';
import { startFaultyProxy } from '../support/faulty-proxy.js';

const LIST = '{ permits(first: 30) { totalCount nodes { department { code } } } }';
const OPEN_MS = 1500;
type Body = { data?: any; errors?: Array<{ extensions?: Record<string, any> }> };

for (const backend of backends) {
  describe(`a misbehaving department on ${backend.name}`, () => {
    let hub: DemoHub;
    let proxy: Awaited<ReturnType<typeof startFaultyProxy>>;
    let housing: Awaited<ReturnType<typeof startHousingServer>>;
    const dataDir = mkdtempSync(join(tmpdir(), 'huitong-faults-'));

    beforeAll(async () => {
      await ensureDemoData(dataDir, { scale: 0.2 });
      housing = await startHousingServer({ file: demoPaths(dataDir).housingFile });
      proxy = await startFaultyProxy(housing.url);
      hub = await startDemoHub(backend, { env: { HUITONG_HOUSING_API_URL: proxy.url }, deadlineMs: 1000, circuit: { failureThreshold: 3, openMs: OPEN_MS } });
    });
    afterAll(async () => {
      await hub.stop();
      await proxy.close();
      await housing.close();
      rmSync(dataDir, { recursive: true, force: true });
    });

    const housingError = (body: Body) => body.errors?.find((e) => e.extensions?.department === 'housing');
    const departmentsIn = (body: Body) => new Set(((body.data?.permits?.nodes ?? []) as Array<{ department: { code: string } }>).map((n) => n.department.code));

    it('answers normally while the system is fine', async () => {
      const body = await hub.query(LIST);
      expect(body.errors).toBeUndefined();
      expect(departmentsIn(body).has('housing')).toBe(true);
    });

    it.each([
      ['invalid-json', 'BAD_DATA'],
      ['wrong-types', 'BAD_DATA'],
      ['hang', 'TIMEOUT'],
    ] as const)('reports %s as %s and still serves every other department', async (mode, reason) => {
      proxy.setMode(mode);
      const started = Date.now();
      const body = await hub.query(LIST);
      // A correctness bound, not a benchmark: a hub that waits on a dead department fails it.
      expect(Date.now() - started).toBeLessThan(1000 + 5000);
      expect(housingError(body)?.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'housing', reason });
      expect(departmentsIn(body)).toEqual(new Set(['market', 'health']));
      expect(body.data.permits.totalCount).toBeGreaterThan(0);
    });

    it('opens the circuit when the system dies, costing nothing while it is down, and recovers by itself', async () => {
      // The failures above may have opened the circuit already: let it half-open, so the probe meets the dead system.
      await new Promise((resolve) => setTimeout(resolve, OPEN_MS + 100));
      proxy.setMode('reset');
      let last;
      for (let i = 0; i < 4; i++) last = await hub.query(LIST);
      expect(housingError(last!)?.extensions?.reason).toBe('CIRCUIT_OPEN');
      const health = await hub.query('{ departments { code health { circuit lastError { reason at } lastSuccessAt } } }');
      const housingHealth = health.data.departments.find((d: { code: string }) => d.code === 'housing').health;
      expect(housingHealth.circuit).toBe('OPEN');
      expect(housingHealth.lastError.reason).toBe('UNREACHABLE');
      expect(health.data.departments.find((d: { code: string }) => d.code === 'bureau').health).toBeNull();
      expect((await fetch(`${hub.hub.url}/readyz`)).status).toBe(200);
      const detailed = (await (await fetch(`${hub.hub.url}/healthz/departments`)).json()) as { departments: Record<string, { circuit: string }> };
      expect(detailed.departments.housing!.circuit).toBe('OPEN');
      expect(detailed.departments.market!.circuit).toBe('CLOSED');

      const calls = hub.hub.adapters.get('housing')!.calls.listPermits;
      await hub.query(LIST);
      expect(hub.hub.adapters.get('housing')!.calls.listPermits).toBe(calls);

      proxy.setMode('ok');
      await new Promise((resolve) => setTimeout(resolve, OPEN_MS + 100));
      const recovered = await hub.query(LIST);
      expect(recovered.errors).toBeUndefined();
      expect(departmentsIn(recovered).has('housing')).toBe(true);
    });

    it('exposes Prometheus metrics for requests, department calls, errors and circuits', async () => {
      const text = await (await fetch(`${hub.hub.url}/metrics`)).text();
      expect(text).toContain('huitong_graphql_request_duration_seconds_bucket');
      expect(text).toMatch(/huitong_department_call_duration_seconds_count\{department="housing",operation="listPermits",outcome="BAD_DATA"\} [1-9]/);
      expect(text).toMatch(/huitong_graphql_errors_total\{code="DEPARTMENT_UNAVAILABLE",reason="CIRCUIT_OPEN"\} [1-9]/);
      expect(text).toMatch(/huitong_department_circuit_state\{department="housing"\} 0/);
      expect(text).toContain('huitong_department_batch_size_bucket');
    });
  });
}
