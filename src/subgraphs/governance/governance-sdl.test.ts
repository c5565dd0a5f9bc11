import { buildSchema, isEnumType, isInputObjectType, isInterfaceType, isObjectType, lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { composeGateway } from '../../gateway/compose/compose.js';
import type { SubgraphEndpoint } from '../../gateway/delegation/endpoints.js';
import { catalogueSdl } from '../catalogue/catalogue-sdl.js';
import { departmentSdl } from '../department/department-sdl.js';
import { identitySdl } from '../identity/identity-sdl.js';
import { governanceSdl } from './governance-sdl.js';

/** Every type, field and enum value without an English and a Chinese description. */
function undescribed(schema: GraphQLSchema, only?: (typeName: string) => boolean): string[] {
  const missing: string[] = [];
  const check = (path: string, description: string | null | undefined) => {
    if (!description || !/[A-Za-z]/.test(description) || !/[\u4e00-\u9fff]/.test(description)) missing.push(path);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__') || ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)) continue;
    if (only && !only(type.name)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
      }
    }
    if (isEnumType(type)) for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
  }
  return missing;
}

describe('the governance SDL', () => {
  it('describes every type, field and enum value in English with the Chinese term, and hides no protocol field', () => {
    expect(governanceSdl).not.toMatch(/\b_[a-zA-Z]/);
    const own = buildSchema(governanceSdl);
    expect(undescribed(own)).toEqual([]);
  });

  it('stitches with the department, catalogue and identity subgraphs as a service without changing their types', async () => {
    const never: SubgraphEndpoint['executor'] = () => {
      throw new Error('composing only');
    };
    const base: SubgraphEndpoint[] = [
      ...['health', 'market'].map((name) => ({ name, role: 'department' as const, sdl: departmentSdl, executor: never })),
      { name: 'catalogue', role: 'catalogue', sdl: catalogueSdl, executor: never },
      { name: 'identity', role: 'identity', sdl: identitySdl, executor: never },
    ];
    const withGovernance = (await composeGateway([...base, { name: 'governance', role: 'service', sdl: governanceSdl, executor: never }])).schema;
    const without = (await composeGateway(base)).schema;
    const ours = new Set(Object.keys(buildSchema(governanceSdl).getTypeMap()));
    const shared = ['Date', 'DateTime', 'Department', 'PageInfo', 'Query', 'Mutation'];
    // The types governance adds are fully described in the composed schema too.
    expect(undescribed(withGovernance, (name) => ours.has(name) && !shared.includes(name))).toEqual([]);
    for (const field of ['purposes', 'accessRequests', 'grants', 'auditEvents']) expect(withGovernance.getQueryType()?.getFields()[field]).toBeDefined();
    for (const field of ['savePurpose', 'requestAccess', 'approveAccessRequest', 'rejectAccessRequest', 'revokeGrant'])
      expect(withGovernance.getMutationType()?.getFields()[field]).toBeDefined();
    // Department and PageInfo keep the other subgraphs' definitions.
    const print = (schema: GraphQLSchema, name: string) =>
      printSchema(lexicographicSortSchema(schema))
        .split('\n\n')
        .find((block) => new RegExp(`^(""".*"""\\n)?type ${name} \\{`, 's').test(block));
    for (const name of ['Department', 'PageInfo']) {
      expect(print(without, name)).toContain(`type ${name} {`);
      expect(print(withGovernance, name)).toBe(print(without, name));
    }
  });
});
