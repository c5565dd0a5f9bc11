import type { Subgraph } from '../department/department-subgraph.js';
import { federateCatalogue } from './catalogue-federation.js';
import { federateDepartment } from './department-federation.js';
import { federateIdentity } from './identity-federation.js';

export { departmentField, departmentFederationSdl, federateDepartment } from './department-federation.js';
export { catalogueFederationSdl, federateCatalogue } from './catalogue-federation.js';
export { identityFederationSdl, federateIdentity } from './identity-federation.js';

/**
 * A subgraph's Federation v2 view, or null for one that has none: governance (purposes, grants, the
 * audit search) is the hub gateway's own business and never joins a supergraph.
 *
 * @example
 * const federated = federate(createDepartmentSubgraph(adapter)); // serve federated.schema at /federation
 */
export function federate(subgraph: Subgraph): Subgraph | null {
  if (subgraph.name === 'catalogue') return federateCatalogue(subgraph);
  if (subgraph.name === 'identity') return federateIdentity(subgraph);
  // A department subgraph is known by its protocol, whatever its code.
  if (subgraph.schema.getQueryType()?.getFields()._permitPage) return federateDepartment(subgraph);
  return null;
}
