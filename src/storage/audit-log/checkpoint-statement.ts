import type { KeyObject } from 'node:crypto';
import type { AuditCheckpointKind } from './audit-tables.js';
import { canonicalJson } from './canonical-json.js';
import { isAuditHashAlgorithm, type AuditHashAlgorithm } from './hash-algorithms.js';
import { verifyAuditSignature, type AuditSigner } from './signing-keys.js';

/** What a checkpoint signs: "the event at `seq` hashes to `head`", at a time, under a key. */
export interface CheckpointStatement {
  type: 'huitong-audit-checkpoint';
  v: 1;
  seq: number;
  alg: AuditHashAlgorithm;
  head: string;
  kind: AuditCheckpointKind;
  signedAt: string;
  keyId: string;
}

/** A signed checkpoint as stored and exported: the exact signed text and its signature. */
export interface SignedCheckpoint {
  statement: string;
  signature: string;
}

/** Builds and signs a statement; returns the parsed form too. */
export function signCheckpoint(
  signer: AuditSigner,
  fields: Omit<CheckpointStatement, 'type' | 'v' | 'keyId'>,
): SignedCheckpoint & { parsed: CheckpointStatement } {
  const parsed: CheckpointStatement = { type: 'huitong-audit-checkpoint', v: 1, ...fields, keyId: signer.keyId };
  const statement = canonicalJson(parsed);
  return { statement, signature: signer.sign(statement), parsed };
}

/**
 * Checks a signed checkpoint against the verifier's public keys (by key id). Returns the statement,
 * or why it cannot be trusted. Only the signed text is believed, never the table's copy of it.
 */
export function openCheckpoint(checkpoint: SignedCheckpoint, keys: ReadonlyMap<string, KeyObject>): { statement: CheckpointStatement } | { error: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(checkpoint.statement);
  } catch {
    return { error: 'statement is not JSON' };
  }
  const s = parsed as Partial<CheckpointStatement>;
  if (
    s?.type !== 'huitong-audit-checkpoint' ||
    s.v !== 1 ||
    !Number.isSafeInteger(s.seq) ||
    !isAuditHashAlgorithm(s.alg) ||
    typeof s.head !== 'string' ||
    typeof s.keyId !== 'string' ||
    typeof s.signedAt !== 'string' ||
    !['periodic', 'on-demand', 'anchor'].includes(s.kind as string)
  ) {
    return { error: 'statement is not a checkpoint statement' };
  }
  const key = keys.get(s.keyId);
  if (!key) return { error: `signed by unknown key ${s.keyId}` };
  if (!verifyAuditSignature(key, checkpoint.statement, checkpoint.signature)) return { error: `signature does not verify under key ${s.keyId}` };
  return { statement: s as CheckpointStatement };
}
