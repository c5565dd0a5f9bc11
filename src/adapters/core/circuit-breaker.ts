/** closed: calls flow · open: calls fail at once · half-open: one probe decides. */
export type CircuitState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

export interface CircuitOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold?: number;
  /** How long it stays open before letting a probe through, ms. */
  openMs?: number;
  now?: () => number;
}

/**
 * A circuit breaker per department, so a dead system costs nothing while it is down: after
 * `failureThreshold` failures in a row calls fail immediately; after `openMs` one probe goes through, and
 * its outcome closes or reopens the circuit.
 *
 * @example
 * const circuit = new CircuitBreaker({ failureThreshold: 5, openMs: 10_000 });
 * if (!circuit.tryAcquire()) throw new AdapterError(code, 'CIRCUIT_OPEN');
 * try { await call(); circuit.succeeded(); } catch (e) { isCallerFault(e) ? circuit.released() : circuit.failed(); throw e; }
 */
export class CircuitBreaker {
  #state: CircuitState = 'CLOSED';
  #failures = 0;
  #openedAt = 0;
  #probing = false;
  readonly #threshold: number;
  readonly #openMs: number;
  readonly #now: () => number;
  /** Called on every state change, for metrics and logs. */
  onChange: (state: CircuitState) => void = () => {};

  constructor(options: CircuitOptions = {}) {
    this.#threshold = options.failureThreshold ?? 5;
    this.#openMs = options.openMs ?? 10_000;
    this.#now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    return this.#state;
  }

  /** Whether a call may go out now; in half-open, only the one probe may. */
  tryAcquire(): boolean {
    if (this.#state === 'CLOSED') return true;
    if (this.#state === 'OPEN') {
      if (this.#now() - this.#openedAt < this.#openMs) return false;
      this.#set('HALF_OPEN');
    }
    if (this.#probing) return false;
    this.#probing = true;
    return true;
  }

  succeeded(): void {
    this.#failures = 0;
    this.#probing = false;
    if (this.#state !== 'CLOSED') this.#set('CLOSED');
  }

  /**
   * The call ended in a way that says nothing about the system's health (the caller's own mistake):
   * no failure is counted and no success either; a half-open probe's slot is freed for the next call.
   */
  released(): void {
    this.#probing = false;
  }

  failed(): void {
    this.#probing = false;
    this.#failures++;
    if (this.#state === 'HALF_OPEN' || (this.#state === 'CLOSED' && this.#failures >= this.#threshold)) {
      this.#openedAt = this.#now();
      this.#set('OPEN');
    }
  }

  #set(state: CircuitState) {
    this.#state = state;
    this.onChange(state);
  }
}
