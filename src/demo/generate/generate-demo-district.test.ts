import { describe, expect, it } from 'vitest';
import { orgCodeOfUscc, parseIdentifier, type CanonicalIdentifier } from '../../schema/identifiers/index.js';
import { generateDemoDistrict } from './generate-demo-district.js';
import type { DemoDepartmentCode, DemoDistrict, IdentifierCode, TruthEntry } from './types.js';

const district = generateDemoDistrict({ seed: 7 });
const entityById = new Map(district.entities.map((e) => [e.entityId, e]));

/** The raw identifier text a truth entry's legacy record holds ('' and null both mean none). */
function rawIdentifier(d: DemoDistrict, t: TruthEntry): string | null {
  const kind = entityById.get(t.entityId)!.kind;
  switch (t.department) {
    case 'market': {
      const row = d.market.applicants.find((a) => String(a.sqrid) === t.localApplicantId)!;
      return kind === 'ORGANISATION' ? row.tyshxydm : row.zjhm;
    }
    case 'housing':
      return d.housing.units.find((u) => u.unitId === t.localApplicantId)!.certNo || null;
    case 'health':
      return d.health.applicants.find((a) => a.applicantNo === t.localApplicantId)!.certNo || null;
  }
}

function expectedReading(t: TruthEntry): CanonicalIdentifier | null {
  const e = entityById.get(t.entityId)!;
  switch (t.identifier.code) {
    case 'USCC':
      return { type: 'USCC', value: e.uscc! };
    case 'ORG_CODE':
      return { type: 'ORG_CODE', value: orgCodeOfUscc(e.uscc!) };
    case 'RESIDENT_ID_18':
    case 'RESIDENT_ID_15':
      return { type: 'RESIDENT_ID', value: e.residentId! };
    default:
      return null;
  }
}

describe('generateDemoDistrict', () => {
  it('is deterministic in the seed', () => {
    const again = generateDemoDistrict({ seed: 7 });
    expect(JSON.stringify(again)).toBe(JSON.stringify(district));
    const other = generateDemoDistrict({ seed: 8 });
    expect(JSON.stringify(other.market.applicants)).not.toBe(JSON.stringify(district.market.applicants));
  });

  it('has the scale-1 sizes and ≈60 % organisations', () => {
    expect(district.entities).toHaveLength(1500);
    const permits = district.market.permits.length + district.housing.permits.length + district.health.permits.length;
    expect(permits).toBe(5000);
    const orgs = district.entities.filter((e) => e.kind === 'ORGANISATION').length;
    expect(orgs / district.entities.length).toBeCloseTo(0.6, 2);
    expect(district.catalogue.disclosureItems).toHaveLength(200);
  });

  it('scales counts linearly', () => {
    const small = generateDemoDistrict({ seed: 7, scale: 0.2 });
    expect(small.entities).toHaveLength(300);
    expect(small.market.permits.length + small.housing.permits.length + small.health.permits.length).toBe(1000);
    expect(() => generateDemoDistrict({ scale: 0 })).toThrow(RangeError);
  });

  it('maps every local applicant record to exactly one true applicant', () => {
    const keys = district.truth.map((t) => `${t.department}/${t.localApplicantId}`);
    expect(new Set(keys).size).toBe(keys.length);
    const locals = district.market.applicants.length + district.housing.units.length + district.health.applicants.length;
    expect(district.truth).toHaveLength(locals);
    for (const t of district.truth) expect(entityById.has(t.entityId)).toBe(true);
    // Permits only reference local applicants that exist.
    const sqrids = new Set(district.market.applicants.map((a) => a.sqrid));
    expect(district.market.permits.every((p) => sqrids.has(p.sqrid))).toBe(true);
    const units = new Set(district.housing.units.map((u) => u.unitId));
    expect(district.housing.permits.every((p) => units.has(p.unitId))).toBe(true);
    const healthApplicants = new Set(district.health.applicants.map((a) => a.applicantNo));
    expect(district.health.permits.every((p) => healthApplicants.has(p.applicantNo))).toBe(true);
  });

  it('puts ≥ 30 % of true applicants in two or more departments, under different identifier forms', () => {
    const departments = new Map<number, Map<DemoDepartmentCode, IdentifierCode>>();
    for (const t of district.truth) {
      const m = departments.get(t.entityId) ?? new Map<DemoDepartmentCode, IdentifierCode>();
      m.set(t.department, t.identifier.code);
      departments.set(t.entityId, m);
    }
    const multi = [...departments.values()].filter((m) => m.size >= 2);
    expect(multi.length / district.entities.length).toBeGreaterThanOrEqual(0.3);
    const usccHereOrgCodeThere = multi.filter((m) => {
      const codes = [...m.values()];
      return codes.includes('USCC') && codes.includes('ORG_CODE');
    });
    expect(usccHereOrgCodeThere.length).toBeGreaterThan(20);
    const id18Here15There = multi.filter((m) => {
      const codes = [...m.values()];
      return codes.includes('RESIDENT_ID_18') && codes.includes('RESIDENT_ID_15');
    });
    expect(id18Here15There.length).toBeGreaterThan(5);
  });

  it('writes every valid-form identifier so that it normalises back to the true code', () => {
    for (const t of district.truth) {
      const raw = rawIdentifier(district, t);
      const expected = expectedReading(t);
      const readings = raw === null ? [] : parseIdentifier(raw);
      if (expected !== null) {
        expect(readings, `${t.department}/${t.localApplicantId} ${JSON.stringify(raw)}`).toContainEqual(expected);
      } else if (t.identifier.code === 'NONE') {
        expect(raw).toBeNull();
      } else if (t.identifier.code === 'JUNK') {
        expect(readings).toEqual([]);
      } else {
        // BROKEN: no reading of the applicant's own kind. (A mistyped all-digit resident ID can still
        // pass the USCC check by chance, 1 in 31; that reading names no one in the district.)
        const own = entityById.get(t.entityId)!.kind === 'PERSON' ? ['RESIDENT_ID'] : ['USCC', 'ORG_CODE'];
        expect(
          readings.filter((r) => own.includes(r.type)),
          `${t.department}/${t.localApplicantId} ${JSON.stringify(raw)}`,
        ).toEqual([]);
      }
    }
  });

  it('uses all the spelling habits, with a few % missing and ≈1 % broken', () => {
    const count = (f: (t: TruthEntry) => boolean): number => district.truth.filter(f).length;
    const n = district.truth.length;
    for (const noise of ['lower', 'spaces', 'dashes', 'fullwidth', 'legacy-dash'] as const) {
      expect(
        count((t) => t.identifier.noise === noise),
        noise,
      ).toBeGreaterThan(5);
    }
    expect(count((t) => t.identifier.code === 'RESIDENT_ID_15')).toBeGreaterThan(20);
    const none = count((t) => t.identifier.code === 'NONE') / n;
    expect(none).toBeGreaterThan(0.01);
    expect(none).toBeLessThan(0.08);
    const broken = count((t) => t.identifier.code === 'BROKEN') / n;
    expect(broken).toBeGreaterThan(0.002);
    expect(broken).toBeLessThan(0.025);
    // Lower-case x in resident IDs specifically.
    expect(district.market.applicants.some((a) => a.zjhm !== null && /^\d{17}x$/.test(a.zjhm))).toBe(true);
    // Full-width digits and the dashed legacy org code.
    const allIds = [...district.housing.units.map((u) => u.certNo), ...district.health.applicants.map((a) => a.certNo)];
    expect(allIds.some((s) => /[０-９]/.test(s))).toBe(true);
    expect(allIds.some((s) => /^[0-9A-Z]{8}-[0-9X]$/.test(s))).toBe(true);
  });

  it('has shared common names, branch offices with their own USCC, and look-alike companies', () => {
    const persons = district.entities.filter((e) => e.kind === 'PERSON');
    for (const name of ['张伟', '王芳', '李娜']) {
      const same = persons.filter((p) => p.name === name);
      expect(same.length, name).toBeGreaterThanOrEqual(2);
      expect(new Set(same.map((p) => p.residentId)).size).toBe(same.length);
    }
    const branches = district.entities.filter((e) => e.parentEntityId !== null);
    expect(branches.length).toBeGreaterThan(10);
    for (const b of branches) {
      const head = entityById.get(b.parentEntityId!)!;
      expect(b.name.startsWith(head.name) && b.name.endsWith('分公司')).toBe(true);
      expect(b.uscc).not.toBe(head.uscc);
    }
    const usccs = district.entities.filter((e) => e.uscc !== null).map((e) => e.uscc);
    expect(new Set(usccs).size).toBe(usccs.length);
  });

  it('writes names and phones the way legacy systems do', () => {
    const names = [...district.housing.units.map((u) => u.unitName), ...district.health.applicants.map((a) => a.name)];
    expect(names.some((n) => n !== n.trim() || /\S\s\S/.test(n))).toBe(true);
    expect(names.some((n) => n.includes('有限责任公司'))).toBe(true);
    const tels = [...district.housing.units.map((u) => u.tel), ...district.health.applicants.map((a) => a.tel)];
    expect(tels.some((t) => t.startsWith('+86'))).toBe(true);
    expect(tels.some((t) => t.startsWith('020-'))).toBe(true);
    expect(tels.some((t) => t.startsWith('(020)'))).toBe(true);
  });

  it('gives persons with rare 4-byte-in-GB18030 characters records in the health export', () => {
    const rare = district.entities.filter((e) => /[\u{20000}-\u{3FFFF}\u3400-\u4DBF]/u.test(e.name));
    expect(rare.length).toBeGreaterThanOrEqual(3);
    const rareIds = new Set(rare.map((e) => e.entityId));
    const inHealth = district.truth.filter((t) => t.department === 'health' && rareIds.has(t.entityId));
    expect(inHealth.length).toBeGreaterThanOrEqual(rare.length);
  });

  it('has unique permit numbers in each department and valid codes and dates', () => {
    for (const nos of [
      district.market.permits.map((p) => p.sqbh),
      district.housing.permits.map((p) => p.permitNo),
      district.health.permits.map((p) => p.permitNo),
    ]) {
      expect(new Set(nos).size).toBe(nos.length);
    }
    const statusCodes = new Set(district.market.statusCodes.map((s) => s.dm));
    for (const p of district.market.permits) {
      expect(p.sqbh).toMatch(/^SJ\d{10}$/);
      expect(statusCodes.has(p.ztdm)).toBe(true);
      expect(p.slrq).toMatch(/^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/);
      if (p.jdrq !== null) expect(p.jdrq >= p.slrq).toBe(true);
      expect(p.slrq <= `${district.today} 23:59:59`).toBe(true);
    }
    for (const p of district.housing.permits) {
      expect(p.permitNo).toMatch(/^JZ\d{10}$/);
      expect(p.applyDate).toMatch(/^\d{8}$/);
      expect(p.approveDate).toMatch(/^(\d{8})?$/);
      expect(p.expireDate).toMatch(/^(\d{8})?$/);
    }
    const healthStatuses = new Set(['已提交', '已受理', '审查中', '准予许可', '不予许可', '已撤回', '已撤销', '已过期', '待补正']);
    for (const p of district.health.permits) expect(healthStatuses.has(p.status)).toBe(true);
    expect(district.health.permits.some((p) => /^\d{4}\/\d{1,2}\/\d{1,2}$/.test(p.applyDate))).toBe(true);
    expect(district.health.permits.filter((p) => p.defect !== null)).toHaveLength(3);
  });

  it('has a catalogue covering all categories and departments, and permits only of licensing items', () => {
    const { departments, serviceItems } = district.catalogue;
    expect(departments.map((d) => d.code)).toEqual(['market', 'housing', 'health', 'bureau']);
    expect(serviceItems.length).toBeGreaterThanOrEqual(60);
    expect(serviceItems.length).toBeLessThanOrEqual(80);
    expect(new Set(serviceItems.map((i) => i.code)).size).toBe(serviceItems.length);
    expect(new Set(serviceItems.map((i) => i.category)).size).toBe(10);
    expect(new Set(serviceItems.map((i) => i.departmentCode)).size).toBe(4);
    for (const i of serviceItems) {
      expect(i).not.toHaveProperty('licence');
      if (i.statutoryDays !== null && i.committedDays !== null) expect(i.committedDays).toBeLessThanOrEqual(i.statutoryDays);
      if (i.instant) expect([0, 1]).toContain(i.committedDays);
      expect(i.legalBasis).toMatch(/《.+》/);
    }
    const licensing = (dept: string): Set<string> =>
      new Set(serviceItems.filter((i) => i.departmentCode === dept && i.category === 'LICENSING').map((i) => i.code));
    const market = licensing('market');
    const housing = licensing('housing');
    const health = licensing('health');
    expect(district.market.permits.every((p) => market.has(p.sxbm))).toBe(true);
    expect(district.housing.permits.every((p) => housing.has(p.itemCode))).toBe(true);
    expect(district.health.permits.every((p) => health.has(p.itemCode))).toBe(true);
  });

  it('has disclosure items with +08:00 timestamps and both modes', () => {
    const items = district.catalogue.disclosureItems;
    expect(new Set(items.map((i) => i.id)).size).toBe(items.length);
    for (const i of items) {
      expect(i.publishedAt).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+08:00$/);
      expect(i.body.length).toBeGreaterThan(10);
    }
    expect(new Set(items.map((i) => i.mode))).toEqual(new Set(['PROACTIVE', 'ON_REQUEST']));
    expect(new Set(items.map((i) => i.category)).size).toBeGreaterThanOrEqual(5);
  });
});
