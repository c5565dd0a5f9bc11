import { describe, expect, it } from 'vitest';
import { generateResidentId, generateUscc, mulberry32 } from '../../schema/identifiers/index.js';
import type { HealthApplicantRow, HealthPermitRow } from './legacy-types.js';
import { healthDate, healthMapper } from './mapper.js';

const rng = mulberry32(4);
const USCC = generateUscc(rng);
const RESIDENT_ID = generateResidentId(rng);

function row(overrides: Partial<HealthPermitRow> = {}): HealthPermitRow {
  return {
    kind: 'row',
    line: 2,
    permitNo: ' WS2023000001 ',
    applicantNo: 'WSR000001',
    itemCode: 'WS-001',
    itemTitle: '医疗机构执业许可',
    status: '准予许可',
    applyDate: '2023-04-02',
    decisionDate: '2023/4/12',
    expireDate: '2028-04-11',
    statutoryDays: '20',
    committedDays: ' 10 ',
    usedDays: '',
    ...overrides,
  };
}

function applicant(overrides: Partial<HealthApplicantRow> = {}): HealthApplicantRow {
  return { line: 2, applicantNo: 'WSR000001', name: '海珠𠀾诊所', applicantType: '单位', certType: '统一社会信用代码', certNo: USCC, tel: '', addr: '广州市海珠区', ...overrides };
}

describe('healthMapper.permit', () => {
  it('maps a complete row, trimming ids and numbers', () => {
    expect(healthMapper.permit(row())).toEqual({
      ok: true,
      value: {
        localId: 'WS2023000001',
        applicantLocalId: 'WSR000001',
        serviceItemCode: 'WS-001',
        title: '医疗机构执业许可',
        status: 'APPROVED',
        rawStatus: '准予许可',
        appliedAt: '2023-04-02T00:00:00+08:00',
        decidedAt: '2023-04-12T00:00:00+08:00',
        validUntil: '2028-04-11',
        statutoryDays: 20,
        committedDays: 10,
        actualDays: null,
      },
    });
  });

  it.each([
    ['已提交', 'SUBMITTED'],
    ['已受理', 'ACCEPTED'],
    ['审查中', 'UNDER_REVIEW'],
    ['准予许可', 'APPROVED'],
    ['不予许可', 'REJECTED'],
    ['已撤回', 'WITHDRAWN'],
    ['已撤销', 'REVOKED'],
    ['已过期', 'EXPIRED'],
    ['待补正', 'UNKNOWN'],
    [' 准予许可 ', 'APPROVED'],
  ])('maps 状态 %s to %s and keeps the text', (text, status) => {
    const mapped = healthMapper.permit(row({ status: text }));
    expect(mapped).toMatchObject({ ok: true, value: { status, rawStatus: text.trim() } });
  });

  it('maps a blank 状态 to UNKNOWN without a raw status', () => {
    expect(healthMapper.permit(row({ status: ' ' }))).toMatchObject({ ok: true, value: { status: 'UNKNOWN', rawStatus: null } });
  });

  it('reads blank dates and numbers as null', () => {
    expect(healthMapper.permit(row({ applyDate: '', decisionDate: ' ', expireDate: '', statutoryDays: '', committedDays: '' }))).toMatchObject({
      ok: true,
      value: { appliedAt: null, decidedAt: null, validUntil: null, statutoryDays: null, committedDays: null },
    });
  });

  it.each([
    ['申请日期', { applyDate: '2023-13-45' }],
    ['申请日期', { applyDate: '2023-02-30' }],
    ['决定日期', { decisionDate: '2023/2/29' }],
    ['有效期至', { expireDate: '明年' }],
    ['法定时限', { statutoryDays: '20.5' }],
    ['承诺时限', { committedDays: '十' }],
    ['实际用时', { usedDays: '3天' }],
  ])('rejects a row whose %s does not parse, naming the line', (column, overrides) => {
    const mapped = healthMapper.permit(row(overrides));
    expect(mapped).toMatchObject({ ok: false, localId: 'WS2023000001' });
    expect(!mapped.ok && mapped.reason).toBe(`line 2: ${column} ${column.endsWith('时限') || column === '实际用时' ? 'is not an integer' : 'is not a date'}`);
  });

  it('rejects a row the connector could not read, with its reason', () => {
    expect(healthMapper.permit({ kind: 'unreadable', line: 9, permitNo: 'WS9', reason: '18 columns, expected 17' })).toEqual({
      ok: false,
      localId: 'WS9',
      reason: 'line 9: 18 columns, expected 17',
    });
    expect(healthMapper.permit({ kind: 'unreadable', line: 9, permitNo: null, reason: 'x' })).toMatchObject({ ok: false, localId: 'line 9' });
  });
});

describe('healthDate', () => {
  it('reads both export forms and rejects impossible dates', () => {
    expect(healthDate('2024-02-29')).toEqual({ ok: true, value: '2024-02-29T00:00:00+08:00' });
    expect(healthDate('2024/2/9')).toEqual({ ok: true, value: '2024-02-09T00:00:00+08:00' });
    expect(healthDate('')).toEqual({ ok: true, value: null });
    expect(healthDate('2023-02-29')).toEqual({ ok: false });
    expect(healthDate('2023-4')).toEqual({ ok: false });
  });
});

describe('healthMapper.applicant', () => {
  it('maps an organisation, keeping a 4-byte name character', () => {
    expect(healthMapper.applicant(applicant())).toEqual({
      ok: true,
      value: {
        localId: 'WSR000001',
        kind: 'ORGANIZATION',
        name: '海珠𠀾诊所',
        identifiers: [{ value: USCC, claimedType: 'USCC' }],
        phone: null,
        address: '广州市海珠区',
      },
    });
  });

  it.each([
    ['个人', '居民身份证', 'PERSON', 'RESIDENT_ID'],
    ['', '身份证', null, 'RESIDENT_ID'],
    ['单位', '组织机构代码', 'ORGANIZATION', 'ORG_CODE'],
    ['constructor', '护照', null, null],
  ])('reads 申请人类型 %s / 证件类型 %s as claims', (type, certType, kind, claim) => {
    const mapped = healthMapper.applicant(applicant({ applicantType: type, certType, certNo: RESIDENT_ID }));
    expect(mapped).toMatchObject({ ok: true, value: { kind, identifiers: [{ value: RESIDENT_ID, claimedType: claim }] } });
  });

  it('keeps no identifier for a blank 证件号码 and rejects a blank name', () => {
    expect(healthMapper.applicant(applicant({ certNo: '  ' }))).toMatchObject({ ok: true, value: { identifiers: [] } });
    expect(healthMapper.applicant(applicant({ name: ' ' }))).toMatchObject({ ok: false, localId: 'WSR000001' });
  });
});
