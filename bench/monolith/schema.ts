// The monolith baseline: one hand-written executable schema for the public SDL, resolving straight
// over the same stores the hub reads — the departments through the same RuntimeAdapters
// (connector + mapper, deadline and batch caps included), applicants and the catalogue through the hub
// database — with per-request DataLoaders. No stitching, no delegation, no subgraph protocol: the cost
// floor the hub is compared against. It implements what the benchmark workloads ask for (plus `permit`
// and `departments`); the rest of the public schema answers with an error.
import type { PermitListArgs } from '../../src/gateway/delegation/permit-lists.js';
import { readFileSync } from 'node:fs';
import DataLoader from 'dataloader';
import { applicantListLoaders } from '../lib/applicant-loaders.js';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { GraphQLError, responsePathAsArray, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import type { Kysely } from 'kysely';
import { AdapterError } from '../../src/adapters/core/adapter-error.js';
import type { PermitPosition } from '../../src/adapters/core/contract.js';
import type { RuntimeAdapter, UnifiedPermitPage, UnifiedPermitQuery } from '../../src/adapters/core/runtime-adapter.js';
import type { HubContext } from '../../src/gateway/hub-context.js';
import { parseIdentifier, type IdentifierType } from '../../src/schema/identifiers/index.js';
import {
  badUserInput,
  decodeCursor,
  decodeGlobalId,
  departmentUnavailable,
  encodeCursor,
  encodeGlobalId,
  pageSize,
  scalarResolvers,
  type UnifiedPermit,
} from '../../src/schema/index.js';
import type { HubDatabase } from '../../src/storage/index.js';
import { createDisclosureList, type DisclosureListArgs, type DisclosureRow, disclosureHighlight } from '../../src/subgraphs/catalogue/disclosure-list.js';

const SDL = readFileSync(new URL('../../src/schema/unified.graphql', import.meta.url), 'utf8');

interface ApplicantRow {
  id: string;
  kind: string;
  name: string;
}
/** A permit as the monolith passes it between resolvers: the unified record and its department. */
interface PermitNode extends UnifiedPermit {
  department: string;
}

function makeLoaders(db: Kysely<HubDatabase>, adapters: ReadonlyMap<string, RuntimeAdapter>) {
  const pages = new Map<string, DataLoader<UnifiedPermitQuery, UnifiedPermitPage>>();
  for (const [code, adapter] of adapters) {
    pages.set(code, new DataLoader((queries) => adapter.listPermits(queries), { cache: false, maxBatchSize: adapter.maxBatch }));
  }
  return {
    pages,
    permitsById: new Map(
      [...adapters].map(([code, adapter]) => [
        code,
        new DataLoader(async (ids: readonly string[]) => {
          const found = await adapter.getPermits(ids);
          return ids.map((id) => found.get(id) ?? null);
        }),
      ]),
    ),
    departments: new DataLoader(async (codes: readonly string[]) => {
      const rows = await db.selectFrom('departments').select(['code', 'name', 'last_synced_at']).where('code', 'in', codes).execute();
      return codes.map((c) => rows.find((r) => r.code === c) ?? null);
    }),
    serviceItems: new DataLoader(async (codes: readonly string[]) => {
      const rows = await db.selectFrom('service_items').selectAll().where('code', 'in', codes).execute();
      const byCode = new Map(rows.map((r) => [r.code, r]));
      return codes.map((c) => byCode.get(c) ?? null);
    }),
    applicantsByRecordKey: new DataLoader(async (keys: readonly string[]) => {
      const byDept = new Map<string, string[]>();
      for (const key of keys) {
        const colon = key.indexOf(':');
        const dept = key.slice(0, colon);
        let ids = byDept.get(dept);
        if (!ids) byDept.set(dept, (ids = []));
        ids.push(key.slice(colon + 1));
      }
      const rows = await db
        .selectFrom('applicant_records as r')
        .innerJoin('applicants as a', 'a.id', 'r.applicant_id')
        .select(['r.department_code', 'r.local_id', 'a.id', 'a.kind', 'a.name'])
        .where((eb) => eb.or([...byDept].map(([dept, ids]) => eb.and([eb('r.department_code', '=', dept), eb('r.local_id', 'in', ids)]))))
        .execute();
      const found = new Map(rows.map((r) => [`${r.department_code}:${r.local_id}`, { id: r.id, kind: r.kind, name: r.name }]));
      return keys.map((k) => found.get(k) ?? null);
    }),
    ...applicantListLoaders(db),
  };
}

/** appliedAt descending with missing dates last, then department, then local id by code point (as the hub). */
function comparePermits(a: PermitNode, b: PermitNode): number {
  if (a.appliedAt !== b.appliedAt) {
    if (a.appliedAt === null) return 1;
    if (b.appliedAt === null) return -1;
    const diff = Date.parse(b.appliedAt) - Date.parse(a.appliedAt);
    if (diff !== 0) return diff;
  }
  if (a.department !== b.department) return a.department < b.department ? -1 : 1;
  return a.localId < b.localId ? -1 : a.localId > b.localId ? 1 : 0;
}

/**
 * The monolith's executable schema over the public SDL.
 *
 * @example
 * const schema = createMonolithSchema(db, new Map([['market', marketRuntimeAdapter]]));
 */
export function createMonolithSchema(db: Kysely<HubDatabase>, adapters: ReadonlyMap<string, RuntimeAdapter>): GraphQLSchema {
  const perRequest = new WeakMap<object, ReturnType<typeof makeLoaders>>();
  const loaders = (context: object) => {
    let l = perRequest.get(context);
    if (!l) perRequest.set(context, (l = makeLoaders(db, adapters)));
    return l;
  };

  const byId = async (id: string): Promise<ApplicantRow | null> => {
    const row = await db.selectFrom('applicants').select(['id', 'kind', 'name', 'merged_into']).where('id', '=', id).executeTakeFirst();
    if (!row) return null;
    if (!row.merged_into) return row;
    return (await db.selectFrom('applicants').select(['id', 'kind', 'name']).where('id', '=', row.merged_into).executeTakeFirst()) ?? null;
  };

  /** One page across departments: one load per department (batched per request), merged in order. */
  const permitList = async (args: PermitListArgs, scope: Map<string, string[]> | null, context: HubContext, info: GraphQLResolveInfo) => {
    const first = pageSize(args.first);
    const filter = args.filter ?? {};
    for (const code of filter.departmentCodes ?? []) {
      if (!adapters.has(code)) throw badUserInput(`unknown department code ${JSON.stringify(code)}`, { argument: 'filter.departmentCodes' });
    }
    const positions: Record<string, PermitPosition | null> = args.after
      ? decodeCursor<Record<string, PermitPosition | null>>(args.after, 'monolith-permits')
      : {};
    const targets = [...adapters.keys()].filter((code) => (!filter.departmentCodes || filter.departmentCodes.includes(code)) && (!scope || scope.has(code)));
    const l = loaders(context);
    const pages = await Promise.all(
      targets.map(async (code) => {
        const query: UnifiedPermitQuery = { first };
        const ids = scope?.get(code);
        if (ids) query.applicantLocalIds = ids;
        if (filter.statuses) query.statuses = filter.statuses;
        if (filter.serviceItemCodes) query.serviceItemCodes = filter.serviceItemCodes;
        if (filter.appliedFrom) query.appliedFrom = filter.appliedFrom;
        if (filter.appliedTo) query.appliedTo = filter.appliedTo;
        const after = positions[code];
        if (after) query.after = after;
        try {
          const page = await l.pages.get(code)!.load(query);
          return { code, page };
        } catch (error) {
          const reason = error instanceof AdapterError ? error.reason : 'ERROR';
          const base = departmentUnavailable(code, reason);
          context.departmentErrors.push(new GraphQLError(base.message, { path: responsePathAsArray(info.path), extensions: base.extensions }));
          return null;
        }
      }),
    );
    const answered = pages.filter((p): p is NonNullable<typeof p> => p !== null);
    const merged = answered
      .flatMap(({ code, page }) => page.permits.map((p): PermitNode => ({ ...p, department: code })))
      .sort(comparePermits)
      .slice(0, first);
    const running: Record<string, PermitPosition | null> = { ...positions };
    const taken = new Map<string, number>();
    for (const p of merged) taken.set(p.department, (taken.get(p.department) ?? 0) + 1);
    const edges = merged.map((node) => {
      running[node.department] = { appliedAt: node.appliedAt, localId: node.localId };
      return { node, cursor: encodeCursor('monolith-permits', { ...running }) };
    });
    return {
      edges,
      nodes: merged,
      totalCount: answered.reduce((sum, p) => sum + p.page.total, 0),
      pageInfo: {
        hasNextPage: answered.some(({ code, page }) => page.hasMore || (taken.get(code) ?? 0) < page.permits.length),
        hasPreviousPage: false,
        startCursor: edges[0]?.cursor ?? null,
        endCursor: edges.at(-1)?.cursor ?? args.after ?? null,
      },
    };
  };

  const scopeOf = (records: ReadonlyArray<{ department: string; localId: string }>) => {
    const scope = new Map<string, string[]>();
    for (const r of records) {
      let list = scope.get(r.department);
      if (!list) scope.set(r.department, (list = []));
      list.push(r.localId);
    }
    return scope;
  };

  // The same indexed search as the hub's catalogue: a monolith would index its disclosure items too.
  const disclosureItems = createDisclosureList(db);

  const notInBaseline = () => {
    throw new GraphQLError('not part of the monolith baseline');
  };

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
            .select(['type', 'value', 'applicant_id'])
            .where((eb) => eb.or(readings.map((r) => eb.and([eb('type', '=', r.type), eb('value', '=', r.value)]))))
            .execute();
          const ids = [...new Set(rows.map((r) => r.applicant_id))];
          if (ids.length > 1) throw badUserInput('value is valid as more than one identifier type; pass type', { argument: 'type' });
          return ids[0] ? byId(ids[0]) : null;
        },
        permits: async (_: unknown, args: PermitListArgs, context: HubContext, info: GraphQLResolveInfo) => {
          let scope: Map<string, string[]> | null = null;
          if (args.filter?.applicantId) {
            const decoded = decodeGlobalId(args.filter.applicantId);
            if (!decoded) throw badUserInput('filter.applicantId is not a valid id', { argument: 'filter.applicantId' });
            const applicant = decoded.type === 'Applicant' ? await byId(decoded.key) : null;
            scope = scopeOf(applicant ? await loaders(context).records.load(applicant.id) : []);
          }
          return permitList(args, scope, context, info);
        },
        permit: async (_: unknown, { id }: { id: string }, context: HubContext) => {
          const decoded = decodeGlobalId(id);
          if (!decoded) throw badUserInput('id is not a valid id', { argument: 'id' });
          const colon = decoded.key.indexOf(':');
          const code = decoded.key.slice(0, colon);
          const loader = decoded.type === 'Permit' ? loaders(context).permitsById.get(code) : undefined;
          if (!loader) return null;
          const permit = await loader.load(decoded.key.slice(colon + 1));
          return permit ? { ...permit, department: code } : null;
        },
        departments: () => db.selectFrom('departments').select(['code', 'name', 'last_synced_at']).orderBy('code').execute(),
        disclosureItems: (_: unknown, args: DisclosureListArgs) => disclosureItems(args),
        serviceItems: notInBaseline,
        serviceItemStats: notInBaseline,
      },
      Applicant: {
        id: (a: ApplicantRow) => encodeGlobalId('Applicant', a.id),
        identifiers: (a: ApplicantRow, _: unknown, context: HubContext) => loaders(context).identifiers.load(a.id),
        records: async (a: ApplicantRow, _: unknown, context: HubContext) =>
          (await loaders(context).records.load(a.id)).map((r) => ({ department: r.department, localId: r.localId, name: r.name })),
        permits: async (a: ApplicantRow, args: PermitListArgs, context: HubContext, info: GraphQLResolveInfo) =>
          permitList({ ...args, filter: { ...args.filter, applicantId: null } }, scopeOf(await loaders(context).records.load(a.id)), context, info),
      },
      ApplicantRecord: {
        department: (r: { department: string }, _: unknown, context: HubContext) => loaders(context).departments.load(r.department),
      },
      Permit: {
        id: (p: PermitNode) => encodeGlobalId('Permit', `${p.department}:${p.localId}`),
        department: (p: PermitNode, _: unknown, context: HubContext) => loaders(context).departments.load(p.department),
        serviceItem: (p: PermitNode, _: unknown, context: HubContext) => (p.serviceItemCode ? loaders(context).serviceItems.load(p.serviceItemCode) : null),
        applicant: (p: PermitNode, _: unknown, context: HubContext) =>
          p.applicantLocalId ? loaders(context).applicantsByRecordKey.load(`${p.department}:${p.applicantLocalId}`) : null,
      },
      Department: {
        lastSyncedAt: (d: { last_synced_at: Date | null }) => d.last_synced_at,
      },
      ServiceItem: {
        id: (s: HubDatabase['service_items']) => encodeGlobalId('ServiceItem', s.code),
        department: (s: HubDatabase['service_items'], _: unknown, context: HubContext) => loaders(context).departments.load(s.department_code),
        statutoryDays: (s: HubDatabase['service_items']) => s.statutory_days,
        committedDays: (s: HubDatabase['service_items']) => s.committed_days,
        legalBasis: (s: HubDatabase['service_items']) => s.legal_basis,
      },
      DisclosureItem: {
        id: (d: HubDatabase['disclosure_items']) => encodeGlobalId('DisclosureItem', d.id),
        publisher: (d: HubDatabase['disclosure_items'], _: unknown, context: HubContext) => loaders(context).departments.load(d.publisher_code),
        publishedAt: (d: { published_at: Date }) => d.published_at,
        highlight: (d: DisclosureRow) => disclosureHighlight(d),
      },
    },
  });
}
