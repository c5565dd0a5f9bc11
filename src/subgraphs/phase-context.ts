// Per-request phase timings (`HUITONG_PHASE_TIMINGS=1`): where a request's time goes. The gateway's
// plugin (gateway/observability/phase-timings.ts) puts a recorder on the GraphQL context; in-process
// subgraphs and the delegation layer add to it. Off, no recorder exists and every hook is one check of
// a missing property; the hooks chosen when a schema is built (timed endpoints, timed governed fields)
// are not installed at all.

/** A symbol rather than a field, read by the same key on both sides (subgraphs cannot import the gateway). */
export const PHASE_RECORDER = Symbol.for('huitong.phaseRecorder');

/**
 * One request's timings: synchronous work summed by phase (`add`), and intervals of work in flight
 * (`interval`: a subgraph call, a legacy system call) that may overlap one another.
 */
export class PhaseRecorder {
  /** performance.now() when the request started. */
  readonly start = performance.now();
  /** The latest end of anything recorded: the request's wall time ends there. */
  end = this.start;
  readonly sums = new Map<string, number>();
  readonly intervals: Array<{ phase: string; start: number; end: number }> = [];

  /** Adds `ms` to a phase (repeated work: planning each delegation, each governed field). */
  add(phase: string, ms: number): void {
    this.sums.set(phase, (this.sums.get(phase) ?? 0) + ms);
  }

  /** A phase from `start` to now, as an interval (walls of concurrent calls are kept apart). */
  interval(phase: string, start: number): void {
    const end = performance.now();
    this.intervals.push({ phase, start, end });
    if (end > this.end) this.end = end;
  }

  /** Marks that the request was still going at `at` (its wall time reaches at least there). */
  reach(at: number): void {
    if (at > this.end) this.end = at;
  }
}

/** The recorder a GraphQL context carries, if phase timings are on. */
export const phasesOf = (context: unknown): PhaseRecorder | undefined =>
  (context as Record<symbol, PhaseRecorder | undefined> | null | undefined)?.[PHASE_RECORDER];

let on = false;

/**
 * Turns phase timings on or off for schemas composed from now on (`startHub` calls it from
 * `HUITONG_PHASE_TIMINGS`); requests are timed only while the gateway's plugin is installed.
 *
 * @example
 * setPhaseTimings(process.env.HUITONG_PHASE_TIMINGS === '1');
 */
export function setPhaseTimings(enabled: boolean): void {
  on = enabled;
}

/** Whether schemas built now install their timing hooks. */
export const phaseTimingsOn = (): boolean => on;

/**
 * Runs a legacy-system call, its wall time recorded as `backend:<department>` when the request is timed.
 *
 * @example
 * await timedBackend(context, 'market', () => adapter.listPermits(queries));
 */
export function timedBackend<T>(context: unknown, department: string, run: () => Promise<T>): Promise<T> {
  const phases = phasesOf(context);
  if (!phases) return run();
  const start = performance.now();
  return run().finally(() => phases.interval(`backend:${department}`, start));
}
