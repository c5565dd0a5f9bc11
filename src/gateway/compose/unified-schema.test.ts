import { readFileSync } from 'node:fs';
import { getDirective } from '@graphql-tools/utils';
import {
  buildSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLInputField,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { printUnifiedSchema } from './unified-schema.js';

describe('the committed unified schema', () => {
  it('matches what the subgraphs compose to (run `npm run schema:print` and review the diff when this fails)', async () => {
    const committed = readFileSync(new URL('../../schema/unified.graphql', import.meta.url), 'utf8');
    expect(await printUnifiedSchema(['health', 'housing', 'market'])).toBe(committed);
  });

  it('hides the gateway protocol and describes every type and field, in English with the Chinese term', async () => {
    const sdl = await printUnifiedSchema(['health', 'housing', 'market']);
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
    const permits = schema.getQueryType()!.getFields().permits!;
    expect(permits.args.map((a) => `${a.name}: ${a.type}${a.defaultValue === undefined ? '' : ` = ${a.defaultValue}`}`)).toEqual([
      'after: String',
      'filter: PermitFilter',
      'first: Int = 20',
    ]);
    expect(String(permits.type)).toBe('PermitConnection');
  });

  it('bounds every string a caller can send, and says so in its description', async () => {
    const schema = buildSchema(await printUnifiedSchema(['health', 'housing', 'market']));
    const unbounded: string[] = [];
    const check = (path: string, input: GraphQLArgument | GraphQLInputField) => {
      if (!['String', 'ID'].includes(getNamedType(input.type).name)) return;
      const bound = getDirective(schema, input, 'constraint')?.[0] as { maxLength?: number; maxItems?: number } | undefined;
      if (!bound?.maxLength || !input.description?.includes(`at most ${bound.maxLength} characters`)) unbounded.push(`${path}: maxLength`);
      if (isListType(getNullableType(input.type)) && (!bound?.maxItems || !input.description?.includes(`at most ${bound.maxItems} `)))
        unbounded.push(`${path}: maxItems`);
    };
    let checked = 0;
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const inputs: Array<[string, GraphQLArgument | GraphQLInputField]> = [];
      if (isObjectType(type))
        for (const field of Object.values(type.getFields())) for (const arg of field.args) inputs.push([`${type.name}.${field.name}(${arg.name})`, arg]);
      if (isInputObjectType(type)) for (const field of Object.values(type.getFields())) inputs.push([`${type.name}.${field.name}`, field]);
      for (const [path, input] of inputs) {
        check(path, input);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(40);
    expect(unbounded).toEqual([]);
  });
});
