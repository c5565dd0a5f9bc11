import { sql, type Insertable, type Kysely } from 'kysely';
import type { AuditAnchor } from './anchor-file.js';
import type { AuditLogDatabase } from './audit-tables.js';
import { lockChain, readChainHead } from './chain-head.js';
import { checkpointAuditChain, signCheckpointAt, type AuditCheckpoint } from './checkpoint.js';
import {
  canonicalEventText,
  checkAuditEvent,
  linkHash,
  placeAuditEvent,
  searchColumnsOf,
  type AuditEventInput,
  type CheckedAuditEvent,
} from './event-document.js';
import { hashText, isAuditHashAlgorithm, type AuditHashAlgorithm } from './hash-algorithms.js';
import type { AuditKeyInput, AuditSigner } from './signing-keys.js';

export interface AppendOptions {
  /** The hash algorithm for this event (stored with it). Default sha256. */
  hash?: AuditHashAlgorithm;
  /** Run the append under this role (INSERT/SELECT only; see `ensureAuditWriterRole`). PostgreSQL only. */
  writerRole?: string;
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
 * Concurrent appenders (pool connections, hub processes) never fork the chain: each links to the head
 * it read, and the primary key on `seq` refuses a second event at the same place (the loser reads the
 * new head and tries again; after a few tries, or as a writer role, it appends under the chain lock).
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
  return (await appendAuditEvents(db, [event], options))[0]!;
}

/** Most events one append writes: the statement's parameters stay in the thousands. */
export const MAX_EVENTS_PER_APPEND = 100;

/**
 * Appends several events, in order: one read of the head and one statement for the events and their
 * records (under the chain lock, in a transaction, as a writer role or after losing the race to the
 * head too often). All are committed or none is. Any malformed event fails the whole call before
 * anything is read.
 *
 * @example
 * const [first, second] = await appendAuditEvents(db, [eventA, eventB]);
 */
export async function appendAuditEvents(db: Kysely<any>, events: readonly AuditEventInput[], options: AppendOptions = {}): Promise<AppendedAuditEvent[]> {
  const algorithm = hashAlgorithmOf(options);
  if (events.length === 0) return [];
  if (events.length > MAX_EVENTS_PER_APPEND) throw new RangeError(`at most ${MAX_EVENTS_PER_APPEND} events per append`);
  // Validate before taking the lock: a malformed event must not hold up everyone else's appends.
  const checked = events.map(checkAuditEvent);
  return appendChecked(db, () => checked, algorithm, options);
}

/** Tries at a lock-free append before taking the chain lock, which always makes progress. */
const UNLOCKED_ATTEMPTS = 5;

/**
 * `appendAuditEvents` for events already checked; `take` hands over the events once the head is known,
 * so a group commit gathers whatever arrived while the head was being read.
 *
 * Without a writer role the append takes no lock and opens no transaction: it reads the head, then
 * inserts the events and their records in one statement. The
 * primary key on `seq` is the arbiter: an appender that lost the race to the same `seq` fails with a
 * unique violation and starts again from the new head, so the chain cannot fork. On the embedded
 * database this matters most: its one connection is held for a whole transaction, so every other
 * request's statements would wait through the append's five round trips between the threads.
 */
async function appendChecked(
  db: Kysely<any>,
  take: () => readonly CheckedAuditEvent[],
  algorithm: AuditHashAlgorithm,
  options: AppendOptions,
): Promise<AppendedAuditEvent[]> {
  if (options.writerRole) return appendLocked(db, take, algorithm, options);
  let events: readonly CheckedAuditEvent[] | undefined;
  for (let attempt = 0; attempt < UNLOCKED_ATTEMPTS; attempt++) {
    const head = await readChainHead(db as Kysely<AuditLogDatabase>);
    events ??= take();
    const chained = chainEvents(events, head, algorithm);
    try {
      await insertChained(db as Kysely<AuditLogDatabase>, chained);
      return chained.out;
    } catch (error) {
      // Another appender took this seq first: read the new head and link to it.
      if ((error as { code?: unknown }).code !== UNIQUE_VIOLATION) throw error;
    }
  }
  const taken = events;
  return appendLocked(db, taken ? () => taken : take, algorithm, options);
}

const UNIQUE_VIOLATION = '23505';

/** The append under the chain lock, in one transaction (a writer role, or after losing the race too often). */
function appendLocked(
  db: Kysely<any>,
  take: () => readonly CheckedAuditEvent[],
  algorithm: AuditHashAlgorithm,
  options: AppendOptions,
): Promise<AppendedAuditEvent[]> {
  return (db as Kysely<AuditLogDatabase>).transaction().execute(async (trx) => {
    await lockChain(trx, options.writerRole);
    const chained = chainEvents(take(), await readChainHead(trx), algorithm);
    await insertChained(trx, chained);
    return chained.out;
  });
}

interface ChainedEvents {
  rows: Array<Insertable<AuditLogDatabase['audit_events']>>;
  out: AppendedAuditEvent[];
}

/** The events' rows, numbered and linked from `head`. */
function chainEvents(events: readonly CheckedAuditEvent[], head: { seq: number; hash: string; now: Date }, algorithm: AuditHashAlgorithm): ChainedEvents {
  let seq = head.seq;
  let prev = head.hash;
  const chained: ChainedEvents = { rows: [], out: [] };
  for (const event of events) {
    seq += 1;
    const document = placeAuditEvent(event, seq, head.now);
    const canonical = canonicalEventText(document);
    const contentHash = hashText(algorithm, canonical);
    const hash = linkHash(algorithm, seq, prev, contentHash);
    chained.rows.push({
      seq,
      occurred_at: head.now,
      ...searchColumnsOf(document),
      hash_alg: algorithm,
      prev_hash: prev,
      content_hash: contentHash,
      hash,
      canonical,
    });
    chained.out.push({ seq, hash, at: document.at });
    prev = hash;
  }
  return chained;
}

/**
 * The events and their record index in one statement. The index rows are read by the database out of
 * the events' own stored text, as `searchIndexOf` reads them (verification compares the two): one row
 * per released department and one for the applicants, each with its ids as an array (a 200-permit
 * page's event names about 760; building and sending them one by one cost the hub's thread more than
 * the whole rest of the append). Each text is parsed once.
 */
async function insertChained(db: Kysely<AuditLogDatabase>, { rows }: ChainedEvents): Promise<void> {
  await db
    .with('event', (db) =>
      db
        .insertInto('audit_events')
        .values(rows)
        .returning(['seq', sql<unknown>`canonical::jsonb`.as('doc')]),
    )
    .insertInto('audit_event_record_sets')
    .columns(['event_seq', 'kind', 'department', 'record_ids'])
    .expression(
      sql`select e.seq, 'record', r.value ->> 'department', array(select jsonb_array_elements_text(r.value -> 'recordIds'))
            from event e
            cross join lateral jsonb_array_elements(e.doc -> 'released') r
            where jsonb_array_length(r.value -> 'recordIds') > 0
          union all
          select e.seq, 'applicant', '', array(select jsonb_array_elements_text(e.doc -> 'applicantIds'))
            from event e
            where jsonb_array_length(e.doc -> 'applicantIds') > 0`,
    )
    .execute();
}

/** The algorithm the options name (sha256 by default); throws on one the log does not know. */
function hashAlgorithmOf(options: { hash?: AuditHashAlgorithm }): AuditHashAlgorithm {
  const algorithm = options.hash ?? 'sha256';
  if (!isAuditHashAlgorithm(algorithm)) throw new TypeError(`unknown audit hash algorithm ${String(algorithm)}`);
  return algorithm;
}

export interface AuditLogOptions extends AppendOptions {
  /** Signs checkpoints; without it the log is chain-protected only. */
  signer?: AuditSigner;
  /**
   * Sign a periodic checkpoint at every N-th event (by sequence number), so checkpoints land at exactly
   * N, 2N, … however many processes append (the process that appended event N signs it). It is signed
   * after that event's append commits, in the background: verifying the N events since the previous
   * checkpoint must not hold up the appends (and requests) behind it. Default 1000; 0 turns it off.
   */
  checkpointEvery?: number;
  /** Earlier public keys, to extend checkpoints made before a key rotation. */
  previousPublicKeys?: readonly AuditKeyInput[];
  /** Every checkpoint signed (periodic and on demand) is also appended here, outside the database. */
  anchor?: AuditAnchor;
  /**
   * A periodic checkpoint that fails does not fail the append (the event is committed and chained);
   * it is reported here. Default: a process warning. A failure means the chain needs an operator.
   */
  onCheckpointError?: (error: unknown) => void;
}

export interface AuditLog {
  append(event: AuditEventInput): Promise<AppendedAuditEvent>;
  /**
   * Signs the head now (at shutdown, on a timer), after any periodic checkpoint under way. Null on an
   * empty log. Throws without a signer.
   */
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
  const algorithm = hashAlgorithmOf(options);
  const report =
    options.onCheckpointError ??
    ((error: unknown) => process.emitWarning(`audit checkpoint failed: ${(error as Error).message ?? error}`, 'AuditCheckpointWarning'));
  const signing = (signer: AuditSigner) => ({
    signer,
    ...(options.writerRole ? { writerRole: options.writerRole } : {}),
    ...(options.previousPublicKeys ? { previousPublicKeys: options.previousPublicKeys } : {}),
    ...(options.anchor ? { anchor: options.anchor } : {}),
  });
  // Periodic checkpoints, one after another in seq order, off the appends' path.
  let periodic: Promise<void> = Promise.resolve();
  const signPeriodic = (appended: readonly AppendedAuditEvent[]) => {
    if (!options.signer || every <= 0) return;
    for (const event of appended) {
      if (event.seq % every !== 0) continue;
      const target = { seq: event.seq, hash: event.hash, alg: algorithm };
      periodic = periodic.then(() => signCheckpointAt(db, target, { ...signing(options.signer!), kind: 'periodic' }).then(() => undefined, report));
      // An `onCheckpointError` that throws surfaces at the next `checkpoint()`, not as an unhandled rejection.
      periodic.catch(() => {});
    }
  };
  const appendOptions: AppendOptions = {
    ...(options.hash ? { hash: options.hash } : {}),
    ...(options.writerRole ? { writerRole: options.writerRole } : {}),
  };
  // Group commit: events appended while an append is under way wait for it to end, then go together in
  // the next one, which takes them only once it has read the head (whatever arrived meanwhile joins), so
  // concurrent requests share the head read and the statement instead of queueing for them one by one.
  // Each caller still learns of its own event's commit or failure.
  type Pending = { event: CheckedAuditEvent; resolve(appended: AppendedAuditEvent): void; reject(error: unknown): void };
  const queue: Pending[] = [];
  let writing = false;
  const write = async () => {
    while (queue.length > 0) {
      let batch: Pending[] | undefined;
      const take = () => (batch = queue.splice(0, MAX_EVENTS_PER_APPEND)).map((b) => b.event);
      try {
        const appended = await appendChecked(db, take, algorithm, appendOptions);
        batch!.forEach((b, i) => b.resolve(appended[i]!));
        signPeriodic(appended);
      } catch (error) {
        // Failed before taking any (the head could not be read): the next ones in line fail with it.
        for (const b of batch ?? queue.splice(0, MAX_EVENTS_PER_APPEND)) b.reject(error);
      }
    }
    writing = false;
  };
  return {
    append: (event) =>
      new Promise<AppendedAuditEvent>((resolve, reject) => {
        // A malformed event fails alone, before it can join a batch.
        queue.push({ event: checkAuditEvent(event), resolve, reject });
        // Start on the next microtask, so the appends of one tick go out together.
        if (!writing) {
          writing = true;
          queueMicrotask(() => void write());
        }
      }),
    checkpoint: async () => {
      if (!options.signer) throw new Error('audit log: no signing key configured, cannot checkpoint');
      await periodic;
      return checkpointAuditChain(db, signing(options.signer));
    },
  };
}
