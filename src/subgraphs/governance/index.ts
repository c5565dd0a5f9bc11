export { createGovernanceSubgraph, type FieldProviderInfo, type GovernanceSubgraphOptions } from './governance-subgraph.js';
export { governanceSdl } from './governance-sdl.js';
export { liveGrants, type LiveGrant } from './grants.js';
export {
  createPurposeCatalogue,
  DEMO_PURPOSES,
  isPurposeCode,
  listPurposes,
  PURPOSE_CODE,
  purposeExists,
  savePurpose,
  seedDemoPurposes,
  type Purpose,
  type PurposeCatalogue,
} from './purpose-catalogue.js';
export { RESPONSE_WORKING_DAYS, MAX_PERIOD_DAYS } from './access-requests.js';
export type { GovernanceConsumer, GovernanceContext } from './governance-context.js';
