import { readFileSync } from 'node:fs';
import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { describe, expect, it } from 'vitest';
import { printUnifiedSchema } from './unified-schema.js';

describe('the committed unified schema', () => {
  it('matches what the subgraphs compose to (run `npm run schema:print` and review the diff when this fails)', () => {
    const committed = readFileSync(new URL('../schema/unified.graphql', import.meta.url), 'utf8');
    expect(printUnifiedSchema(['health', 'housing', 'market'])).toBe(committed);
  });

  it('hides the gateway protocol and describes every type and field, in English with the Chinese term', () => {
    const sdl = printUnifiedSchema(['health', 'housing', 'market']);
    expect(sdl).not.toMatch(/\b_[a-zA-Z]/);
    const schema = buildSchema(sdl);
    const undescribed: string[] = [];
    const check = (path: string, description: string | null | undefined) => {
      if (!description || !/[A-Za-z]/.test(description) || !/[\u4e00-\u9fff]/.test(description)) undescribed.push(path);
    };
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
      check(type.name, type.description);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          check(`${type.name}.${field.name}`, field.description);
        }
      }
      if (isEnumType(type)) for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
    expect(undescribed).toEqual([]);
    expect(sdl).toContain('permits(after: String, filter: PermitFilter, first: Int = 20): PermitConnection');
  });
});
