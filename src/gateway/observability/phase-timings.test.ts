import { describe, expect, it } from 'vitest';
import { PhaseRecorder } from '../../subgraphs/phase-context.js';
import { ANY_SUBGRAPH, GATEWAY_ONLY, PhaseCollector, requestPhases } from './phase-timings.js';

/** A recorder with intervals at given offsets from its start (ms). */
function recorder(intervals: Array<[string, number, number]>, sums: Array<[string, number]> = []) {
  const r = new PhaseRecorder();
  for (const [phase, from, to] of intervals) {
    r.intervals.push({ phase, start: r.start + from, end: r.start + to });
    r.reach(r.start + to);
  }
  for (const [phase, ms] of sums) r.add(phase, ms);
  return r;
}

describe('requestPhases', () => {
  it('counts overlapping calls to one subgraph once, and the union of all subgraphs apart from backends', () => {
    const r = recorder([
      ['execution', 10, 60],
      ['department:market', 12, 30],
      ['department:market', 20, 40],
      ['department:housing', 50, 55],
      ['backend:market', 13, 29],
    ]);
    const { wallMs, phases, inFlight } = requestPhases(r);
    expect(wallMs).toBeCloseTo(60, 6);
    expect(inFlight['department:market']).toBeCloseTo(28, 6);
    expect(inFlight['backend:market']).toBeCloseTo(16, 6);
    expect(inFlight[ANY_SUBGRAPH]).toBeCloseTo(33, 6);
    expect(phases.execution).toBeCloseTo(50, 6);
    expect(phases[GATEWAY_ONLY]).toBeCloseTo(17, 6);
  });

  it('lets the response phase last until its last work ended (an audit append after the hand-over)', () => {
    const r = recorder([
      ['execution', 0, 10],
      ['response', 10, 11],
    ]);
    r.reach(r.start + 25);
    const { wallMs, phases } = requestPhases(r);
    expect(phases.response).toBeCloseTo(15, 6);
    expect(phases.execution! + phases.response!).toBeLessThanOrEqual(wallMs + 1e-9);
  });
});

describe('PhaseCollector', () => {
  it('gives the mean and median of each phase, a request without it counting as 0', () => {
    const collector = new PhaseCollector();
    collector.add(recorder([['execution', 0, 10]], [['planning', 1]]));
    collector.add(recorder([['execution', 0, 20]]));
    collector.add(recorder([['execution', 0, 60]], [['planning', 5]]));
    const summary = collector.summary();
    expect(summary.requests).toBe(3);
    const execution = summary.phases.find((p) => p.phase === 'execution')!;
    expect(execution.meanMs).toBeCloseTo(30, 6);
    expect(execution.p50Ms).toBeCloseTo(20, 6);
    expect(summary.phases.find((p) => p.phase === 'planning')).toEqual({ phase: 'planning', meanMs: 2, p50Ms: 1 });
    collector.reset();
    expect(collector.summary().requests).toBe(0);
  });
});
