import { setTimeout as sleep } from 'node:timers/promises';
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
 * Events per statement while a checkpoint verifies, and a pause after each batch as long as the batch
 * took: the walk runs beside requests and takes at most half of the database's time while it lasts (on
 * the embedded database, a request's statements queue behind each of the walk's).
 */
const VERIFY_BATCH = 25;

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
  const head = await (db as Kysely<AuditLogDatabase>).transaction().execute(async (trx) => {
    await lockChain(trx, options.writerRole);
    return readChainHead(trx);
  });
  if (head.seq === 0) return null;
  return signCheckpointAt(db, head, { ...options, kind: options.kind ?? 'on-demand' });
}

/**
 * Signs a checkpoint at one committed event. The events since the previous checkpoint are verified
 * first (their text, content hashes and links; the record index is `verifyAuditChain`'s), *outside* the
 * chain lock, twenty-five per statement, pausing as long as each batch took: under the lock every append
 * would wait for the whole walk (and an embedded database has one connection, so every request would).
 * Then, under the lock, the event must still carry the hash the walk ended in — that hash commits to
 * every event before it, so nothing edited during the walk can be signed. Returns the existing checkpoint when
 * that event is already signed; appends the new one to `options.anchor` once committed.
 *
 * @example
 * await signCheckpointAt(db, { seq: 2000, hash, alg: 'sha256' }, { signer, kind: 'periodic' });
 */
export async function signCheckpointAt(
  db: Kysely<any>,
  target: { seq: number; hash: string; alg: string },
  options: CheckpointOptions & { kind: AuditCheckpointKind },
): Promise<AuditCheckpoint> {
  const adb = db as Kysely<AuditLogDatabase>;
  const signedAlready = () => adb.selectFrom('audit_checkpoints').selectAll().where('seq', '=', target.seq).executeTakeFirst();
  const existing = await signedAlready();
  if (existing) return toCheckpoint(existing.statement, existing.signature);
  const alg = target.alg;
  if (!isAuditHashAlgorithm(alg)) throw new AuditChainError(`refusing to sign: unknown hash algorithm ${alg}`);

  const keys = publicKeysById([options.signer.publicKey, ...(options.previousPublicKeys ?? [])]);
  const previous = await adb.selectFrom('audit_checkpoints').selectAll().where('seq', '<', target.seq).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  let fromSeq = 1;
  let expectedPrev: string | null = GENESIS_HASH;
  const checkpoints = new Map<number, CheckedCheckpoint>();
  if (previous) {
    const checked = checkCheckpointRow(previous, keys);
    if (checked.error) throw new AuditChainError(`refusing to sign: the previous checkpoint (seq ${previous.seq}) ${checked.error}`);
    const eventThere = await adb.selectFrom('audit_events').select('seq').where('seq', '=', previous.seq).executeTakeFirst();
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
  let batchStarted = performance.now();
  const between = async () => {
    await sleep(performance.now() - batchStarted);
    batchStarted = performance.now();
  };
  const broken = await walkEvents(adb, {
    fromSeq,
    expectedPrev,
    checkpoints,
    batchSize: VERIFY_BATCH,
    toSeq: target.seq,
    expectEnd: target,
    between,
    checkIndex: false,
  });
  if (broken) throw new AuditChainError(`refusing to sign: seq ${broken.seq} ${broken.problem}: ${broken.detail}`);

  const checkpoint = await adb.transaction().execute(async (trx) => {
    await lockChain(trx, options.writerRole);
    const signed = await trx.selectFrom('audit_checkpoints').selectAll().where('seq', '=', target.seq).executeTakeFirst();
    if (signed) return { checkpoint: toCheckpoint(signed.statement, signed.signature), fresh: false };
    const event = await trx.selectFrom('audit_events').select(['hash', 'hash_alg']).where('seq', '=', target.seq).executeTakeFirst();
    if (event?.hash !== target.hash || event.hash_alg !== target.alg)
      throw new AuditChainError(`refusing to sign: event ${target.seq} changed or went while it was verified`);
    const signedAt = await chainClock(trx);
    const statement = signCheckpoint(options.signer, { seq: target.seq, alg, head: target.hash, kind: options.kind, signedAt: signedAt.toISOString() });
    await trx
      .insertInto('audit_checkpoints')
      .values({
        seq: target.seq,
        kind: options.kind,
        hash_alg: alg,
        head_hash: target.hash,
        signed_at: signedAt,
        key_id: options.signer.keyId,
        statement: statement.statement,
        signature: statement.signature,
      })
      .execute();
    return { checkpoint: toCheckpoint(statement.statement, statement.signature), fresh: true };
  });
  // After the commit: an anchored checkpoint that was rolled back would read as a deleted one.
  if (checkpoint.fresh) options.anchor?.record(checkpoint.checkpoint);
  return checkpoint.checkpoint;
}

export function toCheckpoint(statement: string, signature: string): AuditCheckpoint {
  const s = JSON.parse(statement) as CheckpointStatement;
  return { seq: s.seq, head: s.head, kind: s.kind, signedAt: s.signedAt, keyId: s.keyId, statement, signature };
}
