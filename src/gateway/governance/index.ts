export { decideAccess, findGrant, type Access, type AccessDecision, type Caller, type Grant, type RowOwners } from './access-decision.js';
export { readFieldPolicies, type FieldPolicy, type PersonalData, type ShareLevel } from './field-policy.js';
export { governancePlugin, type GovernancePluginOptions } from './governance-plugin.js';
export { governApplicantFilter, guardApplicantLookups, type FilteredApplicant } from './governed-lookups.js';
export { governResolvers, type GovernedContext } from './governed-resolvers.js';
export { GOVERNED_TYPES } from './governed-types.js';
export { maskAddress, maskPhone, maskResidentId, maskValue } from './masking.js';
export { RequestGovernance, type RowFacts } from './request-governance.js';
