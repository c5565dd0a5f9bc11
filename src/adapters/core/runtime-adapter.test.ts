import { describe, expect, it } from 'vitest';
import { AdapterError } from './adapter-error.js';
import type { Adapter, Connector } from './contract.js';
import { RuntimeAdapter } from './runtime-adapter.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function adapterWith(listApplicants: Connector<unknown, unknown>['listApplicants']): Adapter<unknown, any> {
  return {
    connector: { listPermits: async () => [], getPermits: async () => [], listApplicants },
    mapper: {
      statusCodes: {},
      permit: () => ({ ok: false, localId: 'x', reason: 'unused' }),
      applicant: (raw: any) => (raw.bad ? { ok: false, localId: String(raw.id), reason: 'bad' } : { ok: true, value: { localId: String(raw.id), kind: null, name: 'n', identifiers: [], phone: null, address: null } }),
    },
  };
}

describe('RuntimeAdapter', () => {
  it('retries a transient failure within the deadline and then succeeds', async () => {
    let attempts = 0;
    const runtime = new RuntimeAdapter('d', adapterWith(async () => {
      if (++attempts < 3) throw refused();
      return { rows: [{ id: 1 }], next: null };
    }), { retryBaseMs: 1 });
    const page = await runtime.listApplicants(null, 10);
    expect(page.records.map((r) => r.localId)).toEqual(['1']);
    expect(runtime.calls.listApplicants).toBe(3);
    expect(runtime.retries.listApplicants).toBe(2);
    expect(runtime.health().circuit).toBe('CLOSED');
  });

  it('gives up with TIMEOUT at the deadline even when the connector ignores its signal', async () => {
    const runtime = new RuntimeAdapter('d', adapterWith(() => new Promise(() => {})), { deadlineMs: 50 });
    await expect(runtime.listApplicants(null, 10)).rejects.toMatchObject({ reason: 'TIMEOUT' });
    expect(runtime.health().lastError?.reason).toBe('TIMEOUT');
  });

  it('classifies garbage as BAD_DATA without retrying it', async () => {
    let attempts = 0;
    const runtime = new RuntimeAdapter('d', adapterWith(async () => {
      attempts++;
      return JSON.parse('{oops');
    }));
    await expect(runtime.listApplicants(null, 10)).rejects.toMatchObject({ reason: 'BAD_DATA' });
    expect(attempts).toBe(1);
  });

  it('skips records that fail to map and keeps the rest of the batch', async () => {
    const runtime = new RuntimeAdapter('d', adapterWith(async () => ({ rows: [{ id: 1 }, { id: 2, bad: true }, { id: 3 }], next: null })));
    const page = await runtime.listApplicants(null, 10);
    expect(page.records.map((r) => r.localId)).toEqual(['1', '3']);
    expect(runtime.badRecords).toBe(1);
  });

  it('opens the circuit after repeated failures, failing fast, and closes it when a probe succeeds', async () => {
    let now = 0;
    let healthy = false;
    const runtime = new RuntimeAdapter('d', adapterWith(async () => {
      if (!healthy) throw refused();
      return { rows: [], next: null };
    }), { maxRetries: 0, circuit: { failureThreshold: 2, openMs: 1000, now: () => now } });
    for (let i = 0; i < 2; i++) await expect(runtime.listApplicants(null, 1)).rejects.toMatchObject({ reason: 'UNREACHABLE' });
    const callsWhenOpened = runtime.calls.listApplicants;
    await expect(runtime.listApplicants(null, 1)).rejects.toBeInstanceOf(AdapterError);
    await expect(runtime.listApplicants(null, 1)).rejects.toMatchObject({ reason: 'CIRCUIT_OPEN' });
    expect(runtime.calls.listApplicants).toBe(callsWhenOpened); // a dead system costs nothing while open
    healthy = true;
    now = 1000;
    await runtime.listApplicants(null, 1);
    expect(runtime.health().circuit).toBe('CLOSED');
    expect(runtime.health().lastSuccessAt).toBeInstanceOf(Date);
  });
});
