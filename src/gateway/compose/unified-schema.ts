import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { lexicographicSortSchema } from 'graphql';
import { catalogueSdl } from '../../subgraphs/catalogue/catalogue-sdl.js';
import { departmentSdl } from '../../subgraphs/department/department-sdl.js';
import { identitySdl } from '../../subgraphs/identity/identity-sdl.js';
import { governanceSdl } from '../../subgraphs/governance/index.js';
import { composeGateway } from './compose.js';
import { registrySdl } from '../departments/registry-sdl.js';
import type { SubgraphEndpoint } from '../delegation/endpoints.js';

/**
 * The public schema for a set of department codes, with each field's sharing class, composed from the subgraphs' SDL alone (nothing is
 * executed), printed in a stable order: what `src/schema/unified.graphql` holds for the demo district.
 *
 * @example
 * await printUnifiedSchema(['health', 'housing', 'market']);
 */
export async function printUnifiedSchema(departmentCodes: readonly string[]): Promise<string> {
  const never: SubgraphEndpoint['executor'] = () => {
    throw new Error('printing only');
  };
  const endpoints: SubgraphEndpoint[] = [
    ...departmentCodes.map((name) => ({ name, role: 'department' as const, sdl: departmentSdl, executor: never })),
    { name: 'catalogue', role: 'catalogue', sdl: catalogueSdl, executor: never },
    { name: 'identity', role: 'identity', sdl: identitySdl, executor: never },
    { name: 'governance', role: 'service', sdl: governanceSdl, executor: never },
    { name: 'registry', role: 'service', sdl: registrySdl, executor: never },
  ];
  // With directives, so each field's @share class is part of the published contract.
  return `${printSchemaWithDirectives(lexicographicSortSchema((await composeGateway(endpoints)).schema))}\n`;
}
