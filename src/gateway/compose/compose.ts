import { phaseTimingsOn } from '../../subgraphs/phase-context.js';
import { timedExecutor } from '../observability/phase-timings.js';
import { Subschema, type MergedTypeConfig } from '@graphql-tools/delegate';
import { stitchSchemas } from '@graphql-tools/stitch';
import { filterSchema } from '@graphql-tools/utils';
import { buildSchema, parse, type GraphQLObjectType, type GraphQLResolveInfo, type GraphQLSchema } from 'graphql';
import { badUserInput, decodeGlobalId } from '../../schema/index.js';
import { CATALOGUE_LOOKUPS, catalogueStubResolvers } from './catalogue-stubs.js';
import { departmentHealth } from '../departments/department-health.js';
import type { SubgraphEndpoint } from '../delegation/endpoints.js';
import { nextPhase, type PhasePause } from './compose-phases.js';
import { departmentSdl } from '../../subgraphs/department/department-sdl.js';
import { memoizedScalarResolvers } from '../../subgraphs/department/memoized-scalars.js';
import { gatewaySdl } from './gateway-sdl.js';
import type { HubContext } from '../hub-context.js';
import { PageRequests } from '../delegation/page-requests.js';
import { batchDelegate, delegate, preparedDelegation, reuseMergePlans } from '../delegation/prepared-delegation.js';
import { resolvePermitList, type PermitListArgs } from '../delegation/permit-lists.js';
import { HUB_ALIAS_PREFIX } from '../http/reserved-aliases.js';

export interface ComposedGateway {
  schema: GraphQLSchema;
  departments: ReadonlyMap<string, Subschema>;
}

export interface ComposeOptions {
  /** Rewrites the gateway's resolver map before stitching: how governance wraps every governed field in one place. */
  transformResolvers?: (resolvers: Record<string, any>) => Record<string, any>;
  /**
   * Called with the applicant the permits list's `applicantId` filter names (null when no applicant has
   * the id) before any department is asked; throws to refuse the list. How governance decides the filter
   * as it decides `Applicant.permits`.
   */
  checkApplicantFilter?: (applicant: { id: string; kind: string; recordKeys: readonly string[] } | null, context: HubContext) => void;
  /** Awaited after each phase (default: a turn of the event loop), so requests are served between them. */
  pause?: PhasePause;
}

/** A root field of an in-process subgraph, delegated as stitching would, with its document prepared once. */
const preparedRootResolver: NonNullable<ConstructorParameters<typeof Subschema>[0]['createProxyingResolver']> =
  ({ subschemaConfig }) =>
  (_root, args, context, info) =>
    delegate({
      schema: subschemaConfig as Subschema,
      operation: info.operation.operation,
      fieldName: info.fieldName,
      returnType: info.returnType,
      args,
      context: context as object,
      info,
    });

/** A type the catalogue resolves by code, in batches, through prepared delegation. */
const byCodes = (fieldName: string): MergedTypeConfig => ({
  selectionSet: '{ code }',
  fieldName,
  key: ({ code }: { code: string }) => code,
  argsFromKeys: (codes) => ({ codes }),
  resolve: (_original, context, info, subschema, selectionSet, key, type, skipTypeMerging = true) =>
    batchDelegate({
      schema: subschema as Subschema,
      fieldName,
      key,
      argsFromKeys: (codes) => ({ codes }),
      returnType: type,
      context,
      info,
      selectionSet,
      skipTypeMerging,
    }),
});

/** The gateway's own resolvers over the catalogue stubs' (a type both define keeps the fields of each). */
const withStubs = (stubs: Record<string, object>, own: Record<string, any>) => {
  const all = { ...own };
  for (const [type, fields] of Object.entries(stubs)) all[type] = { ...fields, ...own[type] };
  return all;
};

// Every department serves the same SDL: build it once, not once per department.
const builtSchemas = new Map<string, GraphQLSchema>();
const schemaOf = (sdl: string): GraphQLSchema => {
  let schema = builtSchemas.get(sdl);
  if (!schema) {
    if (builtSchemas.size >= 64) builtSchemas.delete(builtSchemas.keys().next().value!);
    builtSchemas.set(sdl, (schema = buildSchema(sdl)));
  }
  return schema;
};

// The lookups' arguments, made once: resolvers run per object of a page.
const idsArgs = (ids: readonly string[]) => ({ ids });
const keysArgs = (keys: readonly string[]) => ({ keys });

const FILTERED_APPLICANT = parse('query ($id: ID!) { applicant(id: $id) { id kind _recordKeys } }');

/**
 * Stitches the subgraphs into the public schema. Built from each subgraph's SDL — never introspection —
 * so a department that is down at start cannot block the hub. Departments, service items and applicants
 * merge by key with batched delegation (a field handing out a department or service item as a `{ code }`
 * stub asks the catalogue directly: catalogue-stubs.ts); lists that cross departments are the gateway's own fields.
 * Protocol fields (`_…`) are removed from what clients see. Each phase (subschemas, stitching, merge plans
 * and filtering) runs as its own task, `options.pause` between them, so composing many departments does
 * not hold the event loop for the whole build.
 *
 * @example
 * const { schema } = await composeGateway([marketEndpoint, housingEndpoint, catalogueEndpoint, identityEndpoint]);
 */
export async function composeGateway(endpoints: readonly SubgraphEndpoint[], options: ComposeOptions = {}): Promise<ComposedGateway> {
  const pause = options.pause ?? nextPhase;
  // A subgraph in this process takes its root fields through prepared delegation, and no request
  // batching (merging documents only pays off when it saves a round trip).
  const subschema = (e: SubgraphEndpoint, merge?: Subschema['merge']) =>
    new Subschema({
      name: e.name,
      schema: schemaOf(e.sdl),
      executor: phaseTimingsOn() ? timedExecutor(e) : e.executor,
      batch: !e.local,
      ...(e.local && preparedDelegation ? { createProxyingResolver: preparedRootResolver } : {}),
      ...(merge ? { merge } : {}),
    });

  const departments = new Map<string, Subschema>();
  const departmentEndpoints = new Map(endpoints.filter((e) => e.role === 'department').map((e) => [e.name, e]));
  let catalogue: Subschema | undefined;
  let identity: Subschema | undefined;
  const services: Subschema[] = [];
  for (const e of endpoints) {
    if (e.role === 'department') departments.set(e.name, subschema(e));
    else if (e.role === 'catalogue') {
      catalogue = subschema(e, {
        Department: byCodes(CATALOGUE_LOOKUPS.Department),
        ServiceItem: byCodes(CATALOGUE_LOOKUPS.ServiceItem),
      });
    } else if (e.role === 'identity') identity = subschema(e);
    else services.push(subschema(e));
  }
  if (!catalogue || !identity) throw new Error('the gateway needs the catalogue and identity subgraphs');
  const identitySchema = identity;

  const recordScope = (keys: readonly string[]) => {
    const scope = new Map<string, string[]>();
    for (const key of keys) {
      const colon = key.indexOf(':');
      const department = key.slice(0, colon);
      let list = scope.get(department);
      if (!list) scope.set(department, (list = []));
      list.push(key.slice(colon + 1));
    }
    return scope;
  };

  // The page type is protocol, hidden from clients, so it is taken from the stitched schema before filtering.
  const local = new Set([...departments].filter(([code]) => departmentEndpoints.get(code)?.local).map(([, s]) => s));
  const pageRequests = new PageRequests(
    () => stitched.getType('_PermitPage') as GraphQLObjectType,
    () => stitched.getType('_PermitItem') as GraphQLObjectType,
    () => stitched.getType('Permit') as GraphQLObjectType,
    (s) => local.has(s),
  );

  const stubs = catalogueStubResolvers([...departments.values(), identity, ...services], catalogue);
  await pause('subschemas');
  const stitched = stitchSchemas({
    subschemas: [...departments.values(), catalogue, identity, ...services],
    // With no department registered yet, the permit types still have to exist for the gateway's own fields.
    typeDefs: departments.size ? gatewaySdl : [departmentSdl, gatewaySdl],
    resolvers: (options.transformResolvers ?? ((r) => r))(
      withStubs(stubs, {
        ...memoizedScalarResolvers,
        Query: {
          viewer: (_root: unknown, _args: unknown, context: HubContext) =>
            context.consumer
              ? {
                  ...context.consumer,
                  department: context.consumer.departmentCode ? { code: context.consumer.departmentCode } : null,
                  purpose: context.purpose,
                }
              : null,
          permits: async (_root: unknown, args: PermitListArgs, context: HubContext, info: GraphQLResolveInfo) => {
            let scope: Map<string, string[]> | null = null;
            if (args.filter?.applicantId) {
              if (decodeGlobalId(args.filter.applicantId)?.type !== 'Applicant')
                throw badUserInput('filter.applicantId is not a valid applicant id', { argument: 'filter.applicantId' });
              const result = (await identitySchema.executor!({ document: FILTERED_APPLICANT, variables: { id: args.filter.applicantId }, context })) as {
                data?: { applicant?: { id: string; kind: string; _recordKeys: string[] } | null };
              };
              const applicant = result.data?.applicant ?? null;
              options.checkApplicantFilter?.(applicant && { id: applicant.id, kind: applicant.kind, recordKeys: applicant._recordKeys }, context);
              scope = recordScope(applicant?._recordKeys ?? []);
            }
            return resolvePermitList(departments, pageRequests, args, scope, context, info);
          },
          permit: (_root: unknown, { id }: { id: string }, context: HubContext, info: GraphQLResolveInfo) => {
            const decoded = decodeGlobalId(id);
            if (!decoded) throw badUserInput('id is not a valid id', { argument: 'id' });
            // A permit's key is `<department>:<local id>`: one without a local id was never made here.
            if (decoded.type === 'Permit' && !/^[^:]+:./.test(decoded.key)) throw badUserInput('id is not a valid permit id', { argument: 'id' });
            const department = decoded.type === 'Permit' ? departments.get(decoded.key.slice(0, decoded.key.indexOf(':'))) : undefined;
            if (!department) return null;
            return batchDelegate({
              schema: department,
              fieldName: '_permitsByIds',
              key: id,
              argsFromKeys: idsArgs,
              returnType: info.returnType,
              context,
              info,
            });
          },
        },
        Department: {
          health: {
            // Under a reserved alias: a client's `code: name` must not change which department is meant.
            selectionSet: `{ ${HUB_ALIAS_PREFIX}code: code }`,
            resolve: (department: Record<string, string>) => {
              const endpoint = departmentEndpoints.get(department[`${HUB_ALIAS_PREFIX}code`]!);
              return endpoint ? departmentHealth(endpoint) : null;
            },
          },
        },
        Permit: {
          applicant: {
            selectionSet: '{ _applicantKey }',
            resolve: (permit: { _applicantKey?: string | null }, _args: unknown, context: HubContext, info: GraphQLResolveInfo) =>
              permit._applicantKey
                ? batchDelegate({
                    schema: identitySchema,
                    fieldName: '_applicantsByRecordKeys',
                    key: permit._applicantKey,
                    argsFromKeys: keysArgs,
                    returnType: info.returnType,
                    context,
                    info,
                  })
                : null,
          },
        },
        Applicant: {
          permits: {
            selectionSet: '{ _recordKeys }',
            resolve: (applicant: { _recordKeys?: string[] }, args: PermitListArgs, context: HubContext, info: GraphQLResolveInfo) =>
              resolvePermitList(
                departments,
                pageRequests,
                { ...args, filter: { ...args.filter, applicantId: null } },
                recordScope(applicant._recordKeys ?? []),
                context,
                info,
              ),
          },
        },
      }),
    ),
  });

  await pause('stitch');
  reuseMergePlans(stitched);
  const schema = filterSchema({
    schema: stitched,
    rootFieldFilter: (_operation, name) => !name.startsWith('_'),
    fieldFilter: (_type, name) => !name.startsWith('_'),
    typeFilter: (name) => !name.startsWith('_'),
  });
  await pause('filter');
  return { schema, departments };
}
