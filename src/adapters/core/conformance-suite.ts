import { describe, expect, it } from 'vitest';
import type { UnifiedPermit } from '../../schema/model.js';
import type { Adapter, PermitPosition, PermitQuery } from './contract.js';
import { rawStatusFilter, RuntimeAdapter } from './runtime-adapter.js';

/** What a conformance run needs: a fresh adapter over a store holding the demo district's data. */
export interface ConformanceSubject {
  adapter: Adapter<any, any>;
  /** Round trips made to the legacy system so far (SQL statements, HTTP requests, file reads), if countable. */
  backendCalls?: () => number;
  close(): Promise<void>;
}

const signal = () => ({ signal: new AbortController().signal });

/**
 * The contract every adapter must keep, as one vitest suite: ordering and keyset paging without gaps
 * or duplicates, each filter, batching (one round trip per call whatever the batch), lookups and the
 * applicant listing for the identity sync. Every department's adapter runs it.
 *
 * @example
 * defineAdapterConformanceSuite('market on PGlite', async () => ({ adapter, close }));
 */
export function defineAdapterConformanceSuite(name: string, setup: () => Promise<ConformanceSubject>): void {
  describe(`adapter conformance: ${name}`, () => {
    let subject: ConformanceSubject;
    const all: UnifiedPermit[] = [];

    const list = async (query: PermitQuery) => {
      const [page] = await subject.adapter.connector.listPermits([query], signal());
      return { total: page!.total, permits: page!.rows.map((r) => mapOk(subject.adapter.mapper.permit(r))).filter((p): p is UnifiedPermit => p !== null) };
    };

    it('pages through every permit in order, with no gap and no duplicate', async () => {
      subject = await setup();
      let after: PermitPosition | undefined;
      let total = -1;
      for (let guard = 0; guard < 10_000; guard++) {
        const page = await list({ limit: 97, ...(after ? { after } : {}) });
        total = page.total;
        all.push(...page.permits);
        if (page.permits.length < 97) break;
        const last = page.permits.at(-1)!;
        after = { appliedAt: last.appliedAt, localId: last.localId };
      }
      expect(all.length).toBeGreaterThan(50);
      expect(new Set(all.map((p) => p.localId)).size).toBe(all.length);
      expect(all.length).toBe(total);
      for (let i = 1; i < all.length; i++) expect(comparePermits(all[i - 1]!, all[i]!)).toBeLessThan(0);
    });

    it('filters by unified status through the raw codes, UNKNOWN included', async () => {
      for (const status of ['APPROVED', 'UNKNOWN'] as const) {
        const page = await list({ limit: 200, ...rawStatusFilter([status], subject.adapter.mapper.statusCodes) });
        const expected = all.filter((p) => p.status === status);
        expect(page.total).toBe(expected.length);
        expect(page.permits.every((p) => p.status === status)).toBe(true);
      }
    });

    it('filters by applicant, service item and application time', async () => {
      const applicants = [...new Set(all.map((p) => p.applicantLocalId).filter((a): a is string => a !== null))].slice(0, 3);
      const byApplicant = await list({ limit: 200, applicantLocalIds: applicants });
      expect(byApplicant.total).toBe(all.filter((p) => applicants.includes(p.applicantLocalId!)).length);
      expect(byApplicant.permits.every((p) => applicants.includes(p.applicantLocalId!))).toBe(true);

      const item = all[0]!.serviceItemCode!;
      const byItem = await list({ limit: 200, serviceItemCodes: [item] });
      expect(byItem.total).toBe(all.filter((p) => p.serviceItemCode === item).length);

      const dated = all.filter((p) => p.appliedAt !== null);
      const from = dated[Math.floor(dated.length * 0.6)]!.appliedAt!;
      const to = dated[Math.floor(dated.length * 0.3)]!.appliedAt!;
      const inRange = await list({ limit: 200, appliedFrom: from, appliedTo: to });
      const expected = dated.filter((p) => Date.parse(p.appliedAt!) >= Date.parse(from) && Date.parse(p.appliedAt!) <= Date.parse(to));
      expect(inRange.total).toBe(expected.length);
      expect(inRange.permits.every((p) => Date.parse(p.appliedAt!) >= Date.parse(from) && Date.parse(p.appliedAt!) <= Date.parse(to))).toBe(true);
    });

    it('counts the total of any application-time range exactly, alone or with a status or service item', async () => {
      const dated = all.filter((p) => p.appliedAt !== null);
      const ms = (p: UnifiedPermit) => Date.parse(p.appliedAt!);
      // Cut-offs at records' own instants (inclusive bounds), a millisecond either side, midnight UTC and
      // far outside the data: ranges within a day, across months and unbounded on either side.
      const instants = [0.05, 0.3, 0.31, 0.6, 0.95].flatMap((f) => {
        const t = ms(dated[Math.floor(dated.length * f)]!);
        return [t, t - 1, t + 1, Math.floor(t / 86_400_000) * 86_400_000];
      });
      const iso = (t: number) => new Date(t).toISOString();
      const bounds: Array<[number | undefined, number | undefined]> = [
        ...instants.map((t): [undefined, number] => [undefined, t]),
        ...instants.map((t): [number, undefined] => [t, undefined]),
        [instants[4]!, instants[0]!],
        [instants[17]!, instants[16]!],
        [instants[16]!, instants[16]!],
        [instants[0]!, instants[4]!],
        [Date.UTC(1990, 0, 1), Date.UTC(2100, 0, 1)],
      ];
      const item = all[0]!.serviceItemCode!;
      const narrowing: Array<[PermitQuery, (p: UnifiedPermit) => boolean]> = [
        [{ limit: 1 }, () => true],
        [{ limit: 1, ...rawStatusFilter(['APPROVED'], subject.adapter.mapper.statusCodes) }, (p) => p.status === 'APPROVED'],
        [{ limit: 1, serviceItemCodes: [item] }, (p) => p.serviceItemCode === item],
      ];
      const cases: Array<[PermitQuery, number]> = [];
      for (const [from, to] of bounds) {
        for (const [base, keep] of narrowing) {
          const query = { ...base, ...(from === undefined ? {} : { appliedFrom: iso(from) }), ...(to === undefined ? {} : { appliedTo: iso(to) }) };
          const expected = dated.filter((p) => keep(p) && (from === undefined || ms(p) >= from) && (to === undefined || ms(p) <= to)).length;
          expect((await list(query)).total, JSON.stringify(query)).toBe(expected);
          cases.push([query, expected]);
        }
      }
      // A connector that counts in groups gives every one of these totals from one round trip.
      const { countPermits } = subject.adapter.connector;
      if (countPermits) {
        const unknown = rawStatusFilter(['UNKNOWN'], subject.adapter.mapper.statusCodes);
        cases.push([{ limit: 1, ...unknown }, all.filter((p) => p.status === 'UNKNOWN').length], [{ limit: 1, serviceItemCodes: ['no such item'] }, 0]);
        const before = subject.backendCalls?.();
        const totals = await countPermits.call(
          subject.adapter.connector,
          cases.map(([q]) => q),
          signal(),
        );
        if (before !== undefined) expect(subject.backendCalls!() - before).toBe(1);
        expect(totals).toEqual(cases.map(([, expected]) => expected));
      }
    });

    it('answers a batch of queries in one round trip, each page as if asked alone', async () => {
      const applicants = [...new Set(all.map((p) => p.applicantLocalId).filter((a): a is string => a !== null))].slice(0, 50);
      const runtime = new RuntimeAdapter('conformance', subject.adapter);
      const before = subject.backendCalls?.();
      const pages = await runtime.listPermits(applicants.map((a) => ({ first: 5, applicantLocalIds: [a] })));
      if (before !== undefined) expect(subject.backendCalls!() - before).toBe(1);
      expect(runtime.calls.listPermits).toBe(1);
      expect(pages).toHaveLength(applicants.length);
      for (const [i, a] of applicants.slice(0, 5).entries()) {
        const alone = await list({ limit: 6, applicantLocalIds: [a] });
        expect(pages[i]!.permits.map((p) => p.localId)).toEqual(alone.permits.slice(0, 5).map((p) => p.localId));
        expect(pages[i]!.total).toBe(alone.total);
        expect(pages[i]!.hasMore).toBe(alone.permits.length > 5);
      }
    });

    it('looks permits up by id; unknown ids are absent', async () => {
      const ids = all.slice(0, 20).map((p) => p.localId);
      const rows = await subject.adapter.connector.getPermits([...ids, 'NO-SUCH-ID'], signal());
      const found = rows.map((r) => mapOk(subject.adapter.mapper.permit(r))?.localId);
      expect(new Set(found)).toEqual(new Set(ids));
    });

    it('lists every applicant record once, page by page, for the identity sync', async () => {
      const seen = new Set<string>();
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await subject.adapter.connector.listApplicants(after, 100, signal());
        for (const raw of page.rows) {
          const mapped = mapOk(subject.adapter.mapper.applicant(raw));
          if (!mapped) continue;
          expect(seen.has(mapped.localId)).toBe(false);
          seen.add(mapped.localId);
        }
        after = page.next;
        pages++;
      } while (after && pages < 10_000);
      const referenced = new Set(all.map((p) => p.applicantLocalId).filter((a): a is string => a !== null));
      for (const a of referenced) expect(seen.has(a)).toBe(true);
      await subject.close();
    });
  });
}

function mapOk<T>(mapped: { ok: true; value: T } | { ok: false }): T | null {
  return mapped.ok ? mapped.value : null;
}

/** The contract's order: appliedAt descending (missing last), then local id ascending by code point. */
export function comparePermits(a: { appliedAt: string | null; localId: string }, b: { appliedAt: string | null; localId: string }): number {
  if (a.appliedAt !== b.appliedAt) {
    if (a.appliedAt === null) return 1;
    if (b.appliedAt === null) return -1;
    const diff = Date.parse(b.appliedAt) - Date.parse(a.appliedAt);
    if (diff !== 0) return diff;
  }
  return a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0;
}
