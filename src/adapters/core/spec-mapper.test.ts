import { describe, expect, it } from 'vitest';
import { specMapper } from './spec-mapper.js';

const mapper = specMapper({
  timeZone: 'Asia/Shanghai',
  statuses: { '04': 'APPROVED', '05': 'REJECTED' },
  serviceItems: { 'CG-1': 'SCJ-XK-001' },
  permits: {
    fields: {
      key: 'bh',
      title: 'mc',
      status: 'zt',
      serviceItem: 'sx',
      appliedAt: { from: 'rq', format: 'YYYY/MM/DD HH:mm' },
      validUntil: 'yx',
      statutoryDays: 'fd',
    },
  },
  applicants: {
    fields: {
      key: 'id',
      name: 'mc',
      kind: { from: 'lx', map: { '1': 'ORGANIZATION', '2': 'PERSON' } },
      identifiers: [{ value: 'zj', typeFrom: { from: 'zjlx', map: { '01': 'RESIDENT_ID' } } }],
    },
  },
});

describe('specMapper', () => {
  it('reads dates in the declared layout and zone, codes through the spec, days as whole numbers', () => {
    expect(
      mapper.permit({
        key: ' P1 ',
        title: '许可',
        status: '04',
        serviceItem: 'CG-1',
        appliedAt: '2023/04/12 10:30',
        validUntil: '2028-04-19',
        statutoryDays: '20',
      }),
    ).toEqual({
      ok: true,
      value: {
        localId: 'P1',
        applicantLocalId: null,
        serviceItemCode: 'SCJ-XK-001',
        title: '许可',
        status: 'APPROVED',
        rawStatus: '04',
        appliedAt: '2023-04-12T10:30:00+08:00',
        decidedAt: null,
        validUntil: '2028-04-19',
        statutoryDays: 20,
        committedDays: null,
        actualDays: null,
      },
    });
    // A catalogue code asks for the local codes mapped to it and for itself, unless that local code maps elsewhere.
    expect(mapper.localServiceItemCodes(['SCJ-XK-001', 'OTHER'])).toEqual(['CG-1', 'SCJ-XK-001', 'OTHER']);
    expect(mapper.localServiceItemCodes(['CG-1'])).toEqual([]);
  });

  it('rejects a record whose date or number does not read, naming the column, and never guesses', () => {
    expect(mapper.permit({ key: 'P2', title: 't', status: '04', appliedAt: '2023/02/30 10:00' })).toEqual({
      ok: false,
      localId: 'P2',
      reason: 'rq is not a YYYY/MM/DD HH:mm date',
    });
    expect(mapper.permit({ key: 'P3', title: 't', status: '04', statutoryDays: '2.5' })).toEqual({
      ok: false,
      localId: 'P3',
      reason: 'fd is not a whole number',
    });
    expect(mapper.permit({ key: '  ', title: 't', status: '04' })).toMatchObject({ ok: false, localId: 'unknown' });
  });

  it('reads unknown codes as UNKNOWN, and a cell named like an Object property finds nothing', () => {
    expect(mapper.permit({ key: 'P4', title: 't', status: 'constructor', serviceItem: 'constructor' })).toMatchObject({
      ok: true,
      value: { status: 'UNKNOWN', rawStatus: 'constructor', serviceItemCode: 'constructor' },
    });
    expect(mapper.applicant({ key: 'A1', name: '某公司', kind: 'constructor', 'identifiers.0.value': 'x', 'identifiers.0.type': 'toString' })).toMatchObject({
      ok: true,
      value: { kind: null, identifiers: [{ value: 'x', claimedType: null }] },
    });
    expect(mapper.applicant({ key: 'A2', name: '张三', kind: '2', 'identifiers.0.value': '11010519491231002X', 'identifiers.0.type': '01' })).toMatchObject({
      ok: true,
      value: { kind: 'PERSON', identifiers: [{ value: '11010519491231002X', claimedType: 'RESIDENT_ID' }] },
    });
  });
});
