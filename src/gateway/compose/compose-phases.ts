import { eventLoopTurn } from '../../adapters/core/event-loop-turn.js';

/**
 * Awaited between the phases of a composition (`phase` names the one just finished). Each phase is
 * synchronous graphql-tools or graphql-js work; awaiting a turn of the event loop between them lets
 * requests and health checks in flight run, so the longest stall is one phase, not the whole build.
 * A benchmark passes its own to time the phases.
 *
 * @example
 * const timed: PhasePause = async (phase) => { console.log(phase, performance.now()); await nextPhase(phase); };
 */
export type PhasePause = (phase: string) => Promise<void>;

/** The default pause: one turn of the event loop (I/O callbacks run meanwhile). */
export const nextPhase: PhasePause = () => eventLoopTurn();
