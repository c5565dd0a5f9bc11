import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adapterKinds } from '../kinds.js';
import { departmentSpecJsonSchema } from './json-schema.js';

describe('the published JSON Schema of department specs', () => {
  it('matches what the kinds check specs with (run `npm run schema:spec` and review the diff when this fails)', () => {
    const committed = JSON.parse(readFileSync(new URL('../../../docs/department-spec.schema.json', import.meta.url), 'utf8'));
    expect(committed).toEqual(departmentSpecJsonSchema(adapterKinds));
  });

  it('has one branch per kind, each requiring its kind and the common keys', () => {
    const schema = departmentSpecJsonSchema(adapterKinds) as { oneOf: Array<{ properties: { kind: { const: string } }; required: string[] }> };
    expect(schema.oneOf.map((b) => b.properties.kind.const).sort()).toEqual(Object.keys(adapterKinds).sort());
    for (const branch of schema.oneOf)
      expect(branch.required).toEqual(expect.arrayContaining(['specVersion', 'code', 'name', 'kind', 'connection', 'statuses', 'permits', 'applicants']));
  });
});
