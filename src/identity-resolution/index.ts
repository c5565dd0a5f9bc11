// Public API of the probabilistic identity resolver (a library: no database, no subgraph); see README.md.
// Everything outside src/identity-resolution/ imports from here (the architecture test checks it).
export type { Evidence, RecordRef, ResolutionOptions, ResolutionRecord, ResolutionStats, ResolvedCluster, ReviewCandidate, ReviewReason } from './types.js';
export { resolveIdentities, resolveIncremental, type ResolutionResult, type ResolutionState } from './resolver.js';
export { fromApplicantRecord } from './from-applicant-record.js';
export { foldText, toSimplified } from './text-fold.js';
export { nameShape, normalisePersonName, personPinyinKey } from './normalise-name.js';
export { parseCompanyName, type CompanyName, type OrganisationForm } from './company-name.js';
export { normalisePhone } from './normalise-phone.js';
export { normaliseAddress } from './normalise-address.js';
export { claimedIdentifierType, identifierCandidates, readIdentifier, typoNeighbours, type IdentifierEvidence } from './identifier-evidence.js';
export { generateEvaluationSet, type EvaluationOptions, type EvaluationSet, type NoiseLevel } from './evaluation-generator.js';
export { evaluateResolution, type EvaluationReport } from './evaluation.js';
