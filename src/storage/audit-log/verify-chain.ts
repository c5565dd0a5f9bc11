import type { KeyObject } from 'node:crypto';
import type { Kysely, Selectable } from 'kysely';
import type { AuditLogDatabase } from './audit-tables.js';
import { openCheckpoint, type CheckpointStatement, type SignedCheckpoint } from './checkpoint-statement.js';
import { linkHash, searchIndexOf, type AuditEventDocument } from './event-document.js';
import { GENESIS_HASH, hashText, isAuditHashAlgorithm } from './hash-algorithms.js';
import { publicKeysById, type AuditKeyInput } from './signing-keys.js';

/** What can be wrong with a link of the chain. */
export type AuditChainProblem =
  /** The stored text no longer hashes to its stored content hash: the row was edited. */
  | 'content-hash-mismatch'
  /** The row's prev_hash is not the previous event's hash: a row before it was changed or replaced. */
  | 'previous-hash-mismatch'
  /** The row's hash is not the link of its seq, prev and content hashes: the hash column was edited. */
  | 'link-hash-mismatch'
  /** A sequence number is absent: a row was deleted (or events before the start, with no pruning anchor). */
  | 'missing-sequence'
  /** A checkpoint's signature does not verify, or its key is unknown. */
  | 'bad-checkpoint-signature'
  /** A validly signed checkpoint does not match the event at its sequence: the chain was rewritten. */
  | 'checkpoint-mismatch'
  /** A signed checkpoint lies beyond the last event: the tail was deleted. */
  | 'truncated-after-checkpoint'
  /** The log ends before a checkpoint the verifier knows was made (`minCheckpointSeq`), or lacks one the anchor holds. */
  | 'missing-checkpoint'
  /** The log no longer reaches a checkpoint recorded in the external anchor: its tail was deleted with its checkpoints, or it was wiped. */
  | 'truncated-before-anchor'
  /** A line of the external anchor is not a checkpoint signed by a known key. */
  | 'bad-anchor'
  /** Search columns or the record index disagree with the event's text (search would lie). */
  | 'index-mismatch'
  /** The stored text is not a readable event. */
  | 'unreadable-event';

export interface AuditBrokenLink {
  seq: number;
  problem: AuditChainProblem;
  detail: string;
}

export interface AuditChainSummary {
  events: number;
  firstSeq: number | null;
  lastSeq: number | null;
  checkpoints: number;
  lastCheckpointSeq: number | null;
  /** Events after the last checkpoint: protected by the chain only (see README, "What it proves"). */
  unsignedEvents: number;
  /** With an anchor: how many checkpoints it holds and the highest sequence they sign. */
  anchor?: { checkpoints: number; lastSeq: number | null };
}

export type AuditVerification = ({ ok: true } & AuditChainSummary) | ({ ok: false; broken: AuditBrokenLink } & AuditChainSummary);

export interface VerifyAuditChainOptions {
  /** The checkpoint public key(s): PEM or KeyObject; several during a key rotation. */
  publicKey: AuditKeyInput | readonly AuditKeyInput[];
  /** A checkpoint sequence the verifier saw before (kept outside the database): the log must still reach it. */
  minCheckpointSeq?: number;
  /**
   * Checkpoints kept outside the database (`readAuditAnchor`): each must still be in the log — its event
   * and its checkpoint row, with the same head — unless a signed pruning anchor (in the log or in the
   * anchor) shows it was pruned.
   */
  anchor?: ReadonlyArray<SignedCheckpoint & { source?: string }>;
  /** Events read per query. */
  batchSize?: number;
}

export interface CheckedCheckpoint {
  seq: number;
  statement: CheckpointStatement | null;
  error: string | null;
}

/**
 * Walks the whole chain and every signed checkpoint and names the first broken link (lowest sequence).
 * Read-only; runs under any role with SELECT on the audit tables.
 *
 * @example
 * const result = await verifyAuditChain(db, { publicKey: readFileSync('audit-public.pem', 'utf8') });
 * if (!result.ok) console.error(`seq ${result.broken.seq}: ${result.broken.problem} — ${result.broken.detail}`);
 */
export async function verifyAuditChain(db: Kysely<any>, options: VerifyAuditChainOptions): Promise<AuditVerification> {
  const adb = db as Kysely<AuditLogDatabase>;
  const keys = publicKeysById(options.publicKey);
  const checkpoints = new Map<number, CheckedCheckpoint>();
  for (const row of await adb.selectFrom('audit_checkpoints').selectAll().orderBy('seq').execute()) {
    checkpoints.set(row.seq, checkCheckpointRow(row, keys));
  }
  const bounds = await adb
    .selectFrom('audit_events')
    .select((eb) => [eb.fn.min('seq').as('first'), eb.fn.max('seq').as('last'), eb.fn.countAll().as('count')])
    .executeTakeFirstOrThrow();
  const firstSeq = bounds.first === null ? null : Number(bounds.first);
  const lastSeq = bounds.last === null ? null : Number(bounds.last);
  const signed = [...checkpoints.values()].filter((c) => c.statement && !c.error);
  const lastCheckpoint = signed.at(-1)?.statement ?? null;
  const summary: AuditChainSummary = {
    events: Number(bounds.count),
    firstSeq,
    lastSeq,
    checkpoints: checkpoints.size,
    lastCheckpointSeq: lastCheckpoint?.seq ?? null,
    unsignedEvents: lastSeq === null ? 0 : lastSeq - Math.min(lastCheckpoint?.seq ?? 0, lastSeq),
  };
  const anchored: Array<{ statement: CheckpointStatement; source: string }> = [];
  for (const [i, entry] of (options.anchor ?? []).entries()) {
    const opened = openCheckpoint(entry, keys);
    const source = entry.source ?? `anchor entry ${i + 1}`;
    if ('error' in opened) return { ok: false, broken: { seq: 0, problem: 'bad-anchor', detail: `${source}: ${opened.error}` }, ...summary };
    anchored.push({ statement: opened.statement, source });
  }
  if (options.anchor)
    summary.anchor = { checkpoints: anchored.length, lastSeq: anchored.reduce<number | null>((max, a) => Math.max(max ?? 0, a.statement.seq), null) };
  const fail = (broken: AuditBrokenLink): AuditVerification => ({ ok: false, broken, ...summary });

  // Where the chain must start: seq 1 from the genesis hash, or just after a signed pruning anchor.
  let expectedPrev = GENESIS_HASH;
  let startSeq = 1;
  if (firstSeq !== null && firstSeq > 1) {
    const anchor = checkpoints.get(firstSeq - 1);
    if (!anchor)
      return fail({
        seq: firstSeq - 1,
        problem: 'missing-sequence',
        detail: `events ${startRange(firstSeq - 1)} are missing and no signed pruning anchor marks where the log starts`,
      });
    if (anchor.error) return fail({ seq: anchor.seq, problem: 'bad-checkpoint-signature', detail: `pruning anchor at seq ${anchor.seq}: ${anchor.error}` });
    if (anchor.statement!.kind !== 'anchor')
      return fail({
        seq: firstSeq - 1,
        problem: 'missing-sequence',
        detail: `events ${startRange(firstSeq - 1)} are missing; checkpoint ${anchor.seq} is a ${anchor.statement!.kind} checkpoint, not a pruning anchor`,
      });
    expectedPrev = anchor.statement!.head;
    startSeq = firstSeq;
  }

  if (firstSeq !== null) {
    const broken = await walkEvents(adb, { fromSeq: startSeq, expectedPrev, checkpoints, batchSize: options.batchSize ?? 1000 });
    if (broken) return fail(broken);
  }

  // Checkpoints beyond the last event: forged ones are named as such, genuine ones prove truncation.
  // With every event pruned, the log ends at its pruning anchor.
  const end = lastSeq ?? Math.max(0, ...signed.filter((c) => c.statement!.kind === 'anchor').map((c) => c.seq));
  for (const checkpoint of checkpoints.values()) {
    if (checkpoint.seq <= end) continue;
    if (checkpoint.error)
      return fail({ seq: checkpoint.seq, problem: 'bad-checkpoint-signature', detail: `checkpoint at seq ${checkpoint.seq}: ${checkpoint.error}` });
    const last = [...checkpoints.keys()].at(-1)!;
    return fail({
      seq: end + 1,
      problem: 'truncated-after-checkpoint',
      detail: `checkpoint ${last} was signed but the events end at seq ${end}: ${last - end} event(s) deleted from the tail`,
    });
  }
  if (options.minCheckpointSeq !== undefined && (lastCheckpoint?.seq ?? 0) < options.minCheckpointSeq) {
    return fail({
      seq: options.minCheckpointSeq,
      problem: 'missing-checkpoint',
      detail: `a checkpoint at seq ${options.minCheckpointSeq} was seen before, but the last signed checkpoint is at seq ${lastCheckpoint?.seq ?? 'none'}`,
    });
  }
  const missing = anchorProblem(anchored, checkpoints, end, firstSeq === null ? end : firstSeq - 1);
  return missing ? fail(missing) : { ok: true, ...summary };
}

/**
 * What the log lacks of the anchor's checkpoints. Everything up to the latest signed pruning anchor (in
 * the log: where it starts; or in the anchor) was pruned on purpose; every later anchored checkpoint must
 * still be there, its event reached by the log and its row signing the same head. The walk has already
 * checked that each row matches its event, so comparing heads is enough.
 */
function anchorProblem(
  anchored: ReadonlyArray<{ statement: CheckpointStatement; source: string }>,
  checkpoints: ReadonlyMap<number, CheckedCheckpoint>,
  end: number,
  startAnchor: number,
): AuditBrokenLink | null {
  const pruned = anchored.reduce((max, a) => (a.statement.kind === 'anchor' ? Math.max(max, a.statement.seq) : max), startAnchor);
  const kept = anchored.filter((a) => a.statement.seq > pruned).sort((a, b) => a.statement.seq - b.statement.seq);
  const beyond = kept.filter((a) => a.statement.seq > end);
  if (beyond.length) {
    const last = beyond.at(-1)!;
    return {
      seq: end + 1,
      problem: 'truncated-before-anchor',
      detail: `the log ends at seq ${end}, but the anchor holds a checkpoint signed at seq ${last.statement.seq} (${last.source}): events ${end + 1}–${last.statement.seq} were deleted together with their checkpoints`,
    };
  }
  for (const { statement, source } of kept) {
    const row = checkpoints.get(statement.seq)?.statement;
    if (!row)
      return {
        seq: statement.seq,
        problem: 'missing-checkpoint',
        detail: `the anchor holds a checkpoint at seq ${statement.seq} (${source}) that the log no longer has`,
      };
    if (row.head !== statement.head) {
      return {
        seq: statement.seq,
        problem: 'checkpoint-mismatch',
        detail: `the anchor's checkpoint at seq ${statement.seq} (${source}) signed head ${statement.head.slice(0, 16)}…, the log's ${row.head.slice(0, 16)}…: the chain was rewritten`,
      };
    }
  }
  return null;
}

const startRange = (last: number) => (last === 1 ? '1' : `1–${last}`);

/** Verifies a stored checkpoint row: the signature over its statement, and that the row says the same. */
export function checkCheckpointRow(row: Selectable<AuditLogDatabase['audit_checkpoints']>, keys: ReadonlyMap<string, KeyObject>): CheckedCheckpoint {
  const opened = openCheckpoint({ statement: row.statement, signature: row.signature }, keys);
  if ('error' in opened) return { seq: row.seq, statement: null, error: opened.error };
  const s = opened.statement;
  if (s.seq !== row.seq || s.head !== row.head_hash || s.alg !== row.hash_alg || s.kind !== row.kind || s.keyId !== row.key_id) {
    return { seq: row.seq, statement: null, error: 'the row differs from its signed statement' };
  }
  return { seq: row.seq, statement: s, error: null };
}

interface WalkOptions {
  fromSeq: number;
  /** The hash the first event must point back to; null to take the first row's prev_hash as given. */
  expectedPrev: string | null;
  checkpoints: ReadonlyMap<number, CheckedCheckpoint>;
  batchSize: number;
  /** Stop after this sequence (inclusive). */
  toSeq?: number;
  /** The walk must end at this event with this hash (what a checkpoint is about to sign). */
  expectEnd?: { seq: number; hash: string };
  /** Awaited after each batch: a background walk gives the database back to other work here. */
  between?: () => Promise<void>;
  /**
   * Also compare each event's search columns and record rows with its text (default true). A checkpoint
   * leaves it to `verifyAuditChain`: that index is derived data no signature covers, so signing over a
   * damaged one launders nothing, and reading every record row was most of a checkpoint's cost.
   */
  checkIndex?: boolean;
}

/**
 * Walks events from `fromSeq` in sequence order and returns the first broken link, or null. Each
 * event: contiguous sequence, text hashes to content_hash, prev_hash is the previous hash, hash is
 * the link, search columns and record rows agree with the text, a checkpoint at its seq signs its hash.
 */
export async function walkEvents(db: Kysely<AuditLogDatabase>, options: WalkOptions): Promise<AuditBrokenLink | null> {
  let expectedSeq = options.fromSeq;
  let expectedPrev = options.expectedPrev;
  const end = (): AuditBrokenLink | null => {
    const want = options.expectEnd;
    if (!want || (expectedSeq - 1 === want.seq && expectedPrev === want.hash)) return null;
    return expectedSeq - 1 < want.seq
      ? { seq: expectedSeq, problem: 'missing-sequence', detail: `the events end at seq ${expectedSeq - 1}, before seq ${want.seq}` }
      : { seq: want.seq, problem: 'checkpoint-mismatch', detail: `event ${want.seq} no longer hashes to ${want.hash.slice(0, 16)}…` };
  };
  for (;;) {
    let query = db.selectFrom('audit_events').selectAll().where('seq', '>=', expectedSeq).orderBy('seq').limit(options.batchSize);
    if (options.toSeq !== undefined) query = query.where('seq', '<=', options.toSeq);
    const rows = await query.execute();
    if (rows.length === 0) return end();
    const last = rows.at(-1)!.seq;
    const checkIndex = options.checkIndex ?? true;
    const recordRows = checkIndex
      ? await db
          .selectFrom('audit_event_record_sets')
          .select(['event_seq', 'kind', 'department', 'record_ids'])
          .where('event_seq', '>=', rows[0]!.seq)
          .where('event_seq', '<=', last)
          .execute()
      : [];
    // As sets: an id the text repeats is one entry of what it implies and may be in the index more than once.
    const recordsBySeq = new Map<number, Set<string>>();
    for (const r of recordRows) {
      const ids = recordsBySeq.get(r.event_seq) ?? new Set<string>();
      for (const record_id of r.record_ids) ids.add(recordKey({ ...r, record_id }));
      recordsBySeq.set(r.event_seq, ids);
    }
    for (const row of rows) {
      if (row.seq !== expectedSeq) {
        return {
          seq: expectedSeq,
          problem: 'missing-sequence',
          detail: row.seq - expectedSeq === 1 ? `event ${expectedSeq} is missing` : `events ${expectedSeq}–${row.seq - 1} are missing`,
        };
      }
      const seq = row.seq;
      if (!isAuditHashAlgorithm(row.hash_alg)) return { seq, problem: 'unreadable-event', detail: `unknown hash algorithm ${row.hash_alg}` };
      const contentHash = hashText(row.hash_alg, row.canonical);
      if (contentHash !== row.content_hash)
        return {
          seq,
          problem: 'content-hash-mismatch',
          detail: `the stored text hashes to ${contentHash.slice(0, 16)}…, the row records ${row.content_hash.slice(0, 16)}…: the event was edited`,
        };
      if (expectedPrev !== null && row.prev_hash !== expectedPrev) {
        return {
          seq,
          problem: 'previous-hash-mismatch',
          detail: `prev_hash ${row.prev_hash.slice(0, 16)}… is not the hash of event ${seq - 1} (${expectedPrev.slice(0, 16)}…)`,
        };
      }
      const link = linkHash(row.hash_alg, seq, row.prev_hash, row.content_hash);
      if (link !== row.hash)
        return { seq, problem: 'link-hash-mismatch', detail: `the row's hash is not the link of its seq, prev and content hashes: the hash column was edited` };
      const indexProblem = checkIndex ? compareIndex(row, recordsBySeq.get(seq) ?? new Set()) : null;
      if (indexProblem) return { seq, problem: indexProblem.startsWith('unreadable') ? 'unreadable-event' : 'index-mismatch', detail: indexProblem };
      const checkpoint = options.checkpoints.get(seq);
      if (checkpoint) {
        if (checkpoint.error) return { seq, problem: 'bad-checkpoint-signature', detail: `checkpoint at seq ${seq}: ${checkpoint.error}` };
        if (checkpoint.statement!.head !== row.hash || checkpoint.statement!.alg !== row.hash_alg) {
          return {
            seq,
            problem: 'checkpoint-mismatch',
            detail: `checkpoint ${seq} signed head ${checkpoint.statement!.head.slice(0, 16)}…, but event ${seq} now hashes to ${row.hash.slice(0, 16)}…: the chain up to it was rewritten`,
          };
        }
      }
      expectedPrev = row.hash;
      expectedSeq = seq + 1;
    }
    if (rows.length < options.batchSize) return end();
    await options.between?.();
  }
}

const recordKey = (r: { kind: string; department: string; record_id: string }) => `${r.kind}\u0000${r.department}\u0000${r.record_id}`;

function compareIndex(row: Selectable<AuditLogDatabase['audit_events']>, records: ReadonlySet<string>): string | null {
  let document: AuditEventDocument;
  try {
    document = JSON.parse(row.canonical) as AuditEventDocument;
  } catch {
    return 'unreadable: the stored text is not JSON';
  }
  if (document?.v !== 1 || !Array.isArray(document.released) || !Array.isArray(document.applicantIds)) return 'unreadable: not an audit event document';
  if (document.seq !== row.seq) return `the text says seq ${document.seq}, the row ${row.seq}`;
  if (document.at !== new Date(row.occurred_at).toISOString()) return `the text says time ${document.at}, the row ${new Date(row.occurred_at).toISOString()}`;
  const expected = searchIndexOf(document);
  for (const [column, value] of Object.entries(expected.columns)) {
    const actual = (row as Record<string, unknown>)[column];
    if (JSON.stringify(actual) !== JSON.stringify(value)) return `column ${column} is ${JSON.stringify(actual)}, the text says ${JSON.stringify(value)}`;
  }
  const want = expected.records.map(recordKey).sort();
  const have = [...records].sort();
  if (want.length !== have.length || want.some((k, i) => k !== have[i])) return `the record index names ${have.length} ids, the text ${want.length}`;
  return null;
}
