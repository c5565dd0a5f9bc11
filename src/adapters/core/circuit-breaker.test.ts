import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';

describe('CircuitBreaker', () => {
  it('opens after the threshold, lets one probe through after the cool-down, and closes on its success', () => {
    let now = 0;
    const changes: string[] = [];
    const circuit = new CircuitBreaker({ failureThreshold: 3, openMs: 1000, now: () => now });
    circuit.onChange = (s) => changes.push(s);
    for (let i = 0; i < 3; i++) {
      expect(circuit.tryAcquire()).toBe(true);
      circuit.failed();
    }
    expect(circuit.state).toBe('OPEN');
    expect(circuit.tryAcquire()).toBe(false);
    now = 1000;
    expect(circuit.tryAcquire()).toBe(true);
    expect(circuit.state).toBe('HALF_OPEN');
    expect(circuit.tryAcquire()).toBe(false); // only one probe at a time
    circuit.succeeded();
    expect(circuit.state).toBe('CLOSED');
    expect(changes).toEqual(['OPEN', 'HALF_OPEN', 'CLOSED']);
  });

  it('reopens when the probe fails, and a success resets the failure count', () => {
    let now = 0;
    const circuit = new CircuitBreaker({ failureThreshold: 2, openMs: 100, now: () => now });
    circuit.failed();
    circuit.succeeded();
    circuit.failed();
    expect(circuit.state).toBe('CLOSED');
    circuit.failed();
    expect(circuit.state).toBe('OPEN');
    now = 100;
    expect(circuit.tryAcquire()).toBe(true);
    circuit.failed();
    expect(circuit.state).toBe('OPEN');
    expect(circuit.tryAcquire()).toBe(false);
  });

  it('frees a half-open probe released without a verdict, counting nothing', () => {
    let now = 0;
    const circuit = new CircuitBreaker({ failureThreshold: 2, openMs: 100, now: () => now });
    circuit.failed();
    circuit.released();
    expect(circuit.state).toBe('CLOSED'); // released is not a failure
    circuit.failed();
    expect(circuit.state).toBe('OPEN'); // nor a success: the count went on from one
    now = 100;
    expect(circuit.tryAcquire()).toBe(true);
    circuit.released();
    expect(circuit.state).toBe('HALF_OPEN');
    expect(circuit.tryAcquire()).toBe(true); // the next call may probe
  });
});
