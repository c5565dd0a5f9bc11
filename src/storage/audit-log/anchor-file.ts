import { appendFileSync, closeSync, fstatSync, mkdirSync, openSync, readFileSync, readSync } from 'node:fs';
import { dirname } from 'node:path';
import type { SignedCheckpoint } from './checkpoint-statement.js';

/** A signed checkpoint read back from an anchor file, with where it was read (`file:line`). */
export interface AnchoredCheckpoint extends SignedCheckpoint {
  source: string;
}

/**
 * The audit log's anchor outside the database: an append-only file of the signed checkpoints (pruning
 * anchors included), one JSON line each. Whoever can rewrite the database cannot take a line back out of
 * a copy kept elsewhere, so `verifyAuditChain(…, { anchor })` catches a tail deleted together with its
 * checkpoints, or a wiped log.
 */
export interface AuditAnchor {
  readonly file: string;
  /**
   * Appends a checkpoint. One at or below a sequence this handle already wrote is skipped, unless it is a
   * pruning anchor (which re-signs an old sequence). Throws when it cannot be written.
   */
  record(checkpoint: SignedCheckpoint & { seq: number; kind: string }): void;
  /** The highest sequence any line of the file signs (read from its tail when opened), or null. */
  lastSeq(): number | null;
}

/** How much of an existing file's end is read at open to find its last checkpoint. */
const TAIL_BYTES = 64 * 1024;

/**
 * Opens (creating on first write) an anchor file for appending. Lines are written with O_APPEND in one
 * write each, so hub processes sharing a file do not interleave them.
 *
 * @example
 * const anchor = openAuditAnchor(process.env.HUITONG_AUDIT_ANCHOR_FILE ?? '.data/audit-anchor.jsonl');
 * const audit = createAuditLog(db, { signer, anchor });
 */
export function openAuditAnchor(file: string): AuditAnchor {
  let last = lastSeqInTail(file);
  let written = 0;
  return {
    file,
    record(checkpoint) {
      if (checkpoint.kind !== 'anchor' && checkpoint.seq <= written) return;
      mkdirSync(dirname(file), { recursive: true });
      appendFileSync(file, `${JSON.stringify({ statement: checkpoint.statement, signature: checkpoint.signature })}\n`, { mode: 0o600 });
      written = Math.max(written, checkpoint.seq);
      last = Math.max(last ?? 0, checkpoint.seq);
    },
    lastSeq: () => last,
  };
}

/**
 * Every checkpoint of an anchor file, in file order. Throws naming the line of one that is not an anchor
 * line; signatures are checked by the verifier, against its public keys.
 *
 * @example
 * const anchor = readAuditAnchor('/mnt/worm/huitong/audit-anchor.jsonl');
 * await verifyAuditChain(db, { publicKey, anchor });
 */
export function readAuditAnchor(file: string): AnchoredCheckpoint[] {
  const out: AnchoredCheckpoint[] = [];
  readFileSync(file, 'utf8')
    .split('\n')
    .forEach((line, i) => {
      if (line.trim() === '') return;
      const parsed = parseLine(line);
      if (!parsed) throw new Error(`${file}:${i + 1} is not an audit anchor line`);
      out.push({ ...parsed, source: `${file}:${i + 1}` });
    });
  return out;
}

function parseLine(line: string): SignedCheckpoint | null {
  try {
    const value = JSON.parse(line) as Partial<SignedCheckpoint>;
    return typeof value.statement === 'string' && typeof value.signature === 'string' ? { statement: value.statement, signature: value.signature } : null;
  } catch {
    return null;
  }
}

/** The sequence a checkpoint statement names, unverified (the watcher only compares lengths). */
const statementSeq = (checkpoint: SignedCheckpoint): number | null => {
  try {
    const seq = (JSON.parse(checkpoint.statement) as { seq?: unknown }).seq;
    return Number.isSafeInteger(seq) ? (seq as number) : null;
  } catch {
    return null;
  }
};

/** The highest sequence signed in the last complete lines of a file; null for a missing or empty one. */
function lastSeqInTail(file: string): number | null {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return null;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer.toString('utf8').split('\n');
    // The first line may be cut by the window; a last one without its newline was cut by a crash.
    const whole = lines.slice(size > length ? 1 : 0, -1);
    let best: number | null = null;
    for (const line of whole) {
      const parsed = parseLine(line);
      const seq = parsed && statementSeq(parsed);
      if (seq != null && seq > (best ?? 0)) best = seq;
    }
    return best;
  } finally {
    closeSync(fd);
  }
}
