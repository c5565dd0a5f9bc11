import { makeExecutableSchema } from '@graphql-tools/schema';
import DataLoader from 'dataloader';
import type { Kysely, SelectQueryBuilder } from 'kysely';
import { badUserInput, decodeCursor, decodeGlobalId, encodeCursor, encodeGlobalId, pageSize, scalarResolvers, toConnection } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';
import type { Subgraph } from '../subgraph.js';
import {
  accessRequestCondition,
  decideAccessRequest,
  isOverdue,
  MAX_PERIOD_DAYS,
  shanghaiDate,
  submitAccessRequest,
  type AccessRequestFilter,
  type AccessRequestInput,
} from './access-requests.js';
import { auditEventsPage, type AuditEventFilterInput } from './audit-events-query.js';
import { requireConsumer, requireRequester, requireSteward, type GovernanceContext } from './governance-context.js';
import { governanceSdl } from './governance-sdl.js';
import type { AccessRequestRow, GovernanceDatabase, GrantRow } from './governance-tables.js';
import { grantCondition, isGrantActive, revokeGrant, type GrantFilter } from './grants.js';
import { listPurposes, savePurpose } from './purpose-catalogue.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

export interface GovernanceSubgraphOptions {
  /**
   * The field coordinates the hub governs (`ApplicantRecord.phone`, `Permit.applicant`, …), against which
   * requests are checked; a whole type is accepted when it has one. An iterable is read once, at
   * creation (a Map's `keys()` will do); a function is called on every request, for a list computed later.
   */
  governedFields: Iterable<string> | (() => Iterable<string>);
  /**
   * The governed fields with their classes and the departments that provide them, for `fieldProviders`
   * (a function: the list is called for on every request).
   */
  fieldProviders?: () => readonly FieldProviderInfo[];
  /**
   * The coordinates whose class is 不予共享 (NONE) for every row (`Permit.rawStatus`): requests naming
   * them, or a whole type holding one, are refused, and so is approving such a request. Read once.
   */
  notShared?: Iterable<string>;
  /** The clock (tests move it); default the system clock. */
  now?: () => Date;
  /** Longest period one request may ask for, in days (default 366). */
  maxPeriodDays?: number;
}

/** One governed field as `fieldProviders` lists it (structural: subgraphs may not import the gateway's policy type). */
export interface FieldProviderInfo {
  field: string;
  shareLevel: string;
  personShareLevel: string;
  personal: string | null;
  departments: readonly string[];
}

type Args<T> = T & Record<string, unknown>;

/**
 * The governance subgraph: the purpose catalogue, conditional-sharing requests with due dates on the
 * working-day calendar, grants that expire by themselves, and the data steward's audit search. It reads
 * `context.consumer` and answers FORBIDDEN to whoever may not do something; it has no merged types and
 * joins the gateway with the `service` role.
 *
 * @example
 * const governance = createGovernanceSubgraph(hub.db, { governedFields: ['ApplicantRecord.phone', 'Permit.rawStatus'], notShared: ['Permit.rawStatus'] });
 */
export function createGovernanceSubgraph(db: Kysely<HubDatabase>, options: GovernanceSubgraphOptions): Subgraph {
  const gdb = db as unknown as Kysely<GovernanceDatabase>;
  const now = options.now ?? (() => new Date());
  const governed = options.governedFields;
  // An iterable may be one-shot (a Map's keys()): read it once, now.
  const fixed = typeof governed === 'function' ? [] : [...governed];
  const notShared: ReadonlySet<string> = new Set(options.notShared ?? []);
  const settings = {
    governedFields: typeof governed === 'function' ? governed : () => fixed,
    notShared: () => notShared,
    now,
    maxPeriodDays: options.maxPeriodDays ?? MAX_PERIOD_DAYS,
  };

  // Per-request loaders: one query for every consumer name, grant or request a response shows.
  const perRequest = new WeakMap<object, ReturnType<typeof makeLoaders>>();
  const loaders = (context: object | undefined) => {
    if (!context) return makeLoaders(gdb);
    let l = perRequest.get(context);
    if (!l) perRequest.set(context, (l = makeLoaders(gdb)));
    return l;
  };

  const numericKey = (id: string, type: 'Grant') => {
    const decoded = decodeGlobalId(id);
    const n = decoded?.type === type ? Number(decoded.key) : Number.NaN;
    if (!Number.isSafeInteger(n) || n <= 0) throw badUserInput('id is not a grant id', { argument: 'id' });
    return n;
  };

  // An access request's id carries its random public id (see migration 2026-11-27T0900), never its serial.
  const requestKey = (id: string) => {
    const decoded = decodeGlobalId(id);
    if (decoded?.type !== 'AccessRequest' || !UUID.test(decoded.key)) throw badUserInput('id is not an access request id', { argument: 'id' });
    return decoded.key;
  };

  const schema = makeExecutableSchema({
    typeDefs: governanceSdl,
    resolvers: {
      ...scalarResolvers,
      Query: {
        purposes: () => listPurposes(db),
        fieldProviders: (_: unknown, args: Args<{ field?: string | null }>) =>
          (options.fieldProviders?.() ?? [])
            .filter((p) => args.field == null || p.field === args.field)
            .map((p) => ({ ...p, departments: p.departments.map((code) => ({ code })) })),
        accessRequests: async (
          _: unknown,
          args: Args<{ filter?: AccessRequestFilter | null; first?: number | null; after?: string | null }>,
          context: GovernanceContext,
        ) => {
          const consumer = requireConsumer(context);
          const today = shanghaiDate(now());
          const visible = db.selectFrom('access_requests').where((eb) => accessRequestCondition(eb, consumer, args.filter, today));
          return newestFirstPage(
            'accessRequests',
            args,
            visible.selectAll(),
            visible.select((eb) => eb.fn.countAll<number>().as('n')),
          );
        },
        grants: async (_: unknown, args: Args<{ filter?: GrantFilter | null; first?: number | null; after?: string | null }>, context: GovernanceContext) => {
          const consumer = requireConsumer(context);
          const at = now();
          const visible = gdb.selectFrom('grants').where((eb) => grantCondition(eb, consumer, args.filter, at));
          return newestFirstPage(
            'grants',
            args,
            visible.selectAll(),
            visible.select((eb) => eb.fn.countAll<number>().as('n')),
          );
        },
        auditEvents: async (
          _: unknown,
          args: Args<{ filter?: AuditEventFilterInput | null; first?: number | null; after?: string | null }>,
          context: GovernanceContext,
        ) => {
          requireSteward(context);
          return auditEventsPage(db, args.filter, pageSize(args.first), args.after);
        },
      },
      Mutation: {
        savePurpose: async (_: unknown, args: Args<{ code: string; description: string }>, context: GovernanceContext) => {
          requireSteward(context);
          return savePurpose(db, args.code, args.description);
        },
        requestAccess: async (_: unknown, args: Args<{ input: AccessRequestInput }>, context: GovernanceContext) =>
          submitAccessRequest(db, requireRequester(context), args.input, settings),
        approveAccessRequest: (_: unknown, args: Args<{ id: string; reason: string }>, context: GovernanceContext) =>
          decideAccessRequest(db, context ?? {}, requestKey(args.id), 'APPROVED', args.reason, now(), notShared),
        rejectAccessRequest: (_: unknown, args: Args<{ id: string; reason: string }>, context: GovernanceContext) =>
          decideAccessRequest(db, context ?? {}, requestKey(args.id), 'REJECTED', args.reason, now(), notShared),
        revokeGrant: (_: unknown, args: Args<{ id: string; reason: string }>, context: GovernanceContext) =>
          revokeGrant(gdb, context ?? {}, numericKey(args.id, 'Grant'), args.reason, now()),
      },
      AccessRequest: {
        id: (r: AccessRequestRow) => encodeGlobalId('AccessRequest', r.public_id),
        consumerId: (r: AccessRequestRow) => r.consumer_id,
        consumerName: (r: AccessRequestRow, _: unknown, context: object) => loaders(context).consumerNames.load(r.consumer_id),
        department: (r: AccessRequestRow) => ({ code: r.department_code }),
        legalBasis: (r: AccessRequestRow) => r.legal_basis,
        clearText: (r: AccessRequestRow) => r.clear_text,
        validFrom: (r: AccessRequestRow) => r.valid_from,
        validUntil: (r: AccessRequestRow) => r.valid_until,
        submittedAt: (r: AccessRequestRow) => r.submitted_at,
        dueOn: (r: AccessRequestRow) => String(r.due_on).slice(0, 10),
        overdue: (r: AccessRequestRow) => isOverdue(r, now()),
        decidedAt: (r: AccessRequestRow) => r.decided_at,
        decidedBy: (r: AccessRequestRow) => r.decided_by,
        decisionReason: (r: AccessRequestRow) => r.decision_reason,
        grant: (r: AccessRequestRow, _: unknown, context: object) => (r.status === 'APPROVED' ? loaders(context).grantsByRequest.load(r.id) : null),
      },
      Grant: {
        id: (g: GrantRow) => encodeGlobalId('Grant', String(g.id)),
        consumerId: (g: GrantRow) => g.consumer_id,
        consumerName: (g: GrantRow, _: unknown, context: object) => loaders(context).consumerNames.load(g.consumer_id),
        department: (g: GrantRow) => ({ code: g.department_code }),
        legalBasis: (g: GrantRow) => g.legal_basis,
        clearText: (g: GrantRow) => g.clear_text,
        validFrom: (g: GrantRow) => g.valid_from,
        validUntil: (g: GrantRow) => g.valid_until,
        active: (g: GrantRow) => isGrantActive(g, now()),
        createdAt: (g: GrantRow) => g.created_at,
        request: (g: GrantRow, _: unknown, context: object) => (g.request_id === null ? null : loaders(context).requests.load(g.request_id)),
        revokedAt: (g: GrantRow) => g.revoked_at,
        revokedBy: (g: GrantRow) => g.revoked_by,
        revokeReason: (g: GrantRow) => g.revoke_reason,
      },
    },
  });
  return { name: 'governance', sdl: governanceSdl, schema };
}

/** The id inside a list's cursor; BAD_USER_INPUT for a cursor from another list or a forged one. */
/**
 * One page of a list ordered newest first by serial id, with its total: the rows and the count come from
 * the same filtered query, so they cannot disagree.
 */
async function newestFirstPage<R extends { id: number }>(
  kind: string,
  args: { first?: number | null; after?: string | null },
  rows: SelectQueryBuilder<any, any, R>,
  count: SelectQueryBuilder<any, any, { n: number }>,
) {
  const first = pageSize(args.first);
  const page = args.after ? rows.where('id', '<', cursorId(args.after, kind)) : rows;
  const [found, total] = await Promise.all([
    page
      .orderBy('id', 'desc')
      .limit(first + 1)
      .execute(),
    count.executeTakeFirstOrThrow(),
  ]);
  return toConnection<R>(found, first, Number(total.n), (r) => encodeCursor(kind, { id: r.id }));
}

function cursorId(after: string, kind: string): number {
  const { id } = decodeCursor<{ id: unknown }>(after, kind);
  if (typeof id !== 'number' || !Number.isSafeInteger(id)) throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
  return id;
}

function makeLoaders(db: Kysely<GovernanceDatabase>) {
  return {
    consumerNames: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.selectFrom('consumers').select(['id', 'name']).where('id', 'in', ids).execute();
      const names = new Map(rows.map((r) => [r.id, r.name]));
      return ids.map((id) => names.get(id) ?? null);
    }),
    grantsByRequest: new DataLoader(async (ids: readonly number[]) => {
      const rows = await db.selectFrom('grants').selectAll().where('request_id', 'in', ids).execute();
      return ids.map((id) => (rows.find((r) => r.request_id === id) as GrantRow | undefined) ?? null);
    }),
    requests: new DataLoader(async (ids: readonly number[]) => {
      const rows = await db.selectFrom('access_requests').selectAll().where('id', 'in', ids).execute();
      return ids.map((id) => (rows.find((r) => r.id === id) as AccessRequestRow | undefined) ?? null);
    }),
  };
}
