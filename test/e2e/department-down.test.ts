import http from 'node:http';
import type { Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

const PERMITS = /* GraphQL */ `{ permits(first: 50) { totalCount nodes { id department { code } } } }`;

interface PermitsResult {
  data?: { permits: { totalCount: number; nodes: Array<{ id: string; department: { code: string } }> } | null };
  errors?: Array<{ message: string; path?: unknown[]; extensions?: Record<string, any> }>;
}

function expectHousingDown(result: PermitsResult, reason: string) {
  expect(result.data?.permits, JSON.stringify(result.errors)).toBeTruthy();
  const codes = new Set(result.data!.permits!.nodes.map((n) => n.department.code));
  expect(codes.has('housing')).toBe(false);
  expect(codes.has('market') || codes.has('health')).toBe(true);
  expect(result.data!.permits!.nodes.length).toBe(50);
  const housingErrors = (result.errors ?? []).filter((e) => e.extensions?.department === 'housing');
  expect(housingErrors.length, JSON.stringify(result.errors)).toBeGreaterThan(0);
  expect(housingErrors[0]!.extensions).toMatchObject({ code: 'DEPARTMENT_UNAVAILABLE', department: 'housing', reason });
  // Only housing is reported down, and the message leaks no connection details.
  for (const e of result.errors ?? []) {
    expect(e.extensions?.code).toBe('DEPARTMENT_UNAVAILABLE');
    expect(e.extensions?.department).toBe('housing');
    expect(e.message).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|http:/);
  }
}

for (const backend of backends) {
  describe(`housing unreachable (${backend.name})`, () => {
    let h: DemoHub;
    beforeAll(async () => {
      h = await startDemoHub(backend, { scale: 0.2, env: { HUITONG_HOUSING_API_URL: 'http://127.0.0.1:9' } });
    });
    afterAll(async () => {
      await h?.stop();
    });

    it('serves the other departments and reports housing UNREACHABLE', async () => {
      const result = (await h.query(PERMITS)) as PermitsResult;
      expectHousingDown(result, 'UNREACHABLE');
    });

    it('totalCount counts only the departments that answered', async () => {
      const result = (await h.query(`{ permits(first: 200) { totalCount nodes { department { code } } } }`)) as PermitsResult;
      const perDepartment = await Promise.all(
        ['market', 'health'].map(async (code) => {
          const r = (await h.query(`query ($c: [String!]) { permits(first: 1, filter: { departmentCodes: $c }) { totalCount } }`, {
            c: [code],
          })) as PermitsResult;
          expect(r.errors).toBeUndefined();
          return r.data!.permits!.totalCount;
        }),
      );
      expect(result.data!.permits!.totalCount).toBe(perDepartment[0]! + perDepartment[1]!);
    });

    it('a query limited to the healthy departments has no error', async () => {
      const result = (await h.query(
        `{ permits(first: 20, filter: { departmentCodes: ["market", "health"] }) { nodes { department { code } } } }`,
      )) as PermitsResult;
      expect(result.errors).toBeUndefined();
      expect(result.data!.permits!.nodes.length).toBe(20);
    });
  });

  describe(`housing too slow (${backend.name})`, () => {
    let h: DemoHub;
    let slow: http.Server;
    const sockets = new Set<Socket>();
    beforeAll(async () => {
      slow = http.createServer(() => {
        // Never answers.
      });
      slow.on('connection', (socket) => {
        sockets.add(socket);
        socket.on('close', () => sockets.delete(socket));
      });
      await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve));
      const { port } = slow.address() as { port: number };
      h = await startDemoHub(backend, { scale: 0.2, env: { HUITONG_HOUSING_API_URL: `http://127.0.0.1:${port}` }, deadlineMs: 1000 });
    });
    afterAll(async () => {
      for (const socket of sockets) socket.destroy();
      await h?.stop();
      await new Promise<void>((resolve) => slow.close(() => resolve()));
    });

    it('answers with the other departments and reports housing TIMEOUT', async () => {
      const started = Date.now();
      const result = (await h.query(PERMITS)) as PermitsResult;
      const elapsed = Date.now() - started;
      expect(elapsed).toBeLessThan(15_000); // correctness bound: the deadline cut the call off
      expectHousingDown(result, 'TIMEOUT');
    });
  });
}
