// Public API of the probabilistic identity resolver; see README.md.
export type { Evidence, RecordRef, ResolutionOptions, ResolutionRecord, ResolutionStats, ResolvedCluster, ReviewCandidate, ReviewReason } from './types.js';
export { resolveIdentities, resolveIncremental, type ResolutionResult, type ResolutionState } from './resolver.js';
export { fromApplicantRecord } from './from-applicant-record.js';
export { foldText, toSimplified } from './text-fold.js';
export { nameShape, normalisePersonName, personPinyinKey } from './normalise-name.js';
export { parseCompanyName, type CompanyName, type OrganisationForm } from './company-name.js';
export { normalisePhone } from './normalise-phone.js';
export { normaliseAddress } from './normalise-address.js';
export { claimedIdentifierType, identifierCandidates, readIdentifier, typoNeighbours, type IdentifierEvidence } from './identifier-evidence.js';
