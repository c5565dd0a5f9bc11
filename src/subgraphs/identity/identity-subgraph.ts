import DataLoader from 'dataloader';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { Kysely } from 'kysely';
import { parseIdentifier, type IdentifierType } from '../../schema/identifiers/index.js';
import { badUserInput, decodeGlobalId, encodeGlobalId, scalarResolvers } from '../../schema/index.js';
import type { HubDatabase } from '../../storage/index.js';
import type { Subgraph } from '../department/department-subgraph.js';
import { identitySdl } from './identity-sdl.js';

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

  const schema = makeExecutableSchema({
    typeDefs: identitySdl,
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
          if (readings.length === 0) {
            throw badUserInput(type ? `value is not a valid ${type}` : 'value is not a valid USCC, organisation code or resident ID', { argument: 'value' });
          }
          const rows = await db
            .selectFrom('applicant_identifiers')
            .select(['type', 'value', 'applicant_id'])
            .where((eb) => eb.or(readings.map((r) => eb.and([eb('type', '=', r.type), eb('value', '=', r.value)]))))
            .execute();
          const ids = [...new Set(rows.map((r) => r.applicant_id))];
          if (ids.length > 1) throw badUserInput('value is valid as more than one identifier type; pass type', { argument: 'type' });
          return ids[0] ? byId(ids[0]) : null;
        },
        _applicantsByRecordKeys: async (_: unknown, { keys }: { keys: string[] }) => {
          const pairs = keys.map((k) => {
            const colon = k.indexOf(':');
            return [k.slice(0, colon), k.slice(colon + 1)] as const;
          });
          if (pairs.length === 0) return [];
          const rows = await db
            .selectFrom('applicant_records as r')
            .innerJoin('applicants as a', 'a.id', 'r.applicant_id')
            .select(['r.department_code', 'r.local_id', 'a.id', 'a.kind', 'a.name'])
            .where((eb) => eb.or(groupByDepartment(pairs).map(([dept, ids]) => eb.and([eb('r.department_code', '=', dept), eb('r.local_id', 'in', ids)]))))
            .execute();
          const found = new Map(rows.map((r) => [`${r.department_code}:${r.local_id}`, { id: r.id, kind: r.kind, name: r.name }]));
          return keys.map((k) => found.get(k) ?? null);
        },
      },
      Applicant: {
        id: (a: ApplicantRow) => encodeGlobalId('Applicant', a.id),
        identifiers: (a: ApplicantRow, _: unknown, context: object) => loaders(context ?? {}).identifiers.load(a.id),
        records: (a: ApplicantRow, _: unknown, context: object) => loaders(context ?? {}).records.load(a.id),
        _recordKeys: async (a: ApplicantRow, _: unknown, context: object) =>
          (await loaders(context ?? {}).records.load(a.id)).map((r) => `${r.department.code}:${r.localId}`),
      },
    },
  });
  return { name: 'identity', sdl: identitySdl, schema };
}

function makeLoaders(db: Kysely<HubDatabase>) {
  return {
    identifiers: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.selectFrom('applicant_identifiers').select(['applicant_id', 'type', 'value']).where('applicant_id', 'in', ids).orderBy('type', 'desc').orderBy('value').execute();
      return ids.map((id) => rows.filter((r) => r.applicant_id === id).map((r) => ({ type: r.type, value: r.value })));
    }),
    records: new DataLoader(async (ids: readonly string[]) => {
      const rows = await db.selectFrom('applicant_records').select(['applicant_id', 'department_code', 'local_id', 'name']).where('applicant_id', 'in', ids).orderBy('department_code').orderBy('local_id').execute();
      const grouped = new Map<string, Array<{ department: { code: string }; localId: string; name: string }>>();
      for (const r of rows) {
        let list = grouped.get(r.applicant_id);
        if (!list) grouped.set(r.applicant_id, (list = []));
        list.push({ department: { code: r.department_code }, localId: r.local_id, name: r.name });
      }
      return ids.map((id) => grouped.get(id) ?? []);
    }),
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
