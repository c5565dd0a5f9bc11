import { sql, type Expression, type ExpressionBuilder, type Kysely, type SqlBool } from 'kysely';
import { badUserInput } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';
import { requireOwnerOrSteward, type GovernanceConsumer, type GovernanceContext } from './governance-context.js';
import type { GovernanceDatabase, GrantRow } from './governance-tables.js';

/** What the gateway needs of a live grant to decide a field: whose data, which fields, for what, clear or masked. */
export interface LiveGrant {
  department: string;
  /** Field coordinates (`ApplicantRecord.phone`) or whole types (`ApplicantRecord`). */
  fields: string[];
  purpose: string;
  clearText: boolean;
  validUntil: Date;
}

/**
 * The grants a consumer holds at an instant: not revoked, `validFrom ≤ at < validUntil`. Grants expire by
 * themselves because validity is checked here, at read time; no job updates them.
 *
 * @example
 * const grants = await liveGrants(hub.db, consumer.id, new Date());
 * const mayRead = grants.some((g) => g.department === 'health' && g.purpose === purpose && g.fields.includes('ApplicantRecord.phone'));
 */
export async function liveGrants(db: Kysely<HubDatabase>, consumerId: string, at: Date): Promise<LiveGrant[]> {
  const rows = await db
    .selectFrom('grants')
    .select(['department_code', 'fields', 'purpose', 'clear_text', 'valid_until'])
    .where('consumer_id', '=', consumerId)
    .where('revoked_at', 'is', null)
    .where('valid_from', '<=', at)
    .where('valid_until', '>', at)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ department: r.department_code, fields: [...r.fields], purpose: r.purpose, clearText: r.clear_text, validUntil: r.valid_until }));
}

/** Not revoked and valid at `now`. */
export function isGrantActive(grant: Pick<GrantRow, 'revoked_at' | 'valid_from' | 'valid_until'>, now: Date): boolean {
  return grant.revoked_at === null && grant.valid_from.getTime() <= now.getTime() && grant.valid_until.getTime() > now.getTime();
}

export interface GrantFilter {
  active?: boolean | null;
  role?: 'HELD' | 'GIVEN' | null;
  departmentCode?: string | null;
}

const always = (value: boolean) => sql<SqlBool>`${sql.raw(value ? 'true' : 'false')}`;

/** Which grants a consumer may see, narrowed by the filter: those it holds; those its department gave; all for a steward. */
export function grantCondition(
  eb: ExpressionBuilder<GovernanceDatabase, 'grants'>,
  consumer: GovernanceConsumer,
  filter: GrantFilter | null | undefined,
  now: Date,
): Expression<SqlBool> {
  const held = eb('consumer_id', '=', consumer.id);
  const given =
    consumer.kind === 'STEWARD'
      ? always(true)
      : consumer.kind === 'DEPARTMENT' && consumer.departmentCode
        ? eb('department_code', '=', consumer.departmentCode)
        : always(false);
  const conditions: Expression<SqlBool>[] = [filter?.role === 'HELD' ? held : filter?.role === 'GIVEN' ? given : eb.or([held, given])];
  if (filter?.departmentCode) conditions.push(eb('department_code', '=', filter.departmentCode));
  if (typeof filter?.active === 'boolean') {
    const active = eb.and([eb('revoked_at', 'is', null), eb('valid_from', '<=', now), eb('valid_until', '>', now)]);
    conditions.push(filter.active ? active : eb.not(active));
  }
  return eb.and(conditions);
}

/**
 * Revokes a grant, as its owning department or a steward, with a reason. A grant is revoked once.
 *
 * @example
 * await revokeGrant(db, context, 3, '项目已结束', new Date());
 */
export async function revokeGrant(db: Kysely<GovernanceDatabase>, context: GovernanceContext, id: number, reason: string, now: Date): Promise<GrantRow> {
  const row = await db.selectFrom('grants').selectAll().where('id', '=', id).executeTakeFirst();
  if (!row) throw badUserInput('no grant has this id', { argument: 'id' });
  const revoker = requireOwnerOrSteward(context, row.department_code);
  const why = reason.trim();
  if (why.length === 0 || why.length > 2000) throw badUserInput('reason must be 1–2000 characters', { argument: 'reason' });
  const updated = await db
    .updateTable('grants')
    .set({ revoked_at: now, revoked_by: revoker.id, revoke_reason: why })
    .where('id', '=', id)
    .where('revoked_at', 'is', null)
    .returningAll()
    .executeTakeFirst();
  if (!updated) throw badUserInput('the grant is already revoked', { argument: 'id' });
  return updated as GrantRow;
}
