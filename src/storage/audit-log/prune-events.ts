import type { Kysely } from 'kysely';
import type { AuditAnchor } from './anchor-file.js';
import type { AuditLogDatabase } from './audit-tables.js';
import { AuditChainError, chainClock, lockChain } from './chain-head.js';
import { toCheckpoint } from './checkpoint.js';
import { signCheckpoint } from './checkpoint-statement.js';
import { isAuditHashAlgorithm } from './hash-algorithms.js';
import type { AuditKeyInput, AuditSigner } from './signing-keys.js';
import { verifyAuditChain } from './verify-chain.js';

/** 网络安全法 Art. 21(3): network logs are kept for no less than six months. */
export const MIN_AUDIT_RETENTION_DAYS = 183;

export interface PruneOptions {
  /** Signs the anchor checkpoint left at the new start. */
  signer: AuditSigner;
  /** Delete events older than this. Default: now minus `retentionDays`. */
  olderThan?: Date;
  /** The configured retention, at least 183 days. */
  retentionDays?: number;
  previousPublicKeys?: readonly AuditKeyInput[];
  /** The current time (tests). */
  now?: Date;
  /** Record the pruning anchor here too (outside the database), so verification against it still passes. */
  anchor?: AuditAnchor;
}

/**
 * Deletes events older than the retention period, keeping the rest verifiable: the whole chain is
 * verified first (a broken chain is never pruned: that would destroy the evidence), then a signed
 * pruning anchor is written at the last deleted event, so the first remaining event links to a signed
 * hash. Refuses anything younger than six months. Runs as the table owner (the writer role cannot delete).
 *
 * @example
 * await pruneAuditEvents(db, { signer, retentionDays: Number(env.HUITONG_AUDIT_RETENTION_DAYS ?? 183) });
 */
export async function pruneAuditEvents(db: Kysely<any>, options: PruneOptions): Promise<{ pruned: number; anchorSeq: number | null }> {
  const retentionDays = options.retentionDays ?? MIN_AUDIT_RETENTION_DAYS;
  if (!(retentionDays >= MIN_AUDIT_RETENTION_DAYS))
    throw new RangeError(`audit retention must be at least ${MIN_AUDIT_RETENTION_DAYS} days (网络安全法 Art. 21), got ${retentionDays}`);
  const now = options.now ?? new Date();
  const limit = new Date(now.getTime() - retentionDays * 86_400_000);
  const olderThan = options.olderThan ?? limit;
  if (olderThan > limit)
    throw new RangeError(`refusing to prune events younger than ${retentionDays} days: olderThan ${olderThan.toISOString()} is after ${limit.toISOString()}`);

  const result = await (db as Kysely<AuditLogDatabase>).transaction().execute(async (trx) => {
    await lockChain(trx);
    const verification = await verifyAuditChain(trx, { publicKey: [options.signer.publicKey, ...(options.previousPublicKeys ?? [])] });
    if (!verification.ok)
      throw new AuditChainError(
        `refusing to prune a broken chain: seq ${verification.broken.seq} ${verification.broken.problem}: ${verification.broken.detail}`,
      );
    const last = await trx
      .selectFrom('audit_events')
      .select(['seq', 'hash', 'hash_alg'])
      .where('occurred_at', '<', olderThan)
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    if (!last) return { pruned: 0, anchorSeq: null, checkpoint: null };
    if (!isAuditHashAlgorithm(last.hash_alg)) throw new AuditChainError(`unknown hash algorithm ${last.hash_alg} at seq ${last.seq}`);
    const signedAt = await chainClock(trx);
    const signed = signCheckpoint(options.signer, { seq: last.seq, alg: last.hash_alg, head: last.hash, kind: 'anchor', signedAt: signedAt.toISOString() });
    // An anchor replaces any checkpoint at that seq: same head, now also saying "the log starts after me".
    await trx.deleteFrom('audit_checkpoints').where('seq', '<=', last.seq).execute();
    await trx
      .insertInto('audit_checkpoints')
      .values({
        seq: last.seq,
        kind: 'anchor',
        hash_alg: last.hash_alg,
        head_hash: last.hash,
        signed_at: signedAt,
        key_id: options.signer.keyId,
        statement: signed.statement,
        signature: signed.signature,
      })
      .execute();
    await trx.deleteFrom('audit_event_record_sets').where('event_seq', '<=', last.seq).execute();
    const deleted = await trx.deleteFrom('audit_events').where('seq', '<=', last.seq).executeTakeFirst();
    return { pruned: Number(deleted.numDeletedRows), anchorSeq: last.seq, checkpoint: toCheckpoint(signed.statement, signed.signature) };
  });
  if (result.checkpoint) options.anchor?.record(result.checkpoint);
  return { pruned: result.pruned, anchorSeq: result.anchorSeq };
}
