import { describe, expect, it } from 'vitest';
import { generateUscc, mulberry32 } from '../../schema/identifiers/index.js';
import type { SqrRow, XksqRow } from './legacy-types.js';
import { marketMapper } from './mapper.js';

const permit = (overrides: Partial<XksqRow> = {}): XksqRow => ({
  sqbh: 'SJ2023000123',
  sqrid: 42,
  sxbm: 'SCJ-XK-001',
  xkmc: '食品经营许可证',
  ztdm: '04',
  slrq: '2023-04-12 10:30:00',
  jdrq: '2023-04-20 16:00:00',
  yxqz: '2028-04-19',
  fdsx: 20,
  cnsx: 10,
  sjys: 6,
  ...overrides,
});

describe('market mapper', () => {
  it('maps a permit row, local times as Asia/Shanghai', () => {
    const mapped = marketMapper.permit(permit());
    expect(mapped).toEqual({
      ok: true,
      value: {
        localId: 'SJ2023000123',
        applicantLocalId: '42',
        serviceItemCode: 'SCJ-XK-001',
        title: '食品经营许可证',
        status: 'APPROVED',
        rawStatus: '04',
        appliedAt: '2023-04-12T10:30:00+08:00',
        decidedAt: '2023-04-20T16:00:00+08:00',
        validUntil: '2028-04-19',
        statutoryDays: 20,
        committedDays: 10,
        actualDays: 6,
      },
    });
  });

  it.each([
    ['01', 'SUBMITTED'],
    ['02', 'ACCEPTED'],
    ['03', 'UNDER_REVIEW'],
    ['04', 'APPROVED'],
    ['05', 'REJECTED'],
    ['06', 'WITHDRAWN'],
    ['07', 'REVOKED'],
    ['08', 'EXPIRED'],
    ['99', 'UNKNOWN'],
    ['', 'UNKNOWN'],
  ])('maps status code %j to %s and keeps the raw code', (code, status) => {
    const mapped = marketMapper.permit(permit({ ztdm: code }));
    expect(mapped.ok && mapped.value.status).toBe(status);
  });

  it('rejects a row whose dates are not dates, naming the record and never guessing', () => {
    expect(marketMapper.permit(permit({ jdrq: '2023-02-30 00:00:00' }))).toEqual({ ok: false, localId: 'SJ2023000123', reason: 'jdrq is not a date' });
    expect(marketMapper.permit(permit({ sqbh: '  ' }))).toMatchObject({ ok: false });
  });

  it('keeps absent dates and limits as null', () => {
    const mapped = marketMapper.permit(permit({ jdrq: null, yxqz: null, sjys: null }));
    expect(mapped.ok && [mapped.value.decidedAt, mapped.value.validUntil, mapped.value.actualDays]).toEqual([null, null, null]);
  });

  it('maps an applicant: identifiers as found, the type flag only as a claim', () => {
    const uscc = generateUscc(mulberry32(3));
    const row: SqrRow = { sqrid: 7, qymc: ' 广州市海珠区某某餐饮有限公司 ', sqrlx: '1', tyshxydm: uscc.toLowerCase(), zjlx: null, zjhm: null, lxdh: '020-8888 0000', dz: '广州市海珠区某路1号' };
    expect(marketMapper.applicant(row)).toEqual({
      ok: true,
      value: {
        localId: '7',
        kind: 'ORGANIZATION',
        name: '广州市海珠区某某餐饮有限公司',
        identifiers: [{ value: uscc.toLowerCase(), claimedType: 'USCC' }],
        phone: '020-8888 0000',
        address: '广州市海珠区某路1号',
      },
    });
    expect(marketMapper.applicant({ ...row, sqrlx: 'x', tyshxydm: null, zjlx: '居民身份证', zjhm: '11010519491231002X' })).toMatchObject({
      ok: true,
      value: { kind: null, identifiers: [{ value: '11010519491231002X', claimedType: 'RESIDENT_ID' }] },
    });
  });
});
