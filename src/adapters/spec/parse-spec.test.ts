import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { AdapterKind } from '../core/adapter-kind.js';
import { departmentSpecSchema, valueOrRef } from './department-spec.js';
import { parseSpecText } from './parse-spec.js';
import { SpecError } from './spec-issue.js';

const tableKind: AdapterKind = {
  name: 'table',
  schema: departmentSpecSchema('table', {
    connection: z.object({ url: valueOrRef }).strict(),
    permits: { table: z.string() },
    applicants: { table: z.string() },
  }),
  open: async () => {
    throw new Error('not opened in these tests');
  },
};
const kinds = { table: tableKind };

const good = `
specVersion: 1
code: urban
name: 区城市管理局
kind: table
connection: { url: { env: URBAN_DB_URL } }
statuses: { "1": APPROVED, "2": REJECTED }
permits:
  table: xkz
  fields:
    key: bh
    title: mc
    status: zt_dm
    appliedAt: { from: slrq, format: YYYYMMDD }
applicants:
  table: sqr
  fields:
    key: id
    name: mc
    kind: { from: lx, map: { "1": ORGANIZATION, "2": PERSON } }
    identifiers: [{ value: zjhm, typeFrom: zjlx }]
`;

function issuesOf(text: string): string[] {
  try {
    parseSpecText(text, kinds);
  } catch (error) {
    expect(error).toBeInstanceOf(SpecError);
    return (error as Error).message.split('\n');
  }
  throw new Error('the spec was accepted');
}

describe('parseSpecText', () => {
  it('reads a valid spec with its defaults', () => {
    const spec = parseSpecText(good, kinds);
    expect(spec).toMatchObject({ code: 'urban', kind: 'table', timeZone: 'Asia/Shanghai', permits: { table: 'xkz' } });
  });

  it('names the exact path of an unknown key, with the near key it probably meant', () => {
    expect(issuesOf(good.replace('status: zt_dm', 'stauts: zt_dm'))).toEqual(
      expect.arrayContaining(['urban.permits.fields.stauts: unknown key (did you mean "status"?)', 'urban.permits.fields.status: is required']),
    );
    expect(issuesOf(good.replace('  table: sqr', '  tabel: sqr'))).toContain('urban.applicants.tabel: unknown key (did you mean "table"?)');
  });

  it('refuses an unknown kind, a bad status, a bad code map and a bad date format, each at its path', () => {
    expect(issuesOf(good.replace('kind: table', 'kind: tabel'))).toEqual(['urban.kind: unknown kind "tabel": one of table (did you mean "table"?)']);
    expect(issuesOf(good.replace('"2": REJECTED', '"2": DENIED'))[0]).toMatch(/^urban\.statuses\.2: /);
    expect(issuesOf(good.replace('"2": PERSON', '"2": PERSN'))).toEqual([
      'urban.applicants.fields.kind.map.2: "PERSN" is not one of ORGANIZATION, PERSON (did you mean "PERSON"?)',
    ]);
    expect(issuesOf(good.replace('format: YYYYMMDD', 'format: MMDD'))).toEqual([
      'urban.permits.fields.appliedAt.format: date format "MMDD" has no year (use YYYY, MM or M, DD or D)',
    ]);
  });

  it('refuses a code that cannot be a department code, a missing field and broken YAML', () => {
    expect(issuesOf(good.replace('code: urban', 'code: Urban!'))[0]).toMatch(/^spec\.code: lower-case letters/);
    expect(issuesOf(good.replace('    title: mc\n', ''))).toEqual(['urban.permits.fields.title: is required']);
    expect(issuesOf('code: [unclosed')[0]).toMatch(/^spec: not valid YAML or JSON/);
    expect(issuesOf(`${good}\ncode: twice\n`)[0]).toMatch(/not valid YAML or JSON/);
  });
});
