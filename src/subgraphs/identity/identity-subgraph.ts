import DataLoader from 'dataloader';
import { CrosswalkCache, type CrosswalkSession } from './crosswalk-cache.js';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';
import { sql, type ExpressionBuilder, type Kysely } from 'kysely';
import { parseIdentifier, type IdentifierType } from '../../schema/identifiers/index.js';
import { badUserInput, decodeCursor, decodeGlobalId, encodeCursor, encodeGlobalId, ErrorCode, pageSize, scalarResolvers } from '../../schema/index.js';
import { INPUT_LIMITS, isPlainText } from '../../schema/input-limits.js';
import type { HubDatabase } from '../../storage/index.js';
import type { Subgraph } from '../subgraph.js';
import { identitySdl } from './identity-sdl.js';
import { OrganizationSearch } from './organization-search.js';
import { Stewardship, type RecordRefInput } from './stewardship.js';

type CandidateRow = HubDatabase['identity_review_candidates'] & {
  id: number;
  a_department: string;
  a_local_id: string;
  b_department: string;
  b_local_id: string;
};

/** The slice of the gateway's context this subgraph reads: who is asking. */
interface StewardContext {
  consumer?: { id: string; kind: string } | null;
}

/** Steward operations need the data steward credential; returns the steward's id for the history. */
function requireSteward(context: StewardContext | undefined): string {
  const consumer = context?.consumer;
  if (consumer?.kind !== 'STEWARD') {
    throw new GraphQLError('only a data steward may do this', { extensions: { code: ErrorCode.FORBIDDEN, requires: 'STEWARD' } });
  }
  return consumer.id;
}

type KindReviewRow = { department_code: string; local_id: string; status: string; created_at: Date };

interface ApplicantRow {
  id: string;
  kind: string;
  name: string;
}

/**
 * The identity subgraph over the hub database. Per-request loaders batch every applicant's identifiers
 * and records into one query each, however many applicants a response holds.
 *
 * @example
 * const identity = createIdentitySubgraph(hub.db);
 */
export function createIdentitySubgraph(db: Kysely<HubDatabase>): Subgraph {
  const cache = new CrosswalkCache(db);
  const perRequest = new WeakMap<object, ReturnType<typeof makeLoaders>>();
  const loaders = (context: object) => {
    let l = perRequest.get(context);
    if (!l) perRequest.set(context, (l = makeLoaders(db, cache.session())));
    return l;
  };

  /**
   * An applicant by id, following a merge once. With `info`, the identifiers and records its selection
   * reads come in the same statement and are primed into the request's loaders (see `withLists`).
   */
  const byId = async (id: string, info?: GraphQLResolveInfo, context?: object): Promise<ApplicantRow | null> => {
    const lists = info ? listsSelected(info) : NO_LISTS;
    const row = await withLists(db.selectFrom('applicants as a').select(['a.id', 'a.kind', 'a.name', 'a.merged_into']), lists)
      .where('a.id', '=', id)
      .executeTakeFirst();
    return row ? followMerge(row, lists, context) : null;
  };
  /** A live applicant as read (its lists primed), or the one a merge redirected it to. */
  const followMerge = async (row: ApplicantRow & { merged_into: string | null } & Partial<PrefetchedLists>, lists: Lists, context: object | undefined) => {
    if (!row.merged_into) return primed(row, lists, context);
    return (await db.selectFrom('applicants').select(['id', 'kind', 'name']).where('id', '=', row.merged_into).executeTakeFirst()) ?? null;
  };
  /** Hands the lists read with an applicant to the request's loaders, so its fields make no query of their own. */
  const primed = (row: ApplicantRow & Partial<PrefetchedLists>, lists: Lists, context: object | undefined): ApplicantRow => {
    if (context && lists.identifiers && row.identifiers) loaders(context).identifiers.prime(row.id, row.identifiers);
    if (context && lists.records && row.records) loaders(context).records.prime(row.id, row.records.map(toRecord));
    return { id: row.id, kind: row.kind, name: row.name };
  };

  const stewardship = new Stewardship(db);
  const organizations = new OrganizationSearch(db);
  const applicantKey = (id: string, argument: string) => {
    const decoded = decodeGlobalId(id);
    if (decoded?.type !== 'Applicant') throw badUserInput(`${argument} is not an applicant id`, { argument });
    return decoded.key;
  };
  const candidateKey = (id: string) => {
    const decoded = decodeGlobalId(id);
    const n = decoded?.type === 'IdentityReviewCandidate' ? Number(decoded.key) : Number.NaN;
    if (!Number.isSafeInteger(n)) throw badUserInput('id is not a review candidate id', { argument: 'id' });
    return n;
  };
  const candidateRecords = async (c: CandidateRow) => {
    const rows = await db
      .selectFrom('applicant_records as r')
      .innerJoin('applicants as a', 'a.id', 'r.applicant_id')
      .select([...RECORD_COLUMNS, 'a.kind'])
      .where((eb) =>
        eb.or([
          eb.and([eb('r.department_code', '=', c.a_department), eb('r.local_id', '=', c.a_local_id)]),
          eb.and([eb('r.department_code', '=', c.b_department), eb('r.local_id', '=', c.b_local_id)]),
        ]),
      )
      .execute();
    return rows.map((r) => ({ ...toRecord(r), _personal: r.kind === 'PERSON' }));
  };

  const schema = makeExecutableSchema({
    typeDefs: identitySdl,
    resolvers: {
      ...scalarResolvers,
      Mutation: {
        confirmIdentityCandidate: async (_: unknown, { id, reason }: { id: string; reason: string }, context: StewardContext) => {
          const steward = requireSteward(context);
          return byId(await stewardship.confirm(candidateKey(id), steward, reason));
        },
        rejectIdentityCandidate: async (_: unknown, { id, reason }: { id: string; reason: string }, context: StewardContext) => {
          const steward = requireSteward(context);
          await stewardship.reject(candidateKey(id), steward, reason);
          return db.selectFrom('identity_review_candidates').selectAll().where('id', '=', candidateKey(id)).executeTakeFirst();
        },
        deferIdentityCandidate: async (_: unknown, { id, reason }: { id: string; reason: string }, context: StewardContext) => {
          const steward = requireSteward(context);
          await stewardship.defer(candidateKey(id), steward, reason);
          return db.selectFrom('identity_review_candidates').selectAll().where('id', '=', candidateKey(id)).executeTakeFirst();
        },
        mergeApplicants: async (_: unknown, args: { survivorId: string; mergedId: string; reason: string }, context: StewardContext) => {
          const steward = requireSteward(context);
          return byId(await stewardship.merge(applicantKey(args.survivorId, 'survivorId'), applicantKey(args.mergedId, 'mergedId'), steward, args.reason));
        },
        settleApplicantKind: async (_: unknown, args: { record: RecordRefInput; kind: 'PERSON' | 'ORGANIZATION'; reason: string }, context: StewardContext) => {
          const steward = requireSteward(context);
          return byId(await stewardship.settleKind(args.record, args.kind, steward, args.reason));
        },
        splitApplicant: async (_: unknown, args: { applicantId: string; records: RecordRefInput[]; reason: string }, context: StewardContext) => {
          const steward = requireSteward(context);
          return byId(await stewardship.split(applicantKey(args.applicantId, 'applicantId'), args.records, steward, args.reason));
        },
      },
      IdentityReviewCandidate: {
        id: (c: CandidateRow) => encodeGlobalId('IdentityReviewCandidate', String(c.id)),
        records: candidateRecords,
        reason: (c: CandidateRow) => (c.reason === null ? null : c.reason.toUpperCase().replace(/-/g, '_')),
        nameHolders: (c: CandidateRow) => c.name_holders,
        clusterScore: (c: CandidateRow) => c.cluster_score,
      },
      IdentityKindReview: {
        id: (r: KindReviewRow) => encodeGlobalId('IdentityKindReview', JSON.stringify([r.department_code, r.local_id])),
        createdAt: (r: KindReviewRow) => r.created_at,
        record: async (r: KindReviewRow) => {
          const row = await db
            .selectFrom('applicant_records as r')
            .innerJoin('applicants as a', 'a.id', 'r.applicant_id')
            .select([...RECORD_COLUMNS, 'a.kind'])
            .where('r.department_code', '=', r.department_code)
            .where('r.local_id', '=', r.local_id)
            .executeTakeFirst();
          return row ? { ...toRecord(row), _personal: row.kind === 'PERSON' } : null;
        },
        applicant: async (r: KindReviewRow) => {
          const row = await db
            .selectFrom('applicant_records')
            .select('applicant_id')
            .where('department_code', '=', r.department_code)
            .where('local_id', '=', r.local_id)
            .executeTakeFirst();
          return row ? byId(row.applicant_id) : null;
        },
      },
      IdentityAction: {
        id: (a: { id: number }) => encodeGlobalId('IdentityAction', String(a.id)),
        at: (a: { created_at: Date }) => a.created_at,
        applicantIds: (a: { applicant_ids: string[] }) => a.applicant_ids.map((id) => encodeGlobalId('Applicant', id)),
      },
      Query: {
        identityReviewCandidate: async (_: unknown, { id }: { id: string }, context: StewardContext) => {
          requireSteward(context);
          return (await db.selectFrom('identity_review_candidates').selectAll().where('id', '=', candidateKey(id)).executeTakeFirst()) ?? null;
        },
        identityReviewCandidates: async (_: unknown, args: { first?: number | null; after?: string | null }, context: StewardContext) => {
          requireSteward(context);
          const first = pageSize(args.first);
          // Queue order: priority (rows older than the column sort by their score), then score, then id.
          const priority = sql<number>`coalesce(priority, score)`;
          let page = db
            .selectFrom('identity_review_candidates')
            .selectAll()
            .select(priority.as('queue_priority'))
            .where('status', '=', 'OPEN')
            .orderBy(priority, 'desc')
            .orderBy('score', 'desc')
            .orderBy('id')
            .limit(first + 1);
          if (args.after) {
            const cursor = decodeCursor<{ p: number; s: number; id: number }>(args.after, 'identityReviewCandidates');
            // Both columns are float4: compare with the cursor's values at that precision.
            const p = sql<number>`${cursor.p}::real`;
            const score = sql<number>`${cursor.s}::real`;
            page = page.where((eb) =>
              eb.or([
                eb(priority, '<', p),
                eb.and([eb(priority, '=', p), eb('score', '<', score)]),
                eb.and([eb(priority, '=', p), eb('score', '=', score), eb('id', '>', cursor.id)]),
              ]),
            );
          }
          const [rows, count] = await Promise.all([
            page.execute(),
            db
              .selectFrom('identity_review_candidates')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('status', '=', 'OPEN')
              .executeTakeFirstOrThrow(),
          ]);
          const nodes = rows.slice(0, first);
          const last = nodes.at(-1);
          return {
            nodes,
            hasNextPage: rows.length > first,
            endCursor: last ? encodeCursor('identityReviewCandidates', { p: last.queue_priority, s: last.score, id: last.id }) : null,
            totalCount: Number(count.n),
          };
        },
        identityKindReviews: async (_: unknown, args: { first?: number | null; after?: string | null }, context: StewardContext) => {
          requireSteward(context);
          const first = pageSize(args.first);
          let page = db
            .selectFrom('identity_kind_reviews')
            .selectAll()
            .where('status', '=', 'OPEN')
            .orderBy('created_at')
            .orderBy('department_code')
            .orderBy('local_id')
            .limit(first + 1);
          if (args.after) {
            const { d, l } = decodeCursor<{ d: unknown; l: unknown }>(args.after, 'identityKindReviews');
            if (typeof d !== 'string' || typeof l !== 'string') throw badUserInput('after is not a valid cursor for this list', { argument: 'after' });
            const at = await db
              .selectFrom('identity_kind_reviews')
              .select('created_at')
              .where('department_code', '=', d)
              .where('local_id', '=', l)
              .executeTakeFirst();
            if (at) page = page.where((eb) => eb(eb.refTuple('created_at', 'department_code', 'local_id'), '>', eb.tuple(at.created_at, d, l)));
          }
          const [rows, count] = await Promise.all([
            page.execute(),
            db
              .selectFrom('identity_kind_reviews')
              .select((eb) => eb.fn.countAll<number>().as('n'))
              .where('status', '=', 'OPEN')
              .executeTakeFirstOrThrow(),
          ]);
          const nodes = rows.slice(0, first);
          const last = nodes.at(-1);
          return {
            nodes,
            hasNextPage: rows.length > first,
            endCursor: last ? encodeCursor('identityKindReviews', { d: last.department_code, l: last.local_id }) : null,
            totalCount: Number(count.n),
          };
        },
        identityActions: async (_: unknown, { applicantId }: { applicantId: string }, context: StewardContext) => {
          requireSteward(context);
          const key = applicantKey(applicantId, 'applicantId');
          return db
            .selectFrom('identity_actions')
            .selectAll()
            .where(sql<boolean>`applicant_ids @> ${JSON.stringify([key])}::jsonb`)
            .orderBy('id', 'desc')
            .execute();
        },
        applicant: async (_: unknown, { id }: { id: string }, context: object | undefined, info: GraphQLResolveInfo) => {
          const decoded = decodeGlobalId(id);
          if (!decoded) throw badUserInput('id is not a valid id', { argument: 'id' });
          return decoded.type === 'Applicant' ? byId(decoded.key, info, context) : null;
        },
        // One statement: the identifier's applicant, with the identifiers and records the selection reads.
        applicantByIdentifier: async (
          _: unknown,
          { value, type }: { value: string; type?: IdentifierType | null },
          context: object | undefined,
          info: GraphQLResolveInfo,
        ) => {
          const readings = parseIdentifier(value, type ?? undefined);
          if (readings.length === 0) {
            throw badUserInput(type ? `value is not a valid ${type}` : 'value is not a valid USCC, organisation code or resident ID', { argument: 'value' });
          }
          const lists = listsSelected(info);
          const rows = await withLists(
            db
              .selectFrom('applicant_identifiers as k')
              .innerJoin('applicants as a', 'a.id', 'k.applicant_id')
              .select(['a.id', 'a.kind', 'a.name', 'a.merged_into']),
            lists,
          )
            .where((eb) => eb.or(readings.map((r) => eb.and([eb('k.type', '=', r.type), eb('k.value', '=', r.value)]))))
            .execute();
          if (new Set(rows.map((r) => r.id)).size > 1) throw badUserInput('value is valid as more than one identifier type; pass type', { argument: 'type' });
          return rows[0] ? followMerge(rows[0], lists, context) : null;
        },
        searchOrganizations: async (_: unknown, args: { text: string; first?: number | null }) => {
          const first = args.first ?? 20;
          if (!Number.isInteger(first) || first < 0 || first > MAX_SEARCH_RESULTS) {
            throw badUserInput(`first must be an integer from 0 to ${MAX_SEARCH_RESULTS}`, { argument: 'first', max: MAX_SEARCH_RESULTS });
          }
          if (!isPlainText(args.text.trim(), INPUT_LIMITS.search)) {
            throw badUserInput(`text must be 1 to ${INPUT_LIMITS.search} printable characters`, { argument: 'text' });
          }
          return organizations.find(args.text.trim(), first);
        },
        _applicantsByRecordKeys: async (_: unknown, { keys }: { keys: string[] }, context: object | undefined) =>
          keys.length === 0 ? [] : loaders(context ?? {}).session.many('applicantByRecord', keys, (missing) => applicantsByRecordKeys(db, missing)),
      },
      Applicant: {
        id: (a: ApplicantRow) => encodeGlobalId('Applicant', a.id),
        // Each identifier carries whose data it is, so the gateway governs (and masks) its value wherever it is selected.
        identifiers: async (a: ApplicantRow, _: unknown, context: object) => {
          const [identifiers, records] = await Promise.all([loaders(context ?? {}).identifiers.load(a.id), loaders(context ?? {}).records.load(a.id)]);
          const _recordKeys = records.map((r) => r._key);
          return identifiers.map((i) => ({ ...i, _recordKeys, _personal: a.kind === 'PERSON' }));
        },
        // Whether a record is about a person follows its applicant (the row in hand), so no join is needed.
        records: async (a: ApplicantRow, _: unknown, context: object) =>
          (await loaders(context ?? {}).records.load(a.id)).map((r) => ({ ...r, _personal: a.kind === 'PERSON' })),
        _recordKeys: async (a: ApplicantRow, _: unknown, context: object) => (await loaders(context ?? {}).records.load(a.id)).map((r) => r._key),
      },
    },
  });
  return { name: 'identity', sdl: identitySdl, schema };
}

/** The most organisations one search returns: a search is for finding one, not for listing the register. */
const MAX_SEARCH_RESULTS = 50;

interface Lists {
  identifiers: boolean;
  records: boolean;
}
const NO_LISTS: Lists = { identifiers: false, records: false };
/** An applicant row's lists as `withLists` reads them, in the loaders' order. */
interface PrefetchedLists {
  identifiers: Array<{ type: string; value: string }> | null;
  records: Array<{ department_code: string; local_id: string; name: string; phone: string | null; address: string | null }> | null;
}

/**
 * Which of an applicant's lists a selection reads: identifiers (which carry the record keys too), records
 * (also behind `_recordKeys`). Fields under a fragment count whatever its directives say: reading a list
 * that is then skipped costs less than a statement of its own.
 */
function listsSelected(info: GraphQLResolveInfo): Lists {
  const names = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode | undefined) => {
    for (const s of set?.selections ?? []) {
      if (s.kind === Kind.FIELD) names.add(s.name.value);
      else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        walk(info.fragments[s.name.value]?.selectionSet);
      }
    }
  };
  for (const node of info.fieldNodes) walk(node.selectionSet);
  return { identifiers: names.has('identifiers'), records: names.has('identifiers') || names.has('records') || names.has('_recordKeys') };
}

/** Adds an applicant's identifiers and records as JSON arrays (ordered as the loaders order them) to a query over `applicants as a`. */
function withLists<QB extends { select: (selection: (eb: ExpressionBuilder<any, any>) => any) => QB }>(query: QB, lists: Lists): QB {
  let q = query;
  if (lists.identifiers) {
    q = q.select((eb) =>
      eb
        .selectFrom('applicant_identifiers as x')
        .whereRef('x.applicant_id', '=', 'a.id')
        .select(sql`coalesce(json_agg(json_build_object('type', x.type, 'value', x.value) order by x.type desc, x.value), '[]')`.as('j'))
        .as('identifiers'),
    );
  }
  if (lists.records) {
    q = q.select((eb) =>
      eb
        .selectFrom('applicant_records as r')
        .whereRef('r.applicant_id', '=', 'a.id')
        .select(
          sql`coalesce(json_agg(json_build_object('department_code', r.department_code, 'local_id', r.local_id, 'name', r.name, 'phone', r.phone, 'address', r.address) order by r.department_code, r.local_id), '[]')`.as(
            'j',
          ),
        )
        .as('records'),
    );
  }
  return q;
}

/** The request's loaders; each batch asks the crosswalk cache first and the database for what it lacks. */
function makeLoaders(db: Kysely<HubDatabase>, session: CrosswalkSession) {
  return {
    session,
    identifiers: new DataLoader((ids: readonly string[]) =>
      session.many('identifiers', ids, async (missing) => {
        const rows = await db
          .selectFrom('applicant_identifiers')
          .select(['applicant_id', 'type', 'value'])
          .where('applicant_id', 'in', missing)
          .orderBy('type', 'desc')
          .orderBy('value')
          .execute();
        return new Map(missing.map((id) => [id, rows.filter((r) => r.applicant_id === id).map((r) => ({ type: r.type, value: r.value }))]));
      }),
    ),
    records: new DataLoader((ids: readonly string[]) =>
      session.many('records', ids, async (missing) => {
        const rows = await db.selectFrom('applicant_records as r').select(RECORD_COLUMNS).where('r.applicant_id', 'in', missing).execute();
        // Ordered here, not by the database: PGlite's sort of these rows costs several times the lookup.
        rows.sort((x, y) => compareText(x.department_code, y.department_code) || compareText(x.local_id, y.local_id));
        const grouped = new Map<string, StoredRecord[]>(missing.map((id) => [id, []]));
        for (const r of rows) grouped.get(r.applicant_id)!.push(toRecord(r));
        return grouped;
      }),
    ),
  };
}

/** The applicant each `department:localId` record key is linked to, null for an unlinked one. */
async function applicantsByRecordKeys(db: Kysely<HubDatabase>, keys: string[]): Promise<Map<string, ApplicantRow | null>> {
  const pairs = keys.map((k) => {
    const colon = k.indexOf(':');
    return [k.slice(0, colon), k.slice(colon + 1)] as const;
  });
  const rows = await db
    .selectFrom('applicant_records as r')
    .innerJoin('applicants as a', 'a.id', 'r.applicant_id')
    .select(['r.department_code', 'r.local_id', 'a.id', 'a.kind', 'a.name'])
    .where((eb) => eb.or(groupByDepartment(pairs).map(([dept, ids]) => eb.and([eb('r.department_code', '=', dept), eb('r.local_id', 'in', ids)]))))
    .execute();
  const found = new Map(rows.map((r) => [`${r.department_code}:${r.local_id}`, { id: r.id, kind: r.kind, name: r.name }]));
  return new Map(keys.map((k) => [k, found.get(k) ?? null]));
}

/** Plain code order, as the "C" collations sort these ASCII codes and ids. */
const compareText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

const RECORD_COLUMNS = ['r.applicant_id', 'r.department_code', 'r.local_id', 'r.name', 'r.phone', 'r.address'] as const;

interface RecordValue {
  department: { code: string };
  localId: string;
  name: string;
  phone: string | null;
  address: string | null;
  /** `department:localId`, the key governance and audit name the record by. */
  _key: string;
  /** Whether the record is about a natural person: decides masking and the person sharing class. */
  _personal: boolean;
}

/** A record as stored; whether it is about a person comes from its applicant. */
type StoredRecord = Omit<RecordValue, '_personal'>;

function toRecord(r: { department_code: string; local_id: string; name: string; phone: string | null; address: string | null }): StoredRecord {
  return {
    department: { code: r.department_code },
    localId: r.local_id,
    name: r.name,
    phone: r.phone,
    address: r.address,
    _key: `${r.department_code}:${r.local_id}`,
  };
}

function groupByDepartment(pairs: ReadonlyArray<readonly [string, string]>): Array<[string, string[]]> {
  const map = new Map<string, string[]>();
  for (const [dept, id] of pairs) {
    let list = map.get(dept);
    if (!list) map.set(dept, (list = []));
    list.push(id);
  }
  return [...map];
}
