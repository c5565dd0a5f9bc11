import { sql, type Kysely } from 'kysely';
import { checkRoleName } from './chain-head.js';

const AUDIT_TABLES = ['audit_events', 'audit_event_record_sets', 'audit_checkpoints'];

/**
 * Creates (once) a NOLOGIN role that may only INSERT and SELECT the audit tables, and makes the
 * current user a member so appends can run under `SET LOCAL ROLE` (pass the role as `writerRole`).
 * Returns `{ role: null, reason }` on PGlite: an embedded database has no separation of privileges
 * to offer (whoever runs the hub process can open its data directory directly), so there the signed
 * checkpoints are the only protection.
 *
 * Needs CREATEROLE (or superuser) the first time; run it at boot after migrating. It limits what the
 * append transaction can do; a deployment that wants the hub itself unable to UPDATE/DELETE should also
 * run the hub under a login that does not own the tables (migrate with a separate owner login).
 *
 * @example
 * const { role } = await ensureAuditWriterRole(db, 'huitong_audit_writer');
 * const audit = createAuditLog(db, { signer, ...(role ? { writerRole: role } : {}) });
 */
export async function ensureAuditWriterRole(db: Kysely<any>, roleName: string): Promise<{ role: string | null; reason?: string }> {
  const role = checkRoleName(roleName);
  const { rows } = await sql<{ version: string }>`select version() as version`.execute(db);
  if (rows[0]?.version.includes('PGlite')) {
    return { role: null, reason: 'PGlite is embedded in the hub process: database roles separate nothing, the data directory is the boundary' };
  }
  const id = sql.id(role);
  const exists = await sql<{ n: number }>`select count(*)::int as n from pg_roles where rolname = ${role}`.execute(db);
  if (!exists.rows[0]?.n) {
    try {
      await sql`create role ${id} nologin`.execute(db);
    } catch (error) {
      // Another hub process created it between our check and our create.
      if ((error as { code?: string }).code !== '42710') throw error;
    }
  }
  await db.transaction().execute(async (trx) => {
    const schema = await sql<{ s: string }>`select current_schema() as s`.execute(trx);
    await sql`grant usage on schema ${sql.id(schema.rows[0]!.s)} to ${id}`.execute(trx);
    for (const table of AUDIT_TABLES) {
      // Revoke first: a role left over from an older grant must not keep UPDATE or DELETE.
      await sql`revoke all on table ${sql.id(table)} from ${id}`.execute(trx);
      await sql`grant select, insert on table ${sql.id(table)} to ${id}`.execute(trx);
    }
  });
  const member = await sql<{ m: boolean }>`select pg_has_role(current_user, ${role}, 'MEMBER') as m`.execute(db);
  if (!member.rows[0]?.m) await sql`grant ${id} to current_user`.execute(db);
  return { role };
}
