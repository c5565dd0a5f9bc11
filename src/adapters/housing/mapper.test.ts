import { describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc, mulberry32 } from '../../schema/identifiers/index.js';
import type { HPermit, Unit } from './legacy-types.js';
import { housingMapper } from './mapper.js';

const rng = mulberry32(20240628);
const USCC = generateUscc(rng);
const RESIDENT_ID = generateResidentId(rng);

function permit(overrides: Partial<HPermit> = {}): HPermit {
  return {
    permitNo: 'JZ2023000001',
    unitId: 'U1',
    itemCode: 'HS-001',
    projectName: ' 建筑工程施工许可 ',
    statusCode: 40,
    applyDate: '20230412',
    approveDate: '20230420',
    expireDate: '20260419',
    limitDays: 20,
    promiseDays: 5,
    usedDays: 3,
    ...overrides,
  };
}

function unit(overrides: Partial<Unit> = {}): Unit {
  return { unitId: 'U1', unitName: ' 海珠建设有限公司 ', unitType: 1, certType: 1, certNo: USCC, tel: '020-12345678', addr: ' 广州市海珠区 ', ...overrides };
}

describe('housingMapper.permit', () => {
  it('maps a complete record', () => {
    expect(housingMapper.permit(permit())).toEqual({
      ok: true,
      value: {
        localId: 'JZ2023000001',
        applicantLocalId: 'U1',
        serviceItemCode: 'HS-001',
        title: '建筑工程施工许可',
        status: 'APPROVED',
        rawStatus: '40',
        appliedAt: '2023-04-12T00:00:00+08:00',
        decidedAt: '2023-04-20T00:00:00+08:00',
        validUntil: '2026-04-19',
        statutoryDays: 20,
        committedDays: 5,
        actualDays: 3,
      },
    });
  });

  it.each([
    [10, 'SUBMITTED'],
    [20, 'ACCEPTED'],
    [30, 'UNDER_REVIEW'],
    [40, 'APPROVED'],
    [50, 'REJECTED'],
    [60, 'WITHDRAWN'],
    [70, 'REVOKED'],
    [80, 'EXPIRED'],
    [0, 'UNKNOWN'],
    [99, 'UNKNOWN'],
  ])('maps status code %i to %s and keeps the raw code', (code, status) => {
    const mapped = housingMapper.permit(permit({ statusCode: code }));
    expect(mapped.ok && mapped.value.status).toBe(status);
    expect(mapped.ok && mapped.value.rawStatus).toBe(String(code));
  });

  it('reads empty dates and missing day counts as null', () => {
    const mapped = housingMapper.permit(permit({ approveDate: '', expireDate: '', limitDays: null, promiseDays: null, usedDays: null }));
    expect(mapped).toMatchObject({ ok: true, value: { decidedAt: null, validUntil: null, statutoryDays: null, committedDays: null, actualDays: null } });
  });

  it('reads an empty applyDate as null and an empty unitId as no applicant', () => {
    expect(housingMapper.permit(permit({ applyDate: '', unitId: '' }))).toMatchObject({ ok: true, value: { appliedAt: null, applicantLocalId: null } });
  });

  it.each([
    ['applyDate', { applyDate: '20230230' }],
    ['applyDate', { applyDate: '2023-04-12' }],
    ['applyDate', { applyDate: '2023412' }],
    ['approveDate', { approveDate: '20231345' }],
    ['expireDate', { expireDate: 'abc' }],
  ])('rejects a record whose %s is not a real YYYYMMDD date', (field, overrides) => {
    const mapped = housingMapper.permit(permit(overrides as Partial<HPermit>));
    expect(mapped.ok).toBe(false);
    expect(!mapped.ok && mapped.localId).toBe('JZ2023000001');
    expect(!mapped.ok && mapped.reason).toContain(field);
  });

  it('rejects non-integer day counts and status codes', () => {
    expect(housingMapper.permit(permit({ usedDays: 2.5 })).ok).toBe(false);
    expect(housingMapper.permit(permit({ limitDays: '20' as unknown as number })).ok).toBe(false);
    expect(housingMapper.permit(permit({ statusCode: '40' as unknown as number })).ok).toBe(false);
  });

  it('rejects a record without permitNo', () => {
    expect(housingMapper.permit(permit({ permitNo: ' ' }))).toEqual({ ok: false, localId: 'unknown', reason: 'missing permitNo' });
  });
});

describe('housingMapper.applicant', () => {
  it('maps an organisation with its USCC claim', () => {
    expect(housingMapper.applicant(unit())).toEqual({
      ok: true,
      value: {
        localId: 'U1',
        kind: 'ORGANIZATION',
        name: '海珠建设有限公司',
        identifiers: [{ value: USCC, claimedType: 'USCC' }],
        phone: '020-12345678',
        address: '广州市海珠区',
      },
    });
  });

  it.each([
    [1, 'USCC'],
    [2, 'ORG_CODE'],
    [3, 'RESIDENT_ID'],
    [9, null],
    [0, null],
  ])('reads certType %i as claim %s', (certType, claim) => {
    const mapped = housingMapper.applicant(unit({ certType }));
    expect(mapped.ok && mapped.value.identifiers).toEqual([{ value: USCC, claimedType: claim }]);
  });

  it('reads unitType 2 as a person, anything else but 1 as unknown', () => {
    expect(housingMapper.applicant(unit({ unitType: 2, certType: 3, certNo: RESIDENT_ID }))).toMatchObject({
      ok: true,
      value: { kind: 'PERSON', identifiers: [{ value: RESIDENT_ID, claimedType: 'RESIDENT_ID' }] },
    });
    expect(housingMapper.applicant(unit({ unitType: 0 }))).toMatchObject({ ok: true, value: { kind: null } });
  });

  it('keeps no identifier for a blank certNo and null contact fields for blanks', () => {
    expect(housingMapper.applicant(unit({ certNo: ' ', tel: '', addr: '' }))).toMatchObject({
      ok: true,
      value: { identifiers: [], phone: null, address: null },
    });
  });

  it('rejects a unit without a name', () => {
    expect(housingMapper.applicant(unit({ unitName: '  ' }))).toEqual({ ok: false, localId: 'U1', reason: 'missing unitName' });
  });

  it('declares the raw codes of every known status', () => {
    expect(housingMapper.statusCodes.APPROVED).toEqual(['40']);
    expect(housingMapper.statusCodes.UNKNOWN).toBeUndefined();
  });
});
