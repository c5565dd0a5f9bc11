import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PIPELINE_PHASES } from '../../src/gateway/observability/phase-timings.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

// Phase timings (HUITONG_PHASE_TIMINGS=1) over the demo district, governance on, as the demo steward:
// every phase is reported, and the consecutive ones add up to at most the request's wall time.
// PGlite only: what is timed does not depend on the storage backend.
const backend = backends.find((b) => b.name === 'pglite')!;

const NESTED = `query Nested {
  permits(first: 20) {
    totalCount
    nodes { id title department { code name } serviceItem { code name } applicant { id name permits(first: 3) { nodes { id status } } } }
  }
}`;

describe('phase timings', () => {
  let h: DemoHub;
  beforeAll(async () => {
    h = await startDemoHub(backend, { scale: 0.2, env: { HUITONG_PHASE_TIMINGS: '1' } });
  });
  afterAll(async () => {
    await h?.stop();
  });

  it('reports every phase of a request, and the consecutive phases fit in its wall time', async () => {
    h.hub.phases!.reset();
    const result = await h.query(NESTED);
    expect(result.errors).toBeUndefined();
    expect(result.data.permits.nodes).toHaveLength(20);
    const requests = h.hub.phases!.requests();
    expect(requests).toHaveLength(1);
    const { wallMs, phases, inFlight } = requests[0]!;

    for (const phase of [...PIPELINE_PHASES, 'planning', 'merge', 'governance', 'audit', 'serialise']) {
      expect(phases[phase], phase).toBeGreaterThan(0);
    }
    for (const code of ['market', 'housing', 'health']) {
      expect(inFlight[`department:${code}`], code).toBeGreaterThan(0);
      expect(inFlight[`backend:${code}`], code).toBeGreaterThan(0);
      // In process, the legacy system is called inside the subgraph call.
      expect(inFlight[`backend:${code}`]!).toBeLessThanOrEqual(inFlight[`department:${code}`]!);
    }
    expect(inFlight.identity).toBeGreaterThan(0);

    const pipeline = PIPELINE_PHASES.reduce((sum, phase) => sum + phases[phase]!, 0);
    expect(pipeline).toBeLessThanOrEqual(wallMs + 1e-6);
    // Synchronous work inside execution cannot take longer than execution.
    expect(phases.planning! + phases.merge!).toBeLessThanOrEqual(phases.execution! + 1e-6);
    for (const ms of [...Object.values(phases), ...Object.values(inFlight)]) expect(ms).toBeGreaterThanOrEqual(0);
  });

  it('aggregates the requests collected: mean and median per phase', async () => {
    h.hub.phases!.reset();
    for (let i = 0; i < 3; i++) expect((await h.query(NESTED)).errors).toBeUndefined();
    const summary = h.hub.phases!.summary();
    expect(summary.requests).toBe(3);
    const execution = summary.phases.find((p) => p.phase === 'execution')!;
    expect(execution.meanMs).toBeGreaterThan(0);
    expect(execution.p50Ms).toBeGreaterThan(0);
    expect(summary.inFlight.map((p) => p.phase)).toEqual(expect.arrayContaining(['department:market', 'backend:market', 'identity']));
    expect(summary.wall.meanMs).toBeGreaterThanOrEqual(execution.meanMs);
  });
});
