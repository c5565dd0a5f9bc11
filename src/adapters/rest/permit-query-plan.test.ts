import { describe, expect, it } from 'vitest';
import { permitQueryPlanner } from './permit-query-plan.js';
import type { RestSpec } from './rest-spec.js';

/** A spec's permits part, as the planner reads it. */
function planner(
  appliedFormat: string,
  filterFormat: string,
  paging: Partial<RestSpec['permits']['paging']> = { style: 'keyset', param: 'after', token: '{appliedAt}_{key}', limit: 'limit' },
) {
  return permitQueryPlanner({
    timeZone: 'Asia/Shanghai',
    permits: {
      endpoint: '/p',
      rows: 'rows',
      maxPageSize: 100,
      sorted: true,
      paging: paging as RestSpec['permits']['paging'],
      filters: {
        separator: ',',
        applicants: { param: 'unit' },
        statuses: { param: 'status', accepts: '^[0-9]+$' },
        appliedFrom: { param: 'from', format: filterFormat },
        appliedTo: { param: 'to', format: filterFormat },
      },
      fields: { key: 'no', title: 't', status: 's', appliedAt: { from: 'd', format: appliedFormat } },
    },
  });
}

describe('permitQueryPlanner', () => {
  it('rounds bounds inwards to whole days when the stored dates are whole days: exact', () => {
    const days = planner('YYYYMMDD', 'YYYYMMDD');
    const plan = days.plan({ limit: 5, appliedFrom: '2024-02-09T16:00:01Z', appliedTo: '2024-02-19T15:59:59Z' })!;
    expect(plan.exact).toBe(true);
    expect(days.params(plan.filter)).toEqual([
      ['from', '20240211'],
      ['to', '20240219'],
    ]);
    expect(days.plan({ limit: 5, appliedFrom: '2024-02-10T00:00:01+08:00', appliedTo: '2024-02-10T23:00:00+08:00' })).toBeNull();
  });

  it('rounds bounds outwards when the stored times are finer than the parameter: a superset', () => {
    const seconds = planner('YYYY-MM-DD HH:mm:ss', 'YYYYMMDD');
    const plan = seconds.plan({ limit: 5, appliedFrom: '2024-02-10T00:00:01+08:00', appliedTo: '2024-02-10T23:00:00+08:00' })!;
    expect(plan.exact).toBe(false);
    expect(seconds.params(plan.filter)).toEqual([
      ['from', '20240210'],
      ['to', '20240211'],
    ]);
    const fine = planner('YYYY-MM-DD HH:mm:ss', 'YYYY-MM-DD HH:mm:ss').plan({ limit: 5, appliedFrom: '2024-02-10T00:00:01+08:00' })!;
    expect(fine.exact).toBe(true);
  });

  it('writes a keyset position as a token when the layout can say it, else leaves it to memory', () => {
    const days = planner('YYYYMMDD', 'YYYYMMDD');
    expect(days.plan({ limit: 5, after: { appliedAt: '2024-02-12T00:00:00+08:00', localId: 'JZ7' } })).toMatchObject({ exact: true, after: '20240212_JZ7' });
    expect(days.plan({ limit: 5, after: { appliedAt: '2024-02-12T10:00:00+08:00', localId: 'JZ7' } })).toMatchObject({ exact: false });
    expect(days.plan({ limit: 5, after: { appliedAt: null, localId: 'JZ7' } })).toMatchObject({ exact: false });
    // Other paging styles carry no position: the connector skips to it.
    expect(planner('YYYYMMDD', 'YYYYMMDD', { style: 'page', page: 'p', size: 's' }).plan({ limit: 5, after: { appliedAt: null, localId: 'JZ7' } })).toEqual({
      filter: {},
      exact: true,
      scoped: false,
    });
  });

  it('sends only values the API can take; the rest is filtered in memory', () => {
    const p = planner('YYYYMMDD', 'YYYYMMDD');
    expect(p.plan({ limit: 5, applicantLocalIds: ['U1', 'U2', 'U1'] })).toEqual({ filter: { applicants: ['U1', 'U2'] }, exact: true, scoped: true });
    expect(p.plan({ limit: 5, applicantLocalIds: ['U1', 'U,2'] })).toEqual({ filter: {}, exact: false, scoped: false });
    expect(p.plan({ limit: 5, rawStatusIn: ['40', '-1'] })).toEqual({ filter: {}, exact: false, scoped: false });
    expect(p.plan({ limit: 5, rawStatusNotIn: ['40'] })).toEqual({ filter: {}, exact: false, scoped: false });
    // Not declared: no service item filter on this API.
    expect(p.plan({ limit: 5, serviceItemCodes: ['I1'] })).toEqual({ filter: {}, exact: false, scoped: false });
    expect(p.plan({ limit: 5, rawStatusIn: [] })).toBeNull();
    expect(
      p.union([
        { applicants: ['U1'], statuses: ['40'], from: 5 },
        { applicants: ['U2', 'U1'], from: 3, to: 9 },
      ]),
    ).toEqual({ applicants: ['U1', 'U2'], from: 3 });
  });
});
