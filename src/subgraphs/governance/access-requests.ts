import { randomUUID } from 'node:crypto';
import { sql, type ExpressionBuilder, type Expression, type Kysely, type SqlBool } from 'kysely';
import { GraphQLError } from 'graphql';
import { badUserInput, ErrorCode, toShanghaiIso } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';
import { addWorkingDays } from '../catalogue/working-day-calendar.js';
import { requireOwnerOrSteward, type GovernanceConsumer, type GovernanceContext } from './governance-context.js';
import type { AccessRequestRow } from './governance-tables.js';
import { normalizeRequestedFields } from './governed-fields.js';
import { refuseNotShared } from './not-shared.js';
import { isPurposeCode, purposeExists } from './purpose-catalogue.js';

/** 国发〔2016〕51号: the owning department answers a conditional-sharing request within 10 working days. */
export const RESPONSE_WORKING_DAYS = 10;
/** Longest period one request may ask for; a longer use is asked for again. */
export const MAX_PERIOD_DAYS = 366;
const DAY_MS = 86_400_000;

export interface AccessRequestInput {
  departmentCode: string;
  fields: string[];
  purpose: string;
  legalBasis: string;
  validFrom: string;
  validUntil: string;
  clearText?: boolean | null;
}

export interface WorkflowSettings {
  /** The coordinates the hub governs, read on each request. */
  governedFields: () => Iterable<string>;
  /** The coordinates whose class is 不予共享 (NONE) for every row: no request or grant may name them. */
  notShared: () => ReadonlySet<string>;
  now: () => Date;
  maxPeriodDays: number;
}

/** The calendar date in Asia/Shanghai of an instant: due dates and overdue are Shanghai days. */
export const shanghaiDate = (instant: Date): string => toShanghaiIso(instant).slice(0, 10);

const text = (value: string, argument: string, max = 2000): string => {
  const trimmed = value.trim();
  if (trimmed.length === 0 || trimmed.length > max) throw badUserInput(`${argument} must be 1–${max} characters`, { argument });
  return trimmed;
};

/**
 * Files a request after checking everything an owning department should not have to: a known other
 * department, governed fields, a catalogued purpose, a legal basis, a sane period. Its due date is
 * 10 working days after the Shanghai date of submission (the day of submission not counted).
 *
 * @example
 * const row = await submitAccessRequest(db, portal, { departmentCode: 'health', fields: ['ApplicantRecord.phone'], … }, settings);
 */
export async function submitAccessRequest(
  db: Kysely<HubDatabase>,
  consumer: GovernanceConsumer,
  input: AccessRequestInput,
  settings: WorkflowSettings,
): Promise<AccessRequestRow> {
  const department = input.departmentCode.trim();
  if (consumer.kind === 'DEPARTMENT' && consumer.departmentCode === department) {
    throw badUserInput('a department always sees its own data: request access to another department', { argument: 'input.departmentCode' });
  }
  const known =
    /^[a-z][a-z0-9_-]{0,31}$/.test(department) && (await db.selectFrom('departments').select('code').where('code', '=', department).executeTakeFirst());
  if (!known) throw badUserInput('input.departmentCode is not a registered department', { argument: 'input.departmentCode' });
  const fields = normalizeRequestedFields(input.fields, settings.governedFields());
  refuseNotShared(fields, settings.notShared(), 'input.fields');
  if (!(await purposeExists(db, input.purpose))) {
    const shown = isPurposeCode(input.purpose) ? `${input.purpose} is` : 'input.purpose is';
    throw badUserInput(`${shown} not in the purpose catalogue (see the purposes query)`, { argument: 'input.purpose' });
  }
  const legalBasis = text(input.legalBasis, 'input.legalBasis');
  const now = settings.now();
  const validFrom = new Date(input.validFrom);
  const validUntil = new Date(input.validUntil);
  if (validUntil.getTime() <= validFrom.getTime()) throw badUserInput('input.validUntil must be after input.validFrom', { argument: 'input.validUntil' });
  if (validUntil.getTime() <= now.getTime()) throw badUserInput('input.validUntil must be in the future', { argument: 'input.validUntil' });
  if (validFrom.getTime() - now.getTime() > settings.maxPeriodDays * DAY_MS) {
    throw badUserInput(`input.validFrom may be at most ${settings.maxPeriodDays} days ahead`, { argument: 'input.validFrom', maxDays: settings.maxPeriodDays });
  }
  if (validUntil.getTime() - validFrom.getTime() > settings.maxPeriodDays * DAY_MS) {
    throw badUserInput(`the period may last at most ${settings.maxPeriodDays} days`, { argument: 'input.validUntil', maxDays: settings.maxPeriodDays });
  }
  const dueOn = await addWorkingDays(db, shanghaiDate(now), RESPONSE_WORKING_DAYS);
  return (await db
    .insertInto('access_requests')
    .values({
      public_id: randomUUID(),
      consumer_id: consumer.id,
      department_code: department,
      fields: JSON.stringify(fields),
      purpose: input.purpose,
      legal_basis: legalBasis,
      clear_text: input.clearText === true,
      valid_from: validFrom,
      valid_until: validUntil,
      status: 'PENDING',
      submitted_at: now,
      due_on: dueOn,
    })
    .returningAll()
    .executeTakeFirstOrThrow()) as AccessRequestRow;
}

/**
 * Approves or rejects a PENDING request, named by its public id, as its owning department or a steward,
 * with a reason. An approval creates the grant in the same transaction; a request decided meanwhile by
 * someone else is refused, and so is approving one that names a 不予共享 field (filed before such requests
 * were refused: reject it).
 *
 * @example
 * await decideAccessRequest(db, context, '0b6c…-…', 'APPROVED', '依据《政务信息资源共享管理暂行办法》同意', settings.now(), settings.notShared());
 */
export async function decideAccessRequest(
  db: Kysely<HubDatabase>,
  context: GovernanceContext,
  publicId: string,
  decision: 'APPROVED' | 'REJECTED',
  reason: string,
  now: Date,
  notShared: ReadonlySet<string>,
): Promise<AccessRequestRow> {
  requireDecider(context);
  const row = await db.selectFrom('access_requests').selectAll().where('public_id', '=', publicId).executeTakeFirst();
  if (!row) throw badUserInput('no access request has this id', { argument: 'id' });
  const id = row.id;
  const decider = requireOwnerOrSteward(context, row.department_code);
  const why = text(reason, 'reason');
  if (row.status !== 'PENDING')
    throw badUserInput(`the request is ${row.status}: only a PENDING request can be decided`, { argument: 'id', status: row.status });
  if (decision === 'APPROVED' && row.valid_until.getTime() <= now.getTime()) {
    throw badUserInput('the period asked for has ended: reject it, and the requester asks again', { argument: 'id' });
  }
  if (decision === 'APPROVED') refuseNotShared(row.fields, notShared, 'id');
  return db.transaction().execute(async (tx) => {
    const updated = await tx
      .updateTable('access_requests')
      .set({ status: decision, decided_at: now, decided_by: decider.id, decision_reason: why })
      .where('id', '=', id)
      .where('status', '=', 'PENDING')
      .returningAll()
      .executeTakeFirst();
    if (!updated) throw badUserInput('the request was decided meanwhile', { argument: 'id' });
    if (decision === 'APPROVED') {
      await tx
        .insertInto('grants')
        .values({
          consumer_id: row.consumer_id,
          department_code: row.department_code,
          fields: JSON.stringify(row.fields),
          purpose: row.purpose,
          legal_basis: row.legal_basis,
          clear_text: row.clear_text,
          valid_from: row.valid_from,
          valid_until: row.valid_until,
          request_id: row.id,
          created_at: now,
        })
        .execute();
    }
    return updated as AccessRequestRow;
  });
}

/** Portals and the public never decide; checked before the lookup so they learn nothing about ids. */
function requireDecider(context: GovernanceContext): void {
  const kind = context.consumer?.kind;
  if (kind !== 'DEPARTMENT' && kind !== 'STEWARD') {
    throw new GraphQLError('only the owning department or a data steward may decide a request', {
      extensions: { code: ErrorCode.FORBIDDEN, requires: 'OWNER_OR_STEWARD' },
    });
  }
}

export interface AccessRequestFilter {
  status?: string | null;
  role?: 'MINE' | 'TO_DECIDE' | null;
  overdue?: boolean | null;
  departmentCode?: string | null;
}

const always = (value: boolean) => sql<SqlBool>`${sql.raw(value ? 'true' : 'false')}`;

/**
 * Which requests a consumer may see, narrowed by the filter: its own; those to its department; all for a
 * steward. `overdue` compares the due day with today in Shanghai.
 */
export function accessRequestCondition(
  eb: ExpressionBuilder<HubDatabase, 'access_requests'>,
  consumer: GovernanceConsumer,
  filter: AccessRequestFilter | null | undefined,
  today: string,
): Expression<SqlBool> {
  const mine = eb('consumer_id', '=', consumer.id);
  const toDecide =
    consumer.kind === 'STEWARD'
      ? always(true)
      : consumer.kind === 'DEPARTMENT' && consumer.departmentCode
        ? eb('department_code', '=', consumer.departmentCode)
        : always(false);
  const conditions: Expression<SqlBool>[] = [filter?.role === 'MINE' ? mine : filter?.role === 'TO_DECIDE' ? toDecide : eb.or([mine, toDecide])];
  if (filter?.status) conditions.push(eb('status', '=', filter.status));
  if (filter?.departmentCode) conditions.push(eb('department_code', '=', filter.departmentCode));
  if (typeof filter?.overdue === 'boolean') {
    const overdue = eb.and([eb('status', '=', 'PENDING'), eb('due_on', '<', today)]);
    conditions.push(filter.overdue ? overdue : eb.not(overdue));
  }
  return eb.and(conditions);
}

/** Pending and past its due day (Asia/Shanghai): the answer is late. */
export function isOverdue(row: Pick<AccessRequestRow, 'status' | 'due_on'>, now: Date): boolean {
  return row.status === 'PENDING' && String(row.due_on).slice(0, 10) < shanghaiDate(now);
}
