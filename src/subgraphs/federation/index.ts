import type { Subgraph } from '../subgraph.js';
import { federateCatalogue } from './catalogue-federation.js';
import { federateDepartment } from './department-federation.js';
import { federateIdentity } from './identity-federation.js';

export { departmentField, departmentFederationSdl, departmentTypePrefix, federateDepartment } from './department-federation.js';
export { catalogueFederationSdl, federateCatalogue } from './catalogue-federation.js';
export { identityFederationSdl, federateIdentity } from './identity-federation.js';

/**
 * A subgraph's Federation v2 view, or null for one that has none: governance (purposes, grants, the
 * audit search) is the hub gateway's own business and never joins a supergraph. The identity view has
 * a permit type for each of `departments` (none given: applicants only).
 *
 * @example
 * const federated = federate(createDepartmentSubgraph(adapter)); // serve federated.schema at /federation
 */
export function federate(subgraph: Subgraph, departments: readonly string[] = []): Subgraph | null {
  if (subgraph.name === 'catalogue') return federateCatalogue(subgraph);
  if (subgraph.name === 'identity') return federateIdentity(subgraph, departments);
  // A department subgraph is known by its protocol, whatever its code.
  if (subgraph.schema.getQueryType()?.getFields()._permitPage) return federateDepartment(subgraph);
  return null;
}
