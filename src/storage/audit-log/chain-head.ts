import { sql, type Kysely } from 'kysely';
import type { AuditLogDatabase } from './audit-tables.js';
import { GENESIS_HASH } from './hash-algorithms.js';

// One key for the whole chain. A transaction-scoped advisory lock serialises appenders across every
// connection of a pool and every hub process on the same PostgreSQL; it needs no UPDATE on any row,
// so the writer role can take it. (PGlite is one connection behind a mutex; the lock is a no-op there.)
const CHAIN_LOCK_KEY = 4_857_330_371;

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** Validates a role name for use as an identifier (it cannot be a bind parameter). */
export function checkRoleName(role: string): string {
  if (!ROLE_NAME.test(role)) throw new Error(`invalid role name ${JSON.stringify(role)}: lower-case letters, digits and _ only`);
  return role;
}

/**
 * Inside a transaction: drops to the writer role (if any) and takes the chain lock, held until commit.
 * SET LOCAL ends with the transaction, so the pooled connection goes back with its own role.
 */
export async function lockChain(trx: Kysely<any>, writerRole?: string): Promise<void> {
  if (writerRole) await sql`set local role ${sql.id(checkRoleName(writerRole))}`.execute(trx);
  await sql`select pg_advisory_xact_lock(${CHAIN_LOCK_KEY}::bigint)`.execute(trx);
}

/** The database clock, read after the lock so event times never go backwards along the chain. */
export async function chainClock(trx: Kysely<any>): Promise<Date> {
  const { rows } = await sql<{ now: Date }>`select clock_timestamp() as now`.execute(trx);
  return new Date(rows[0]!.now);
}

export class AuditChainError extends Error {
  override name = 'AuditChainError';
}

/**
 * The current end of the chain — the last event, or the pruning anchor when every event was pruned —
 * and the database clock, read together in one statement (after the lock, so event times never go
 * backwards along the chain; one statement, since an embedded database pays per statement). Refuses
 * when a checkpoint lies beyond the last event: the tail was deleted, and appending would fork the
 * chain away from what that checkpoint signed.
 */
export async function readChainHead(trx: Kysely<AuditLogDatabase>): Promise<{ seq: number; hash: string; alg: string; now: Date }> {
  const { rows } = await sql<{
    seq: number | null;
    hash: string | null;
    hash_alg: string | null;
    checkpoint_seq: number | null;
    head_hash: string | null;
    checkpoint_alg: string | null;
    kind: string | null;
    now: Date;
  }>`select e.seq, e.hash, e.hash_alg, c.seq as checkpoint_seq, c.head_hash, c.hash_alg as checkpoint_alg, c.kind, clock_timestamp() as now
     from (select 1) as one
     left join lateral (select seq, hash, hash_alg from audit_events order by seq desc limit 1) as e on true
     left join lateral (select seq, head_hash, hash_alg, kind from audit_checkpoints order by seq desc limit 1) as c on true`.execute(trx);
  const row = rows[0]!;
  const now = new Date(row.now);
  const last = row.seq === null ? undefined : { seq: Number(row.seq), hash: row.hash!, alg: row.hash_alg! };
  if (row.checkpoint_seq !== null && Number(row.checkpoint_seq) > (last?.seq ?? 0)) {
    if (row.kind === 'anchor' && !last) return { seq: Number(row.checkpoint_seq), hash: row.head_hash!, alg: row.checkpoint_alg!, now };
    throw new AuditChainError(`audit chain truncated: checkpoint at seq ${row.checkpoint_seq} but events end at seq ${last?.seq ?? 0}`);
  }
  return last ? { ...last, now } : { seq: 0, hash: GENESIS_HASH, alg: 'sha256', now };
}
