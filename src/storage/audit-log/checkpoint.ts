import type { Kysely } from 'kysely';
import type { AuditAnchor } from './anchor-file.js';
import type { AuditCheckpointKind, AuditLogDatabase } from './audit-tables.js';
import { AuditChainError, chainClock, lockChain, readChainHead } from './chain-head.js';
import { signCheckpoint, type CheckpointStatement } from './checkpoint-statement.js';
import { GENESIS_HASH, isAuditHashAlgorithm } from './hash-algorithms.js';
import { publicKeysById, type AuditKeyInput, type AuditSigner } from './signing-keys.js';
import { checkCheckpointRow, walkEvents, type CheckedCheckpoint } from './verify-chain.js';

export interface AuditCheckpoint {
  seq: number;
  head: string;
  kind: AuditCheckpointKind;
  signedAt: string;
  keyId: string;
  /** The exact signed text and its signature: ship them off the database host (log, archive) too. */
  statement: string;
  signature: string;
}

export interface CheckpointOptions {
  signer: AuditSigner;
  kind?: Exclude<AuditCheckpointKind, 'anchor'>;
  /** Run under this role (see `ensureAuditWriterRole`). */
  writerRole?: string;
  /** Public keys of earlier signing keys, to check the previous checkpoint after a key rotation. */
  previousPublicKeys?: readonly AuditKeyInput[];
  /** Also append the checkpoint to this anchor outside the database, once it is committed. */
  anchor?: AuditAnchor;
}

/**
 * Signs the current head of the chain. Before signing it re-verifies the events since the previous
 * checkpoint (and that checkpoint's signature), so a signature never launders an edit. Returns the
 * existing checkpoint when the head is already signed, null on an empty log. Call it at shutdown and
 * on a timer; events after the last checkpoint are protected by the hash chain only.
 *
 * @example
 * const checkpoint = await checkpointAuditChain(db, { signer: createAuditSigner(privatePem) });
 */
export async function checkpointAuditChain(db: Kysely<any>, options: CheckpointOptions): Promise<AuditCheckpoint | null> {
  const checkpoint = await (db as Kysely<AuditLogDatabase>).transaction().execute(async (trx) => {
    await lockChain(trx, options.writerRole);
    const head = await readChainHead(trx);
    if (head.seq === 0) return null;
    return signHead(trx, head, options.kind ?? 'on-demand', options.signer, options.previousPublicKeys ?? []);
  });
  // After the commit: an anchored checkpoint that was rolled back would read as a deleted one.
  if (checkpoint) options.anchor?.record(checkpoint);
  return checkpoint;
}

/** Inside the chain lock: verify the unsigned segment, then sign (seq, head) and store the checkpoint. */
export async function signHead(
  trx: Kysely<AuditLogDatabase>,
  head: { seq: number; hash: string; alg: string },
  kind: AuditCheckpointKind,
  signer: AuditSigner,
  previousPublicKeys: readonly AuditKeyInput[],
): Promise<AuditCheckpoint> {
  const previous = await trx.selectFrom('audit_checkpoints').selectAll().where('seq', '<=', head.seq).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (previous && previous.seq === head.seq) return toCheckpoint(previous.statement, previous.signature);

  const keys = publicKeysById([signer.publicKey, ...previousPublicKeys]);
  let fromSeq = 1;
  let expectedPrev: string | null = GENESIS_HASH;
  const checkpoints = new Map<number, CheckedCheckpoint>();
  if (previous) {
    const checked = checkCheckpointRow(previous, keys);
    if (checked.error) throw new AuditChainError(`refusing to sign: the previous checkpoint (seq ${previous.seq}) ${checked.error}`);
    const eventThere = await trx.selectFrom('audit_events').select('seq').where('seq', '=', previous.seq).executeTakeFirst();
    if (eventThere) {
      fromSeq = previous.seq;
      expectedPrev = null;
      checkpoints.set(previous.seq, checked);
    } else if (previous.kind === 'anchor') {
      fromSeq = previous.seq + 1;
      expectedPrev = checked.statement!.head;
    } else {
      throw new AuditChainError(`refusing to sign: event ${previous.seq} under the previous checkpoint is missing`);
    }
  }
  const broken = await walkEvents(trx, { fromSeq, expectedPrev, checkpoints, batchSize: 1000, toSeq: head.seq });
  if (broken) throw new AuditChainError(`refusing to sign: seq ${broken.seq} ${broken.problem}: ${broken.detail}`);
  if (!isAuditHashAlgorithm(head.alg)) throw new AuditChainError(`refusing to sign: unknown hash algorithm ${head.alg}`);

  const signedAt = await chainClock(trx);
  const signed = signCheckpoint(signer, { seq: head.seq, alg: head.alg, head: head.hash, kind, signedAt: signedAt.toISOString() });
  await trx
    .insertInto('audit_checkpoints')
    .values({
      seq: head.seq,
      kind,
      hash_alg: head.alg,
      head_hash: head.hash,
      signed_at: signedAt,
      key_id: signer.keyId,
      statement: signed.statement,
      signature: signed.signature,
    })
    .execute();
  return toCheckpoint(signed.statement, signed.signature);
}

export function toCheckpoint(statement: string, signature: string): AuditCheckpoint {
  const s = JSON.parse(statement) as CheckpointStatement;
  return { seq: s.seq, head: s.head, kind: s.kind, signedAt: s.signedAt, keyId: s.keyId, statement, signature };
}
