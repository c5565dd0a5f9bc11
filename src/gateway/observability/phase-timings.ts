import type { ApolloServerPlugin } from '@apollo/server';
import type { ExecutionRequest, Executor } from '@graphql-tools/utils';
import { PHASE_RECORDER, PhaseRecorder, phasesOf } from '../../subgraphs/phase-context.js';
import type { SubgraphEndpoint } from '../delegation/endpoints.js';
import type { HubContext } from '../hub-context.js';

// Where a request's time goes, per phase (`HUITONG_PHASE_TIMINGS=1`; bench/phases.ts reports it). The
// request's pipeline is cut into consecutive phases that never overlap — parse, validate, operation
// (resolving it; governance's purpose and grants), execution, response (the audit append, serialising) —
// so they add up to at most its wall time. Execution is broken down further: planning and merging the
// delegations, governance's setup and field checks, the audit append (sums), and each subgraph call's wall time
// with its department's backend time (intervals: calls to different subgraphs run at the same time, so
// these overlap and are not added up).

/** The consecutive phases of a request, in order. */
export const PIPELINE_PHASES = ['parse', 'validate', 'operation', 'execution', 'response'] as const;

/** In flight: some subgraph call outstanding, whichever (the union of their intervals). */
export const ANY_SUBGRAPH = 'any subgraph';
/** Of execution: the time no subgraph call was outstanding. */
export const GATEWAY_ONLY = 'execution without a subgraph call';

/** One request's timings, in milliseconds. */
export interface RequestPhases {
  wallMs: number;
  /** The consecutive phases (`PIPELINE_PHASES`) and, inside them, synchronous work by phase. */
  phases: Record<string, number>;
  /** Per subgraph (`department:market`, `identity`, `catalogue`…) and per department backend (`backend:market`): wall time in flight, overlapping calls counted once. */
  inFlight: Record<string, number>;
}

/** Total length of a set of intervals, overlaps counted once. */
function unionMs(intervals: ReadonlyArray<{ start: number; end: number }>): number {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  let total = 0;
  let from = Number.NEGATIVE_INFINITY;
  let to = Number.NEGATIVE_INFINITY;
  for (const { start, end } of sorted) {
    if (start > to) {
      if (to > from) total += to - from;
      from = start;
      to = end;
    } else if (end > to) to = end;
  }
  if (to > from) total += to - from;
  return total;
}

/** A recorder's figures once its request has ended. */
export function requestPhases(recorder: PhaseRecorder): RequestPhases {
  const byPhase = new Map<string, Array<{ start: number; end: number }>>();
  for (const i of recorder.intervals) {
    let list = byPhase.get(i.phase);
    if (!list) byPhase.set(i.phase, (list = []));
    list.push(i);
  }
  const inFlight: Record<string, number> = {};
  const subgraphCalls: Array<{ start: number; end: number }> = [];
  for (const [phase, list] of byPhase) {
    if (PIPELINE_PHASES.includes(phase as never)) continue;
    inFlight[phase] = unionMs(list);
    if (!phase.startsWith('backend:')) subgraphCalls.push(...list);
  }
  if (subgraphCalls.length) inFlight[ANY_SUBGRAPH] = unionMs(subgraphCalls);
  const phases: Record<string, number> = {};
  for (const phase of PIPELINE_PHASES) phases[phase] = unionMs(byPhase.get(phase) ?? []);
  // The response phase lasts until the last of its work (the audit append) has ended.
  const response = byPhase.get('response')?.[0];
  if (response) phases.response = recorder.end - response.start;
  for (const [phase, ms] of recorder.sums) phases[phase] = ms;
  // What execution spent with no subgraph call outstanding: the gateway's own resolvers and merging.
  phases[GATEWAY_ONLY] = Math.max(0, phases.execution! - (inFlight[ANY_SUBGRAPH] ?? 0));
  return { wallMs: recorder.end - recorder.start, phases, inFlight };
}

const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : 0);
const p50 = (xs: readonly number[]) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

/** Mean and median of one phase over the requests collected (a request without it counts as 0). */
export interface PhaseSummary {
  phase: string;
  meanMs: number;
  p50Ms: number;
}

/**
 * Collects every timed request's phases (the last `limit`), for a report over a run.
 *
 * @example
 * const collector = new PhaseCollector();
 * startHttpServer({ …, plugins: [phaseTimingsPlugin(collector)] });
 * collector.summary(); // { requests, wall, phases, inFlight }
 */
export class PhaseCollector {
  readonly #recorders: PhaseRecorder[] = [];

  constructor(readonly limit = 100_000) {}

  add(recorder: PhaseRecorder): void {
    if (this.#recorders.length >= this.limit) this.#recorders.shift();
    this.#recorders.push(recorder);
  }

  /** Forgets what was collected (before a measured window). */
  reset(): void {
    this.#recorders.length = 0;
  }

  /** Each request's figures, read now: the audit append may end after the response was handed over. */
  requests(): RequestPhases[] {
    return this.#recorders.map(requestPhases);
  }

  summary(): { requests: number; wall: PhaseSummary; phases: PhaseSummary[]; inFlight: PhaseSummary[] } {
    const all = this.requests();
    const summarise = (pick: (r: RequestPhases) => Record<string, number>) => {
      const names = [...new Set(all.flatMap((r) => Object.keys(pick(r))))];
      return names.map((phase) => {
        const xs = all.map((r) => pick(r)[phase] ?? 0);
        return { phase, meanMs: mean(xs), p50Ms: p50(xs) };
      });
    };
    const wall = all.map((r) => r.wallMs);
    return {
      requests: all.length,
      wall: { phase: 'wall', meanMs: mean(wall), p50Ms: p50(wall) },
      phases: summarise((r) => r.phases),
      inFlight: summarise((r) => r.inFlight),
    };
  }
}

/**
 * The Apollo Server plugin that times each request's pipeline: a recorder on the context
 * (`PHASE_RECORDER`) that the delegation layer, in-process subgraphs and governance add to; the result
 * serialised once more in `willSendResponse` to time what Apollo does right after (the same JSON).
 *
 * @example
 * startHttpServer({ …, plugins: [phaseTimingsPlugin(new PhaseCollector())] });
 */
export function phaseTimingsPlugin(collector: PhaseCollector): ApolloServerPlugin<HubContext> {
  return {
    async requestDidStart({ contextValue }) {
      const recorder = new PhaseRecorder();
      (contextValue as unknown as Record<symbol, PhaseRecorder>)[PHASE_RECORDER] = recorder;
      collector.add(recorder);
      let validated = recorder.start;
      let executionEnd = recorder.start;
      return {
        async parsingDidStart() {
          const start = performance.now();
          return async () => recorder.interval('parse', start);
        },
        async validationDidStart() {
          const start = performance.now();
          return async () => {
            recorder.interval('validate', start);
            validated = performance.now();
          };
        },
        async executionDidStart() {
          // Resolving the operation and the plugins' work on it (governance's purpose and grants) ran since validation.
          const start = performance.now();
          recorder.intervals.push({ phase: 'operation', start: validated, end: start });
          return {
            async executionDidEnd() {
              recorder.interval('execution', start);
              executionEnd = performance.now();
            },
          };
        },
        async willSendResponse({ response }) {
          if (response.body.kind === 'single') {
            const start = performance.now();
            JSON.stringify(response.body.singleResult);
            recorder.add('serialise', performance.now() - start);
          }
          if (executionEnd > recorder.start) recorder.interval('response', executionEnd);
        },
      };
    },
  };
}

/** The phase a subgraph's calls are timed under. */
const endpointPhase = (e: Pick<SubgraphEndpoint, 'name' | 'role'>) =>
  e.role === 'department' ? `department:${e.name}` : e.role === 'service' ? `service:${e.name}` : e.role;

/**
 * A subgraph's executor that records each call's wall time on a timed request (installed only while
 * phase timings are on).
 *
 * @example
 * new Subschema({ …, executor: timedExecutor(endpoint) });
 */
export function timedExecutor(endpoint: Pick<SubgraphEndpoint, 'name' | 'role' | 'executor'>): Executor {
  const phase = endpointPhase(endpoint);
  const execute = endpoint.executor;
  return ((request: ExecutionRequest) => {
    const phases = phasesOf(request.context);
    if (!phases) return execute(request);
    const start = performance.now();
    const result = execute(request);
    if (result && typeof (result as PromiseLike<unknown>).then === 'function') {
      return (result as Promise<unknown>).finally(() => phases.interval(phase, start));
    }
    phases.interval(phase, start);
    return result;
  }) as Executor;
}

/**
 * Runs synchronous work, its time added to `phase` when the request is timed.
 *
 * @example
 * const request = timedStep(context, 'planning', () => transformer.transformRequest(raw));
 */
export function timedStep<T>(context: unknown, phase: string, run: () => T): T {
  const phases = phasesOf(context);
  if (!phases) return run();
  const start = performance.now();
  try {
    return run();
  } finally {
    phases.add(phase, performance.now() - start);
  }
}
