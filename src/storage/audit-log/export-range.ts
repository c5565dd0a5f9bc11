import type { Kysely } from 'kysely';
import type { AuditLogDatabase } from './audit-tables.js';
import { AuditChainError } from './chain-head.js';
import { checkpointAuditChain } from './checkpoint.js';
import { openCheckpoint, type CheckpointStatement, type SignedCheckpoint } from './checkpoint-statement.js';
import { linkHash, type AuditEventDocument } from './event-document.js';
import { GENESIS_HASH, hashText, isAuditHashAlgorithm } from './hash-algorithms.js';
import { publicKeysById, type AuditKeyInput, type AuditSigner } from './signing-keys.js';

/**
 * One event of an export. `canonical` is present for the events in the range and for the two boundary
 * events just outside it (their times prove nothing in the range was left out); the events between
 * the range and the covering checkpoint are links only, so they are not disclosed.
 */
export interface ExportedAuditEvent {
  seq: number;
  alg: string;
  prev: string;
  contentHash: string;
  hash: string;
  canonical?: string;
}

/** A self-contained, offline-verifiable slice of the audit log. */
export interface AuditExport {
  format: 'huitong-audit-export/v1';
  exportedAt: string;
  range: { from: string; to: string };
  /** Contiguous by seq: [boundary before], the range, [boundary after], links up to the checkpoint. */
  events: ExportedAuditEvent[];
  /** The checkpoint at the last event (signed), a pruning anchor before the first if needed, and any in between. */
  checkpoints: SignedCheckpoint[];
}

export interface ExportOptions {
  from: Date;
  to: Date;
  /** With a signer, an on-demand checkpoint is signed first when none covers the range yet. */
  signer?: AuditSigner;
  writerRole?: string;
}

/**
 * Exports the events with `from <= time < to`, plus what an offline verifier needs: the boundary events,
 * the links up to the next signed checkpoint, and the checkpoint signatures. Throws when no checkpoint
 * covers the range yet and no signer is given.
 *
 * @example
 * const exported = await exportAuditRange(db, { from: new Date('2026-11-01'), to: new Date('2026-12-01'), signer });
 * writeFileSync('audit-2026-11.json', JSON.stringify(exported));
 */
export async function exportAuditRange(db: Kysely<any>, options: ExportOptions): Promise<AuditExport> {
  const adb = db as Kysely<AuditLogDatabase>;
  if (!(options.from < options.to)) throw new RangeError('export: from must be before to');
  const seqWhere = async (op: 'max' | 'min', cmp: '<' | '>=', at: Date) => {
    const row = await adb
      .selectFrom('audit_events')
      .select((eb) => (op === 'max' ? eb.fn.max('seq') : eb.fn.min('seq')).as('seq'))
      .where('occurred_at', cmp, at)
      .executeTakeFirst();
    return row?.seq == null ? null : Number(row.seq);
  };
  const before = await seqWhere('max', '<', options.from);
  const lastInRange = await seqWhere('max', '<', options.to);
  const after = await seqWhere('min', '>=', options.to);
  const firstRow = await adb.selectFrom('audit_events').select('seq').orderBy('seq').limit(1).executeTakeFirst();
  if (!firstRow) throw new AuditChainError('export: the audit log is empty');
  const start = before ?? firstRow.seq;
  const lastFull = after ?? lastInRange ?? start;

  const covering = async () =>
    adb.selectFrom('audit_checkpoints').selectAll().where('seq', '>=', lastFull).where('kind', '!=', 'anchor').orderBy('seq').limit(1).executeTakeFirst();
  let checkpoint = await covering();
  if (!checkpoint && options.signer) {
    await checkpointAuditChain(db, { signer: options.signer, ...(options.writerRole ? { writerRole: options.writerRole } : {}) });
    checkpoint = await covering();
  }
  if (!checkpoint) throw new AuditChainError(`export: no signed checkpoint covers seq ${lastFull} yet; sign one (huitong audit checkpoint) or pass a signer`);

  const rows = await adb.selectFrom('audit_events').selectAll().where('seq', '>=', start).where('seq', '<=', checkpoint.seq).orderBy('seq').execute();
  const events = rows.map(
    (r): ExportedAuditEvent => ({
      seq: r.seq,
      alg: r.hash_alg,
      prev: r.prev_hash,
      contentHash: r.content_hash,
      hash: r.hash,
      ...(r.seq <= lastFull ? { canonical: r.canonical } : {}),
    }),
  );
  const checkpoints = await adb
    .selectFrom('audit_checkpoints')
    .select(['statement', 'signature'])
    .where('seq', '>=', start - 1)
    .where('seq', '<=', checkpoint.seq)
    .orderBy('seq')
    .execute();
  return {
    format: 'huitong-audit-export/v1',
    exportedAt: new Date().toISOString(),
    range: { from: options.from.toISOString(), to: options.to.toISOString() },
    events,
    checkpoints,
  };
}

export type ExportVerification =
  | { ok: true; inRange: number; firstSeq: number | null; lastSeq: number | null; checkpointSeq: number; signedAt: string; endProven: boolean }
  | { ok: false; seq: number | null; problem: string };

/**
 * Verifies an export offline with only the public key(s): every event's text hashes to its content
 * hash, the links chain without a gap from a proven start (genesis, a signed pruning anchor, or an event
 * before the range) to a signed checkpoint. `endProven` says an event after the range is included, so
 * nothing at the end was left out (otherwise the range is complete up to the checkpoint).
 *
 * @example
 * const result = verifyExport(readFileSync('audit-2026-11.json', 'utf8'), readFileSync('audit-public.pem', 'utf8'));
 */
export function verifyExport(exportJson: string | AuditExport, publicKey: AuditKeyInput | readonly AuditKeyInput[]): ExportVerification {
  let data: AuditExport;
  try {
    data = typeof exportJson === 'string' ? (JSON.parse(exportJson) as AuditExport) : exportJson;
  } catch {
    return { ok: false, seq: null, problem: 'not JSON' };
  }
  if (data?.format !== 'huitong-audit-export/v1' || !Array.isArray(data.events) || !Array.isArray(data.checkpoints) || data.events.length === 0) {
    return { ok: false, seq: null, problem: 'not a huitong audit export, or no events' };
  }
  const from = Date.parse(data.range?.from);
  const to = Date.parse(data.range?.to);
  if (Number.isNaN(from) || Number.isNaN(to)) return { ok: false, seq: null, problem: 'range is not two ISO times' };

  const keys = publicKeysById(publicKey);
  const statements = new Map<number, CheckpointStatement>();
  for (const checkpoint of data.checkpoints) {
    const opened = openCheckpoint(checkpoint, keys);
    if ('error' in opened) return { ok: false, seq: null, problem: `checkpoint: ${opened.error}` };
    statements.set(opened.statement.seq, opened.statement);
  }

  const first = data.events[0]!;
  let inRange = 0;
  let firstSeq: number | null = null;
  let lastSeq: number | null = null;
  let startProven = first.seq === 1 && first.prev === GENESIS_HASH;
  const anchor = statements.get(first.seq - 1);
  if (anchor?.kind === 'anchor' && anchor.head === first.prev) startProven = true;
  let endProven = false;
  let lastTime = -Infinity;
  let fullTextEnded = false;
  for (const [i, event] of data.events.entries()) {
    const previous = data.events[i - 1];
    if (previous && event.seq !== previous.seq + 1) return { ok: false, seq: previous.seq + 1, problem: 'missing sequence' };
    if (previous && event.prev !== previous.hash) return { ok: false, seq: event.seq, problem: 'previous-hash mismatch' };
    if (!isAuditHashAlgorithm(event.alg)) return { ok: false, seq: event.seq, problem: `unknown hash algorithm ${event.alg}` };
    if (linkHash(event.alg, event.seq, event.prev, event.contentHash) !== event.hash) return { ok: false, seq: event.seq, problem: 'link hash mismatch' };
    const statement = statements.get(event.seq);
    if (statement && (statement.head !== event.hash || statement.alg !== event.alg))
      return { ok: false, seq: event.seq, problem: 'checkpoint does not match the event' };
    if (event.canonical === undefined) {
      fullTextEnded = true;
      continue;
    }
    // Texts must form one run from the start: a withheld text in the middle could hide an in-range event.
    if (fullTextEnded) return { ok: false, seq: event.seq, problem: 'event text after a link-only event' };
    if (hashText(event.alg, event.canonical) !== event.contentHash)
      return { ok: false, seq: event.seq, problem: 'content hash mismatch: the event text was altered' };
    let document: AuditEventDocument;
    try {
      document = JSON.parse(event.canonical) as AuditEventDocument;
    } catch {
      return { ok: false, seq: event.seq, problem: 'event text is not JSON' };
    }
    if (document.seq !== event.seq) return { ok: false, seq: event.seq, problem: 'event text names another sequence number' };
    const time = Date.parse(document.at);
    if (!(time >= lastTime)) return { ok: false, seq: event.seq, problem: 'event times go backwards' };
    lastTime = time;
    if (time < from) {
      if (i === 0) startProven = true;
      else if (inRange > 0) return { ok: false, seq: event.seq, problem: 'event before the range after events in it' };
    } else if (time < to) {
      inRange++;
      firstSeq ??= event.seq;
      lastSeq = event.seq;
    } else {
      endProven = true;
    }
  }
  if (!startProven) return { ok: false, seq: first.seq, problem: 'the start is not proven: no event before the range, no genesis, no signed pruning anchor' };
  const last = data.events.at(-1)!;
  const closing = statements.get(last.seq);
  if (!closing || closing.kind === 'anchor') return { ok: false, seq: last.seq, problem: 'no signed checkpoint at the last event' };
  return { ok: true, inRange, firstSeq, lastSeq, checkpointSeq: closing.seq, signedAt: closing.signedAt, endProven };
}
