import { describe, expect, it, vi } from 'vitest';
import { AdapterError, AdapterInputError, InvalidQueryError, isCallerFault } from './adapter-error.js';
import type { Adapter, Connector, PermitQuery } from './contract.js';
import { HttpStatusError } from './http-json.js';
import { RuntimeAdapter, type RuntimeOptions } from './runtime-adapter.js';

const refused = () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' });

function adapterWith(listApplicants: Connector<unknown, unknown>['listApplicants']): Adapter<unknown, any> {
  return {
    connector: { listPermits: async () => [], getPermits: async () => [], listApplicants },
    mapper: {
      statusCodes: {},
      permit: () => ({ ok: false, localId: 'x', reason: 'unused' }),
      applicant: (raw: any) =>
        raw.bad
          ? { ok: false, localId: String(raw.id), reason: 'bad' }
          : { ok: true, value: { localId: String(raw.id), kind: null, name: 'n', identifiers: [], phone: null, address: null } },
    },
  };
}

describe('RuntimeAdapter', () => {
  it('retries a transient failure within the deadline and then succeeds', async () => {
    let attempts = 0;
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(async () => {
        if (++attempts < 3) throw refused();
        return { rows: [{ id: 1 }], next: null };
      }),
      { retryBaseMs: 1 },
    );
    const page = await runtime.listApplicants(null, 10);
    expect(page.records.map((r) => r.localId)).toEqual(['1']);
    expect(runtime.calls.listApplicants).toBe(3);
    expect(runtime.retries.listApplicants).toBe(2);
    expect(runtime.health().circuit).toBe('CLOSED');
  });

  it('gives up with TIMEOUT at the deadline even when the connector ignores its signal', async () => {
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(() => new Promise(() => {})),
      { deadlineMs: 50 },
    );
    await expect(runtime.listApplicants(null, 10)).rejects.toMatchObject({ reason: 'TIMEOUT' });
    expect(runtime.health().lastError?.reason).toBe('TIMEOUT');
  });

  it('classifies garbage as BAD_DATA without retrying it', async () => {
    let attempts = 0;
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(async () => {
        attempts++;
        return JSON.parse('{oops');
      }),
    );
    await expect(runtime.listApplicants(null, 10)).rejects.toMatchObject({ reason: 'BAD_DATA' });
    expect(attempts).toBe(1);
  });

  it('skips records that fail to map and keeps the rest of the batch', async () => {
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(async () => ({ rows: [{ id: 1 }, { id: 2, bad: true }, { id: 3 }], next: null })),
    );
    const page = await runtime.listApplicants(null, 10);
    expect(page.records.map((r) => r.localId)).toEqual(['1', '3']);
    expect(runtime.badRecords).toBe(1);
  });

  it('opens the circuit after repeated failures, failing fast, and closes it when a probe succeeds', async () => {
    let now = 0;
    let healthy = false;
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(async () => {
        if (!healthy) throw refused();
        return { rows: [], next: null };
      }),
      { maxRetries: 0, circuit: { failureThreshold: 2, openMs: 1000, now: () => now } },
    );
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

  // What a department's system says when the request itself is wrong — a value that slipped past
  // validation — as drivers and clients report it.
  const callerFaults: Array<[string, () => Error]> = [
    ['SQLSTATE 22007 (invalid datetime format)', () => Object.assign(new Error('invalid input syntax for type timestamp'), { code: '22007' })],
    ['SQLSTATE 22P02 (invalid text representation)', () => Object.assign(new Error('invalid input syntax'), { code: '22P02' })],
    ['SQLSTATE 42883 (no operator for these types)', () => Object.assign(new Error('operator does not exist'), { code: '42883' })],
    ['a RangeError from the connector', () => new RangeError('Invalid time value')],
    ['an InvalidQueryError', () => new InvalidQueryError('appliedFrom is not an instant')],
    ['HTTP 400', () => new HttpStatusError(400)],
    ['HTTP 404', () => new HttpStatusError(404)],
    ['HTTP 422', () => new HttpStatusError(422)],
    ['a JSON envelope code 400', () => Object.assign(new Error('housing API error 400'), { code: 400 })],
    ['a wrapped SQLSTATE 22008', () => new Error('query failed', { cause: Object.assign(new Error('datetime field overflow'), { code: '22008' }) })],
  ];

  it.each(callerFaults)('treats %s as the caller’s: no retry, no circuit count, no lastError', async (_name, fault) => {
    let attempts = 0;
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(async () => {
        attempts++;
        throw fault();
      }),
      { retryBaseMs: 1, circuit: { failureThreshold: 2 } },
    );
    for (let i = 0; i < 5; i++) {
      const error = await runtime.listApplicants(null, 1).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(AdapterInputError);
      expect((error as AdapterInputError).department).toBe('d');
    }
    expect(attempts).toBe(5);
    expect(runtime.retries.listApplicants).toBe(0);
    expect(runtime.health()).toMatchObject({ circuit: 'CLOSED', lastError: null });
  });

  // The department's own faults still count, whatever their code or status looks like.
  const departmentFaults: Array<[string, () => Error, string]> = [
    ['SQLSTATE 42P01 (the table is gone)', () => Object.assign(new Error('relation does not exist'), { code: '42P01' }), 'ERROR'],
    ['SQLSTATE 42501 (the hub lost its grant)', () => Object.assign(new Error('permission denied'), { code: '42501' }), 'ERROR'],
    ['SQLSTATE 53300 (too many connections)', () => Object.assign(new Error('too many connections'), { code: '53300' }), 'ERROR'],
    ['HTTP 401 (the hub’s credential)', () => new HttpStatusError(401), 'ERROR'],
    ['HTTP 429 (the system is overloaded)', () => new HttpStatusError(429), 'ERROR'],
    ['HTTP 503', () => new HttpStatusError(503), 'ERROR'],
    ['a stack overflow', () => new RangeError('Maximum call stack size exceeded'), 'ERROR'],
    ['a refused connection', refused, 'UNREACHABLE'],
  ];

  it.each(departmentFaults)('counts %s against the department', async (_name, fault, reason) => {
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(async () => {
        throw fault();
      }),
      { maxRetries: 0, circuit: { failureThreshold: 2 } },
    );
    for (let i = 0; i < 2; i++) await expect(runtime.listApplicants(null, 1)).rejects.toMatchObject({ reason });
    expect(runtime.health().circuit).toBe('OPEN');
    expect(isCallerFault(fault())).toBe(false);
  });

  it('counts a timeout against the department, even when the connector then throws a RangeError', async () => {
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(
        (_after, _limit, ctx) =>
          new Promise((_, reject) => {
            ctx.signal.addEventListener('abort', () => reject(new RangeError('aborted mid-parse')));
          }),
      ),
      { deadlineMs: 20, circuit: { failureThreshold: 1 } },
    );
    await expect(runtime.listApplicants(null, 1)).rejects.toMatchObject({ reason: 'TIMEOUT' });
    expect(runtime.health().circuit).toBe('OPEN');
  });

  it('frees a half-open probe that ended in a caller error, so the next call probes', async () => {
    let now = 0;
    let next: () => Error | null = refused;
    const runtime = new RuntimeAdapter(
      'd',
      adapterWith(async () => {
        const error = next();
        if (error) throw error;
        return { rows: [], next: null };
      }),
      { maxRetries: 0, circuit: { failureThreshold: 1, openMs: 100, now: () => now } },
    );
    await expect(runtime.listApplicants(null, 1)).rejects.toMatchObject({ reason: 'UNREACHABLE' });
    now = 100;
    next = () => new HttpStatusError(400);
    await expect(runtime.listApplicants(null, 1)).rejects.toBeInstanceOf(AdapterInputError);
    expect(runtime.health().circuit).toBe('HALF_OPEN');
    next = () => null;
    await runtime.listApplicants(null, 1);
    expect(runtime.health().circuit).toBe('CLOSED');
  });

  describe('totals within a declared freshness bound', () => {
    /** A system of `rows` permits whose count is observed: what each call was asked, and a clock to move. */
    function countedSystem(maxAgeMs?: number) {
      const state = { rows: 5, asked: [] as Array<boolean | undefined>, clock: 0 };
      const connector: Connector<unknown, unknown> = {
        listPermits: async (queries) =>
          queries.map((q) => {
            state.asked.push(q.total);
            return { total: q.total === false ? 0 : state.rows, rows: [] };
          }),
        getPermits: async () => [],
        listApplicants: async () => ({ rows: [], next: null }),
      };
      const adapter: Adapter<unknown, unknown> = { connector, mapper: adapterWith(async () => ({ rows: [], next: null })).mapper };
      const runtime = new RuntimeAdapter('d', adapter, { ...(maxAgeMs ? { totalsMaxAgeMs: maxAgeMs } : {}), now: () => state.clock });
      const total = async (q: Parameters<RuntimeAdapter['listPermits']>[0][number]) => (await runtime.listPermits([q]))[0]!.total;
      return { state, total };
    }

    it('counts a list once per bound, shows a change in the system once the bound has passed, and always counts an applicant’s list', async () => {
      const { state, total } = countedSystem(30_000);
      expect(await total({ first: 10 })).toBe(5);
      state.rows = 6;
      state.clock = 30_000;
      // Within the bound: the next page (any position, any size) reuses the total; the system is not asked to count.
      expect(await total({ first: 20, after: { appliedAt: null, localId: 'x' } })).toBe(5);
      // Other filters are other totals.
      expect(await total({ first: 10, appliedTo: '2026-01-01T00:00:00+08:00' })).toBe(6);
      state.clock = 30_001;
      expect(await total({ first: 10 })).toBe(6);
      expect(await total({ first: 10, applicantLocalIds: ['a'] })).toBe(6);
      expect(await total({ first: 10, applicantLocalIds: ['a'] })).toBe(6);
      expect(state.asked).toEqual([undefined, false, undefined, undefined, undefined, undefined]);
    });

    /**
     * A system that counts in groups (`countPermits`), each count held until the test lets it go: the
     * totals of a list are its filter's `appliedTo` year, so every answer shows which list it counted.
     */
    function groupCountingSystem(options: RuntimeOptions = {}) {
      const state = { pageAsked: [] as Array<boolean | undefined>, groups: [] as string[][], clock: 0, fail: false, added: 0 };
      const held: Array<() => void> = [];
      const totalOf = (q: PermitQuery) => Number(q.appliedTo?.slice(0, 4) ?? 0);
      const connector: Connector<unknown, unknown> = {
        listPermits: async (queries) =>
          queries.map((q) => {
            state.pageAsked.push(q.total);
            return { total: q.total === false ? 0 : totalOf(q), rows: [] };
          }),
        countPermits: async (queries) => {
          state.groups.push(queries.map((q) => q.appliedTo ?? ''));
          await new Promise<void>((release) => held.push(release));
          if (state.fail) throw new Error('count failed');
          return queries.map((q) => totalOf(q) + state.added);
        },
        getPermits: async () => [],
        listApplicants: async () => ({ rows: [], next: null }),
      };
      const adapter: Adapter<unknown, unknown> = { connector, mapper: adapterWith(async () => ({ rows: [], next: null })).mapper };
      const runtime = new RuntimeAdapter('d', adapter, { totalsMaxAgeMs: 30_000, now: () => state.clock, maxRetries: 0, ...options });
      const total = async (year: number) => (await runtime.listPermits([{ first: 10, appliedTo: `${year}-01-01T00:00:00+08:00` }]))[0]!.total;
      /** Lets the count calls made so far finish, once they have been made. */
      const release = async () => {
        await vi.waitFor(() => expect(held.length).toBeGreaterThan(0));
        for (const go of held.splice(0)) go();
      };
      return { state, runtime, total, release };
    }

    it('counts the totals requests miss meanwhile in one call, shares a list already being counted, and keeps them for the bound', async () => {
      const { state, runtime, total, release } = groupCountingSystem();
      const first = total(2021);
      await vi.waitFor(() => expect(state.groups).toHaveLength(1));
      // While the first count runs, three requests miss two other lists and the one being counted.
      const later = [total(2022), total(2023), total(2022), total(2021)];
      await release();
      await release();
      expect(await first).toBe(2021);
      expect(await Promise.all(later)).toEqual([2022, 2023, 2022, 2021]);
      expect(state.groups.map((g) => g.map((to) => to.slice(0, 4)))).toEqual([['2021'], ['2022', '2023']]);
      expect(runtime.calls.countPermits).toBe(2);
      // Pages never count when a group does.
      expect(state.pageAsked.every((asked) => asked === false)).toBe(true);
      expect(runtime.calls.listPermits).toBe(5);
      // Counted totals are kept for the bound, dated from their count's start.
      state.clock = 24_000;
      expect(await total(2023)).toBe(2023);
      expect(runtime.calls.countPermits).toBe(2);
      state.clock = 30_001;
      const recount = total(2023);
      await release();
      expect(await recount).toBe(2023);
      expect(runtime.calls.countPermits).toBe(3);
    });

    it('counts a list read late in its bound again in the background, so that no page of it waits for a count', async () => {
      const { state, runtime, total, release } = groupCountingSystem();
      const first = total(2021);
      await release();
      expect(await first).toBe(2021);
      // Up to four fifths of the bound the kept total answers and nothing is counted.
      state.clock = 24_000;
      expect(await total(2021)).toBe(2021);
      expect(runtime.calls.countPermits).toBe(1);
      // Later, the kept total still answers at once (the count is held, and the page does not wait for it)…
      state.clock = 24_001;
      state.added = 1;
      expect(await total(2021)).toBe(2021);
      await vi.waitFor(() => expect(state.groups).toHaveLength(2));
      // …and a read while the new count runs shares it rather than starting another.
      expect(await total(2021)).toBe(2021);
      await release();
      await vi.waitFor(async () => expect(await total(2021)).toBe(2022));
      expect(runtime.calls.countPermits).toBe(2);
      // Past the first total's bound the new one, dated from its own count, answers without a count.
      state.clock = 30_001;
      expect(await total(2021)).toBe(2022);
      expect(runtime.calls.countPermits).toBe(2);
      expect(state.pageAsked.every((asked) => asked === false)).toBe(true);
    });

    it('fails every request waiting on a count that failed, and counts again on the next', async () => {
      const { state, runtime, total, release } = groupCountingSystem();
      state.fail = true;
      const waiting = [total(2021), total(2021)];
      await release();
      for (const outcome of await Promise.allSettled(waiting)) {
        expect(outcome.status).toBe('rejected');
        expect((outcome as PromiseRejectedResult).reason).toMatchObject({ department: 'd', reason: 'ERROR' });
      }
      expect(runtime.calls.countPermits).toBe(1);
      state.fail = false;
      const again = total(2021);
      await release();
      expect(await again).toBe(2021);
      expect(runtime.calls.countPermits).toBe(2);
    });

    it('ends a request waiting on other requests’ counts within its own deadline', async () => {
      const counted: string[] = [];
      const observer = { call: (e: { operation: string; outcome: string }) => void (e.operation === 'countPermits' && counted.push(e.outcome)) };
      const { total, release } = groupCountingSystem({ deadlineMs: 200, observer });
      const first = total(2021);
      await new Promise((r) => setTimeout(r, 100));
      // Gathered behind a count that will time out at 200 ms; its own count would have until ~400 ms.
      const second = total(2022);
      await expect(first).rejects.toMatchObject({ reason: 'TIMEOUT' });
      await expect(second).rejects.toMatchObject({ reason: 'TIMEOUT' });
      expect(counted).toEqual(['TIMEOUT']); // the second request's count was still running when it ended
      await release();
    });

    it('counts every list every time when the spec declares no bound', async () => {
      const { state, total } = countedSystem();
      expect(await total({ first: 10 })).toBe(5);
      state.rows = 6;
      expect(await total({ first: 10 })).toBe(6);
      expect(state.asked).toEqual([undefined, undefined]);
    });
  });
});
