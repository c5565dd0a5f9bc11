export { openAuditAnchor, readAuditAnchor, type AnchoredCheckpoint, type AuditAnchor } from './anchor-file.js';
export {
  appendAuditEvent,
  appendAuditEvents,
  createAuditLog,
  MAX_EVENTS_PER_APPEND,
  type AppendOptions,
  type AppendedAuditEvent,
  type AuditLog,
  type AuditLogOptions,
} from './append-event.js';
export type { AuditCheckpointKind, AuditLogDatabase } from './audit-tables.js';
export { canonicalJson } from './canonical-json.js';
export { AuditChainError } from './chain-head.js';
export { checkpointAuditChain, type AuditCheckpoint, type CheckpointOptions } from './checkpoint.js';
export type { CheckpointStatement, SignedCheckpoint } from './checkpoint-statement.js';
export type { AuditEventDocument, AuditEventInput, AuditOutcome, AuditReleasedData } from './event-document.js';
export { exportAuditRange, verifyExport, type AuditExport, type ExportedAuditEvent, type ExportOptions, type ExportVerification } from './export-range.js';
export { AUDIT_HASH_ALGORITHMS, hashText, isAuditHashAlgorithm, type AuditHashAlgorithm } from './hash-algorithms.js';
export { MIN_AUDIT_RETENTION_DAYS, pruneAuditEvents, type PruneOptions } from './prune-events.js';
export { searchAuditEvents, type AuditSearchFilter, type FoundAuditEvent } from './search-events.js';
export { auditKeyId, createAuditSigner, ensureDemoAuditKeys, generateAuditKeyPair, toPublicKey, type AuditKeyInput, type AuditSigner } from './signing-keys.js';
export {
  verifyAuditChain,
  type AuditBrokenLink,
  type AuditChainProblem,
  type AuditChainSummary,
  type AuditVerification,
  type VerifyAuditChainOptions,
} from './verify-chain.js';
export { ensureAuditWriterRole } from './writer-role.js';
