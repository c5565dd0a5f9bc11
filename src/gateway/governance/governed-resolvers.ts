import { defaultMergedResolver } from '@graphql-tools/delegate';
import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { GraphQLError, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { parseIdentifier, type IdentifierType } from '../../schema/identifiers/index.js';
import { ErrorCode } from '../../schema/index.js';
import type { FieldPolicy } from './field-policy.js';
import { GOVERNED_TYPES } from './governed-types.js';
import { maskValue } from './masking.js';
import { RequestGovernance, type RowFacts } from './request-governance.js';

/** The slice of the gateway context governance reads and writes. */
export interface GovernedContext {
  governance?: RequestGovernance;
}

/**
 * Wraps every field that carries `@share` — whichever subgraph defines it, and the gateway's own fields
 * such as `Applicant.permits` — so one place decides every path that reaches it: nested, aliased, in
 * fragments, through another department's `Applicant.permits`. Returns the transform `composeGateway`
 * applies to its resolver map before stitching; the types' selection sets make stitching fetch what
 * tells whose data each row is.
 *
 * @example
 * composeGateway(endpoints, { transformResolvers: governResolvers(readFieldPolicies(sdls)) });
 */
export function governResolvers(policies: ReadonlyMap<string, FieldPolicy>) {
  return (resolvers: Record<string, any>): Record<string, any> => {
    const out: Record<string, any> = { ...resolvers };
    const copied = new Set<string>();
    for (const policy of policies.values()) {
      const type = GOVERNED_TYPES[policy.typeName];
      if (!type) throw new Error(`${policy.coordinate} has @share but the gateway cannot tell who owns a ${policy.typeName}`);
      if (!copied.has(policy.typeName)) {
        out[policy.typeName] = { ...(out[policy.typeName] ?? {}) };
        copied.add(policy.typeName);
      }
      const fields = out[policy.typeName];
      const fieldName = policy.coordinate.slice(policy.typeName.length + 1);
      const existing = fields[fieldName];
      const config = typeof existing === 'function' ? { resolve: existing } : { ...(existing ?? {}) };
      fields[fieldName] = {
        ...config,
        selectionSet: config.selectionSet ? `{ ${inner(config.selectionSet)} ${inner(type.selectionSet)} }` : type.selectionSet,
        resolve: governed(policy, type.facts, config.resolve ?? defaultMergedResolver),
      };
    }
    return out;
  };
}

const inner = (selectionSet: string) => selectionSet.trim().replace(/^\{|\}$/g, '');

// A row's facts are read once however many of its fields are selected (a 200-permit page has thousands).
const factsBySource = new WeakMap<object, RowFacts>();

function governed(policy: FieldPolicy, facts: (source: unknown) => RowFacts, resolve: GraphQLFieldResolver<unknown, unknown>): GraphQLFieldResolver<unknown, GovernedContext> {
  const personal = policy.personal;
  const factsOf = (source: unknown): RowFacts => {
    if (typeof source !== 'object' || source === null) return facts(source);
    let known = factsBySource.get(source);
    if (!known) factsBySource.set(source, (known = facts(source)));
    return known;
  };
  return (source, args, context, info) => {
    const access = governanceOf(context).access(policy, factsOf(source));
    const value = resolve(source, args, context, info);
    if (access !== 'masked' || !personal) return value;
    return value instanceof Promise ? value.then((v) => maskValue(personal, v)) : maskValue(personal, value);
  };
}

/** A request that reached the schema without governance set up (a bug, or a test) is treated as the public. */
function governanceOf(context: GovernedContext): RequestGovernance {
  return (context.governance ??= new RequestGovernance({ consumer: null, purpose: null, grants: [] }));
}

/**
 * Guards lookups by a personal identifier: `applicantByIdentifier` with a value that reads as a resident
 * ID needs the steward or a clear-text grant on `Applicant.identifiers` for the declared purpose, else a
 * "no such person" answer would confirm or refute a masked number. Allowed or not, found or not, the
 * lookup goes into the request's audit event.
 *
 * @example
 * const schema = guardIdentifierLookups(composeGateway(endpoints, options).schema);
 */
export function guardIdentifierLookups(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, {
    [MapperKind.QUERY_ROOT_FIELD]: (config, fieldName) => {
      if (fieldName !== 'applicantByIdentifier') return config;
      const resolve = config.resolve ?? defaultMergedResolver;
      return {
        ...config,
        resolve: (source, args: { value: string; type?: IdentifierType | null }, context: GovernedContext, info) => {
          const readings = typeof args.value === 'string' ? parseIdentifier(args.value, args.type ?? undefined) : [];
          if (readings.some((r) => r.type === 'RESIDENT_ID')) {
            const governance = governanceOf(context);
            const allowed = governance.mayLookUpPersonalIdentifier();
            governance.lookup(allowed, 'RESIDENT_ID');
            if (!allowed) {
              throw new GraphQLError('looking up an applicant by resident ID needs a clear-text grant on Applicant.identifiers for the purpose declared in x-purpose', {
                extensions: { code: ErrorCode.FORBIDDEN, field: 'Query.applicantByIdentifier', shareLevel: 'CONDITIONAL', owner: 'identity' },
              });
            }
          }
          return resolve(source, args, context, info);
        },
      };
    },
  });
}
