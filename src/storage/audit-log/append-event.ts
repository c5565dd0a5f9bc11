import { sql, type Kysely } from 'kysely';
import type { AuditLogDatabase } from './audit-tables.js';
import { lockChain, readChainHead } from './chain-head.js';
import { checkpointAuditChain, signHead, type AuditCheckpoint } from './checkpoint.js';
import { buildEventDocument, canonicalEventText, linkHash, searchIndexOf, type AuditEventInput } from './event-document.js';
import { hashText, isAuditHashAlgorithm, type AuditHashAlgorithm } from './hash-algorithms.js';
import type { AuditKeyInput, AuditSigner } from './signing-keys.js';

export interface AppendOptions {
  /** The hash algorithm for this event (stored with it). Default sha256. */
  hash?: AuditHashAlgorithm;
  /** Run the append under this role (INSERT/SELECT only; see `ensureAuditWriterRole`). PostgreSQL only. */
  writerRole?: string;
  /**
   * Sign a periodic checkpoint in the same transaction when the new sequence number is a multiple of
   * `every`, so checkpoints land at exactly N, 2N, … however many processes append. A failed checkpoint
   * is rolled back to a savepoint and reported to `onError`: the event itself is still committed.
   */
  periodicCheckpoint?: { signer: AuditSigner; every: number; previousPublicKeys?: readonly AuditKeyInput[]; onError(error: unknown): void };
}

export interface AppendedAuditEvent {
  seq: number;
  hash: string;
  at: string;
}

/**
 * Appends one event to the chain and returns once it is committed. Throws if it could not be written:
 * the caller must then not release the data it describes.
 *
 * Appends are serialised by a transaction-scoped advisory lock, so concurrent appenders (pool
 * connections, hub processes) never fork the chain: each reads the head and links to it under the lock.
 *
 * @example
 * await appendAuditEvent(db, {
 *   consumer: 'c_tax_portal', consumerDepartment: 'tax', purpose: '纳税信用评价',
 *   operation: { name: 'ApplicantLicences', hash: 'sha256:…' },
 *   released: [{ department: 'market', clearFields: ['licence.status'], maskedFields: ['phone'], recordIds: ['m_1001'] }],
 *   applicantIds: ['ap_test1'], outcome: 'released',
 * }, { hash: 'sm3', writerRole: 'huitong_audit_writer' });
 */
export async function appendAuditEvent(db: Kysely<any>, event: AuditEventInput, options: AppendOptions = {}): Promise<AppendedAuditEvent> {
  const algorithm = options.hash ?? 'sha256';
  if (!isAuditHashAlgorithm(algorithm)) throw new TypeError(`unknown audit hash algorithm ${String(algorithm)}`);
  // Validate before taking the lock: a malformed event must not hold up everyone else's appends.
  buildEventDocument(event, 0, new Date(0));
  let checkpointError: unknown;
  const appended = await (db as Kysely<AuditLogDatabase>).transaction().execute(async (trx) => {
    await lockChain(trx, options.writerRole);
    const head = await readChainHead(trx);
    const seq = head.seq + 1;
    const document = buildEventDocument(event, seq, head.now);
    const canonical = canonicalEventText(document);
    const contentHash = hashText(algorithm, canonical);
    const hash = linkHash(algorithm, seq, head.hash, contentHash);
    const index = searchIndexOf(document);
    const row = { seq, occurred_at: head.now, ...index.columns, hash_alg: algorithm, prev_hash: head.hash, content_hash: contentHash, hash, canonical };
    const records = (i: number) => index.records.slice(i, i + 1000).map((r) => ({ ...r, event_seq: seq }));
    // The event and its first thousand records in one statement; any more records after it.
    if (index.records.length === 0) await trx.insertInto('audit_events').values(row).execute();
    else await trx.with('event', (db) => db.insertInto('audit_events').values(row).returning('seq')).insertInto('audit_event_records').values(records(0)).execute();
    for (let i = 1000; i < index.records.length; i += 1000) await trx.insertInto('audit_event_records').values(records(i)).execute();
    const periodic = options.periodicCheckpoint;
    if (periodic && periodic.every > 0 && seq % periodic.every === 0) {
      await sql`savepoint audit_checkpoint`.execute(trx);
      try {
        await signHead(trx, { seq, hash, alg: algorithm }, 'periodic', periodic.signer, periodic.previousPublicKeys ?? []);
        await sql`release savepoint audit_checkpoint`.execute(trx);
      } catch (error) {
        await sql`rollback to savepoint audit_checkpoint`.execute(trx);
        checkpointError = error;
      }
    }
    return { seq, hash, at: document.at };
  });
  if (checkpointError !== undefined) options.periodicCheckpoint!.onError(checkpointError);
  return appended;
}

export interface AuditLogOptions extends Omit<AppendOptions, 'periodicCheckpoint'> {
  /** Signs checkpoints; without it the log is chain-protected only. */
  signer?: AuditSigner;
  /**
   * Sign a periodic checkpoint at every N-th event (by sequence number), inside that event's append.
   * It re-verifies the N events since the last checkpoint, so that one append takes longer. Default 1000; 0 turns it off.
   */
  checkpointEvery?: number;
  /** Earlier public keys, to extend checkpoints made before a key rotation. */
  previousPublicKeys?: readonly AuditKeyInput[];
  /**
   * A periodic checkpoint that fails does not fail the append (the event is committed and chained);
   * it is reported here. Default: a process warning. A failure means the chain needs an operator.
   */
  onCheckpointError?: (error: unknown) => void;
}

export interface AuditLog {
  append(event: AuditEventInput): Promise<AppendedAuditEvent>;
  /** Signs the head now (at shutdown, on a timer). Null on an empty log. Throws without a signer. */
  checkpoint(): Promise<AuditCheckpoint | null>;
}

/**
 * The gateway's handle on the audit log: appends with the configured algorithm and role, and signs a
 * checkpoint every N events.
 *
 * @example
 * const audit = createAuditLog(db, { signer: createAuditSigner(pem), hash: 'sha256', checkpointEvery: 1000 });
 * await audit.append(event);         // before the response leaves; throws → do not release
 * await audit.checkpoint();          // on shutdown
 */
export function createAuditLog(db: Kysely<any>, options: AuditLogOptions = {}): AuditLog {
  const every = options.checkpointEvery ?? 1000;
  const report = options.onCheckpointError ?? ((error: unknown) => process.emitWarning(`audit checkpoint failed: ${(error as Error).message ?? error}`, 'AuditCheckpointWarning'));
  const checkpoint = async () => {
    if (!options.signer) throw new Error('audit log: no signing key configured, cannot checkpoint');
    return checkpointAuditChain(db, {
      signer: options.signer,
      ...(options.writerRole ? { writerRole: options.writerRole } : {}),
      ...(options.previousPublicKeys ? { previousPublicKeys: options.previousPublicKeys } : {}),
    });
  };
  const appendOptions: AppendOptions = {
    ...(options.hash ? { hash: options.hash } : {}),
    ...(options.writerRole ? { writerRole: options.writerRole } : {}),
    ...(options.signer && every > 0
      ? { periodicCheckpoint: { signer: options.signer, every, onError: report, ...(options.previousPublicKeys ? { previousPublicKeys: options.previousPublicKeys } : {}) } }
      : {}),
  };
  return {
    append: (event) => appendAuditEvent(db, event, appendOptions),
    checkpoint: () => checkpoint(),
  };
}
