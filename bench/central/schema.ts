// The central copy's GraphQL schema: the public SDL answered by plain resolvers over one database that
// holds every department's permits (bench/central/load.ts) — what a district gets by copying its
// departments' data into one indexed store and serving that. Keyset pages on indexes, per-request
// DataLoaders (one query per level, never one per row), the hub's own disclosure search. It implements
// what the benchmark workloads ask for (plus `permit` and `departments`), like the monolith baseline.
import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import DataLoader from 'dataloader';
import { applicantListLoaders } from '../lib/applicant-loaders.js';
import type { GraphQLSchema } from 'graphql';
import { type Expression, type Kysely, type SqlBool, sql } from 'kysely';
import type { PermitListArgs } from '../../src/gateway/delegation/permit-lists.js';
import { parseIdentifier, type IdentifierType } from '../../src/schema/identifiers/index.js';
import { badUserInput, decodeCursor, decodeGlobalId, encodeCursor, encodeGlobalId, pageSize, scalarResolvers, toConnection } from '../../src/schema/index.js';
import type { HubDatabase } from '../../src/storage/index.js';
import { createDisclosureList, type DisclosureListArgs, type DisclosureRow, disclosureHighlight } from '../../src/subgraphs/catalogue/disclosure-list.js';
import type { CentralDatabase } from './central-database.js';

const SDL = readFileSync(new URL('../../src/schema/unified.graphql', import.meta.url), 'utf8');
const CURSOR = 'central-permits';

type Db = Kysely<CentralDatabase>;
type PermitRow = CentralDatabase['permits'];
type ApplicantRow = { id: string; kind: string; name: string };
type Filter = NonNullable<PermitListArgs['filter']>;
/** A cursor's position in the list order: applied-at (null: none), department, local id. */
type Position = { t: string | null; d: string; id: string };

const PERMIT_COLUMNS = [
  'department_code',
  'local_id',
  'applicant_id',
  'applicant_local_id',
  'service_item_code',
  'title',
  'status',
  'raw_status',
  'applied_at',
  'decided_at',
  'valid_until',
  'statutory_days',
  'committed_days',
  'actual_days',
] as const;

function positionOf(cursor: string): Position {
  const p = decodeCursor<Partial<Position>>(cursor, CURSOR);
  const validTime = p.t === null || (typeof p.t === 'string' && !Number.isNaN(Date.parse(p.t)));
  if (!validTime || typeof p.d !== 'string' || typeof p.id !== 'string') throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
  return { t: p.t ?? null, d: p.d, id: p.id };
}

const cursorOf = (row: PermitRow) => encodeCursor(CURSOR, { t: row.applied_at?.toISOString() ?? null, d: row.department_code, id: row.local_id });

/** The filter's conditions (not the applicant scope, not the cursor): what totalCount counts. */
function filterConditions(filter: Filter): Expression<SqlBool>[] {
  const where: Expression<SqlBool>[] = [];
  if (filter.departmentCodes) where.push(sql<SqlBool>`department_code = any(${[...filter.departmentCodes]})`);
  if (filter.statuses) where.push(sql<SqlBool>`status = any(${[...filter.statuses]})`);
  if (filter.serviceItemCodes) where.push(sql<SqlBool>`service_item_code = any(${[...filter.serviceItemCodes]})`);
  if (filter.appliedFrom) where.push(sql<SqlBool>`applied_at >= ${new Date(filter.appliedFrom)}`);
  if (filter.appliedTo) where.push(sql<SqlBool>`applied_at <= ${new Date(filter.appliedTo)}`);
  return where;
}

/** Strictly after a position in `applied_at desc nulls last, department_code, local_id`. */
function afterPosition(p: Position): Expression<SqlBool> {
  if (p.t === null) return sql<SqlBool>`(applied_at is null and (department_code, local_id) > (${p.d}, ${p.id}))`;
  const t = new Date(p.t);
  return sql<SqlBool>`(applied_at < ${t} or applied_at is null or (applied_at = ${t} and (department_code, local_id) > (${p.d}, ${p.id})))`;
}

const and = (conditions: Expression<SqlBool>[]) => (conditions.length ? sql<SqlBool>`${sql.join(conditions, sql` and `)}` : sql<SqlBool>`true`);
const ORDER = sql`applied_at desc nulls last, department_code, local_id`;

function makeLoaders(db: Db) {
  const byKey = <K, V>(fetch: (keys: readonly K[]) => Promise<Map<K, V>>) =>
    new DataLoader<K, V | null>(async (keys) => {
      const found = await fetch(keys);
      return keys.map((k) => found.get(k) ?? null);
    });
  return {
    departments: byKey(async (codes: readonly string[]) => {
      const rows = await db.selectFrom('departments').select(['code', 'name', 'last_synced_at']).where('code', 'in', codes).execute();
      return new Map(rows.map((r) => [r.code, r]));
    }),
    serviceItems: byKey(async (codes: readonly string[]) => {
      const rows = await db.selectFrom('service_items').selectAll().where('code', 'in', codes).execute();
      return new Map(rows.map((r) => [r.code, r]));
    }),
    applicants: byKey(async (ids: readonly string[]) => {
      const rows = await db.selectFrom('applicants').select(['id', 'kind', 'name']).where('id', 'in', ids).execute();
      return new Map(rows.map((r) => [r.id, r]));
    }),
    ...applicantListLoaders(db),
    /**
     * Every `Applicant.permits` of one level in one query: the first rows of each applicant's list by a
     * window over the (applicant_id, order) index, with each list's total beside them.
     */
    applicantPermits: new DataLoader(
      async (keys: ReadonlyArray<{ applicantId: string; first: number; filter: Filter }>) => {
        const groups = new Map<string, { first: number; filter: Filter; ids: string[] }>();
        for (const k of keys) {
          const key = JSON.stringify([k.first, k.filter]);
          let g = groups.get(key);
          if (!g) groups.set(key, (g = { first: k.first, filter: k.filter, ids: [] }));
          g.ids.push(k.applicantId);
        }
        const results = new Map<string, { rows: PermitRow[]; total: number }>();
        for (const [key, g] of groups) {
          const where = and([sql<SqlBool>`applicant_id = any(${[...new Set(g.ids)]})`, ...filterConditions(g.filter)]);
          const rows = await sql<PermitRow & { rn: number; total: number }>`
            select * from (
              select ${sql.join(PERMIT_COLUMNS.map((c) => sql.ref(c)))},
                row_number() over (partition by applicant_id order by ${ORDER}) as rn,
                count(*) over (partition by applicant_id) as total
              from permits where ${where}
            ) listed where rn <= ${g.first + 1} order by applicant_id, rn`.execute(db);
          for (const id of g.ids) results.set(`${key}|${id}`, { rows: [], total: 0 });
          for (const r of rows.rows) {
            const entry = results.get(`${key}|${r.applicant_id}`)!;
            entry.rows.push(r);
            entry.total = Number(r.total);
          }
        }
        return keys.map((k) => results.get(`${JSON.stringify([k.first, k.filter])}|${k.applicantId}`)!);
      },
      { cache: false },
    ),
  };
}

/**
 * The central copy's executable schema over the public SDL.
 *
 * @example
 * const schema = createCentralSchema(db, ['health', 'housing', 'market']);
 */
export function createCentralSchema(db: Db, permitDepartments: readonly string[]): GraphQLSchema {
  const perRequest = new WeakMap<object, ReturnType<typeof makeLoaders>>();
  const loaders = (context: object) => {
    let l = perRequest.get(context);
    if (!l) perRequest.set(context, (l = makeLoaders(db)));
    return l;
  };

  const byId = async (id: string): Promise<ApplicantRow | null> => {
    const row = await db.selectFrom('applicants').select(['id', 'kind', 'name', 'merged_into']).where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    if (!row.merged_into) return row;
    return (await db.selectFrom('applicants').select(['id', 'kind', 'name']).where('id', '=', row.merged_into).executeTakeFirst()) ?? null;
  };

  const checkedFilter = (filter: Filter | null | undefined): Filter => {
    for (const code of filter?.departmentCodes ?? []) {
      if (!permitDepartments.includes(code)) throw badUserInput(`unknown department code ${JSON.stringify(code)}`, { argument: 'filter.departmentCodes' });
    }
    const { applicantId: _ignored, ...rest } = filter ?? {};
    return rest;
  };

  /** One keyset page and its exact total: two indexed queries. */
  const permitPage = async (args: PermitListArgs, applicantId: string | null) => {
    const first = pageSize(args.first);
    const filter = checkedFilter(args.filter);
    const scope = applicantId === null ? [] : [sql<SqlBool>`applicant_id = ${applicantId}`];
    const counted = [...scope, ...filterConditions(filter)];
    const paged = args.after ? [...counted, afterPosition(positionOf(args.after))] : counted;
    const [rows, count] = await Promise.all([
      sql<PermitRow>`select ${sql.join(PERMIT_COLUMNS.map((c) => sql.ref(c)))} from permits where ${and(paged)} order by ${ORDER} limit ${first + 1}`.execute(
        db,
      ),
      sql<{ n: number }>`select count(*)::int as n from permits where ${and(counted)}`.execute(db),
    ]);
    return toConnection(rows.rows, first, Number(count.rows[0]!.n), cursorOf);
  };

  const disclosureItems = createDisclosureList(db as unknown as Kysely<HubDatabase>);
  const departmentOf = (code: string, context: object) => loaders(context).departments.load(code);

  return makeExecutableSchema({
    typeDefs: SDL,
    resolvers: {
      ...scalarResolvers,
      Query: {
        applicant: async (_: unknown, { id }: { id: string }) => {
          const decoded = decodeGlobalId(id);
          if (!decoded) throw badUserInput('id is not a valid id', { argument: 'id' });
          return decoded.type === 'Applicant' ? byId(decoded.key) : null;
        },
        applicantByIdentifier: async (_: unknown, { value, type }: { value: string; type?: IdentifierType | null }) => {
          const readings = parseIdentifier(value, type ?? undefined);
          if (readings.length === 0) throw badUserInput('value is not a valid USCC, organisation code or resident ID', { argument: 'value' });
          const rows = await db
            .selectFrom('applicant_identifiers')
            .select(['applicant_id'])
            .where((eb) => eb.or(readings.map((r) => eb.and([eb('type', '=', r.type), eb('value', '=', r.value)]))))
            .execute();
          const ids = [...new Set(rows.map((r) => r.applicant_id))];
          if (ids.length > 1) throw badUserInput('value is valid as more than one identifier type; pass type', { argument: 'type' });
          return ids[0] ? byId(ids[0]) : null;
        },
        permits: async (_: unknown, args: PermitListArgs) => {
          if (!args.filter?.applicantId) return permitPage(args, null);
          const decoded = decodeGlobalId(args.filter.applicantId);
          if (!decoded) throw badUserInput('filter.applicantId is not a valid id', { argument: 'filter.applicantId' });
          const applicant = decoded.type === 'Applicant' ? await byId(decoded.key) : null;
          // An unknown applicant has no permits: an id no row holds.
          return permitPage(args, applicant?.id ?? '');
        },
        permit: async (_: unknown, { id }: { id: string }) => {
          const decoded = decodeGlobalId(id);
          if (!decoded) throw badUserInput('id is not a valid id', { argument: 'id' });
          if (decoded.type !== 'Permit') return null;
          const colon = decoded.key.indexOf(':');
          return (
            (await db
              .selectFrom('permits')
              .select(PERMIT_COLUMNS)
              .where('department_code', '=', decoded.key.slice(0, colon))
              .where('local_id', '=', decoded.key.slice(colon + 1))
              .executeTakeFirst()) ?? null
          );
        },
        departments: () => db.selectFrom('departments').select(['code', 'name', 'last_synced_at']).orderBy('code').execute(),
        disclosureItems: (_: unknown, args: DisclosureListArgs) => disclosureItems(args),
      },
      Applicant: {
        id: (a: ApplicantRow) => encodeGlobalId('Applicant', a.id),
        identifiers: (a: ApplicantRow, _: unknown, context: object) => loaders(context).identifiers.load(a.id),
        records: (a: ApplicantRow, _: unknown, context: object) => loaders(context).records.load(a.id),
        permits: async (a: ApplicantRow, args: PermitListArgs, context: object) => {
          // A later page of one applicant's list is its own keyset query; first pages batch per level.
          if (args.after) return permitPage(args, a.id);
          const first = pageSize(args.first);
          const page = await loaders(context).applicantPermits.load({ applicantId: a.id, first, filter: checkedFilter(args.filter) });
          return toConnection(page.rows, first, page.total, cursorOf);
        },
      },
      ApplicantRecord: {
        department: (r: { department: string }, _: unknown, context: object) => departmentOf(r.department, context),
      },
      Permit: {
        id: (p: PermitRow) => encodeGlobalId('Permit', `${p.department_code}:${p.local_id}`),
        department: (p: PermitRow, _: unknown, context: object) => departmentOf(p.department_code, context),
        applicant: (p: PermitRow, _: unknown, context: object) => (p.applicant_id ? loaders(context).applicants.load(p.applicant_id) : null),
        serviceItem: (p: PermitRow, _: unknown, context: object) => (p.service_item_code ? loaders(context).serviceItems.load(p.service_item_code) : null),
        rawStatus: (p: PermitRow) => p.raw_status,
        appliedAt: (p: PermitRow) => p.applied_at,
        decidedAt: (p: PermitRow) => p.decided_at,
        validUntil: (p: PermitRow) => p.valid_until,
        statutoryDays: (p: PermitRow) => p.statutory_days,
        committedDays: (p: PermitRow) => p.committed_days,
        actualDays: (p: PermitRow) => p.actual_days,
      },
      Department: {
        lastSyncedAt: (d: { last_synced_at: Date | null }) => d.last_synced_at,
      },
      ServiceItem: {
        id: (s: CentralDatabase['service_items']) => encodeGlobalId('ServiceItem', s.code),
        department: (s: CentralDatabase['service_items'], _: unknown, context: object) => departmentOf(s.department_code, context),
        statutoryDays: (s: CentralDatabase['service_items']) => s.statutory_days,
        committedDays: (s: CentralDatabase['service_items']) => s.committed_days,
        legalBasis: (s: CentralDatabase['service_items']) => s.legal_basis,
      },
      DisclosureItem: {
        id: (d: DisclosureRow) => encodeGlobalId('DisclosureItem', d.id),
        publisher: (d: DisclosureRow, _: unknown, context: object) => departmentOf(d.publisher_code, context),
        publishedAt: (d: DisclosureRow) => d.published_at,
        highlight: (d: DisclosureRow) => disclosureHighlight(d),
      },
    },
  });
}
