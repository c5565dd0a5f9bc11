import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../../schema/identifiers/index.js';
import type { RawRecord } from '../spec/fields.js';
import type { PermitQuery } from './contract.js';
import { inMemoryPermits } from './in-memory-pages.js';
import { compareCodePoints } from './permit-order.js';

const spec = {
  timeZone: 'Asia/Shanghai',
  permits: { fields: { key: 'no', title: 't', status: 's', appliedAt: { from: 'd', format: 'YYYYMMDD' } } },
} as const;
const memory = inMemoryPermits(spec);
const ms = (ymd: string) => Date.parse(`${ymd.slice(0, 4)}-${ymd.slice(4, 6)}-${ymd.slice(6)}T00:00:00+08:00`);

describe('inMemoryPermits', () => {
  it('orders by appliedAt descending, missing and unreadable dates last, then key by code point', () => {
    const records: RawRecord[] = [
      { key: 'B', appliedAt: '20240101' },
      { key: '\u{20000}', appliedAt: '20240301' },
      { key: 'Z', appliedAt: '' },
      { key: '\uFF21', appliedAt: '20240301' },
      { key: 'A', appliedAt: '20240230' },
      { key: 'C', appliedAt: '20240101' },
    ];
    const ordered = memory.order(records);
    // U+FF21 before U+20000: code point order, not UTF-16's.
    expect(ordered.records.map((r) => r.key)).toEqual(['\uFF21', '\u{20000}', 'B', 'C', 'A', 'Z']);
  });

  it('answers each query with its exact total, UNKNOWN (NOT IN) including records without a status', () => {
    const records: RawRecord[] = [
      { key: 'P1', status: '40', appliedAt: '20240105', applicant: 'U1', serviceItem: 'I1' },
      { key: 'P2', status: null, appliedAt: '20240104', applicant: 'U2', serviceItem: 'I1' },
      { key: 'P3', status: 99, appliedAt: '20240103', applicant: 'U1', serviceItem: 'I2' },
      { key: 'P4', status: ' 40 ', appliedAt: '20240102', applicant: 'U2', serviceItem: 'I2' },
    ];
    const ordered = memory.order(records);
    const keys = (q: PermitQuery) => {
      const page = memory.page(ordered, q);
      return [page.total, page.rows.map((r) => r.key)];
    };
    expect(keys({ limit: 10, rawStatusIn: ['40'] })).toEqual([2, ['P1', 'P4']]);
    expect(keys({ limit: 10, rawStatusNotIn: ['40'] })).toEqual([2, ['P2', 'P3']]);
    expect(keys({ limit: 1, applicantLocalIds: ['U2'], serviceItemCodes: ['I1', 'I2'] })).toEqual([2, ['P2']]);
    expect(keys({ limit: 10, appliedFrom: '2024-01-03T00:00:00+08:00', appliedTo: '2024-01-04T12:00:00+08:00' })).toEqual([2, ['P2', 'P3']]);
    expect(keys({ limit: 10, after: { appliedAt: '2024-01-04T00:00:00+08:00', localId: 'P2' } })).toEqual([4, ['P3', 'P4']]);
  });

  it('agrees with a brute-force oracle on random data and queries', () => {
    const rng = mulberry32(3);
    const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)]!;
    const days = ['20240101', '20240102', '20240103', '', 'bad'];
    const records: RawRecord[] = Array.from({ length: 400 }, (_, i) => ({
      key: `K${Math.floor(rng() * 1000)}-${i}`,
      status: pick(['1', '2', '3', null]),
      appliedAt: pick(days),
      applicant: pick(['U1', 'U2', 'U3', 'U4', null]),
      serviceItem: pick(['I1', 'I2']),
    }));
    const ordered = memory.order(records);
    const applied = (r: RawRecord) => (typeof r.appliedAt === 'string' && /^\d{8}$/.test(r.appliedAt) ? ms(r.appliedAt) : null);
    const oracleOrder = [...records].sort((a, b) => {
      const [x, y] = [applied(a), applied(b)];
      if (x !== y) return x === null ? 1 : y === null ? -1 : y - x;
      return compareCodePoints(String(a.key), String(b.key));
    });
    for (let n = 0; n < 200; n++) {
      const q: PermitQuery = { limit: 1 + Math.floor(rng() * 30) };
      if (rng() < 0.5) q.applicantLocalIds = ['U1', 'U2', 'U3', 'U4'].filter(() => rng() < 0.4);
      if (rng() < 0.3) q.rawStatusIn = ['1', '2', '3'].filter(() => rng() < 0.5);
      // biome-ignore lint/suspicious/noDuplicateElseIf: each rng() call draws a new number
      else if (rng() < 0.3) q.rawStatusNotIn = ['1', '2'].filter(() => rng() < 0.5);
      if (rng() < 0.3) q.appliedFrom = '2024-01-02T00:00:00+08:00';
      const i = Math.floor(rng() * oracleOrder.length);
      if (rng() < 0.5)
        q.after = {
          appliedAt: applied(oracleOrder[i]!) === null ? null : new Date(applied(oracleOrder[i]!)!).toISOString(),
          localId: String(oracleOrder[i]!.key),
        };
      const matching = oracleOrder.filter((r) => {
        const s = r.status as string | null;
        return (
          (!q.applicantLocalIds || q.applicantLocalIds.includes(r.applicant as string)) &&
          (!q.rawStatusIn || (s !== null && q.rawStatusIn.includes(s))) &&
          (!q.rawStatusNotIn || s === null || !q.rawStatusNotIn.includes(s)) &&
          (!q.appliedFrom || (applied(r) !== null && applied(r)! >= Date.parse(q.appliedFrom)))
        );
      });
      const start = q.after ? oracleOrder.indexOf(oracleOrder[i]!) : -1;
      const rows = matching.filter((r) => oracleOrder.indexOf(r) > start).slice(0, q.limit);
      const page = memory.page(ordered, q);
      expect(page.total).toBe(matching.length);
      expect(page.rows.map((r) => r.key)).toEqual(rows.map((r) => r.key));
    }
  });
});
