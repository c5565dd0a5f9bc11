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
 * The current end of the chain: the last event, or the pruning anchor when every event was pruned.
 * Refuses when a checkpoint lies beyond the last event: the tail was deleted, and appending would
 * fork the chain away from what that checkpoint signed.
 */
export async function readChainHead(trx: Kysely<AuditLogDatabase>): Promise<{ seq: number; hash: string; alg: string }> {
  const last = await trx.selectFrom('audit_events').select(['seq', 'hash', 'hash_alg']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  const checkpoint = await trx.selectFrom('audit_checkpoints').select(['seq', 'head_hash', 'hash_alg', 'kind']).orderBy('seq', 'desc').limit(1).executeTakeFirst();
  if (checkpoint && checkpoint.seq > (last?.seq ?? 0)) {
    if (checkpoint.kind === 'anchor' && !last) return { seq: checkpoint.seq, hash: checkpoint.head_hash, alg: checkpoint.hash_alg };
    throw new AuditChainError(`audit chain truncated: checkpoint at seq ${checkpoint.seq} but events end at seq ${last?.seq ?? 0}`);
  }
  return last ? { seq: last.seq, hash: last.hash, alg: last.hash_alg } : { seq: 0, hash: GENESIS_HASH, alg: 'sha256' };
}
