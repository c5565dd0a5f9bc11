import { defaultMergedResolver } from '@graphql-tools/delegate';
import type { GraphQLFieldResolver } from 'graphql';
import type { FieldPolicy } from './field-policy.js';
import { GOVERNED_TYPES } from './governed-types.js';
import { phasesOf, phaseTimingsOn } from '../../subgraphs/phase-context.js';
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
 * await composeGateway(endpoints, { transformResolvers: governResolvers(readFieldPolicies(sdls)) });
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
        resolve: timedWhenOn(governed(policy, type.facts, config.resolve ?? defaultMergedResolver)),
      };
    }
    return out;
  };
}

const inner = (selectionSet: string) => selectionSet.trim().replace(/^\{|\}$/g, '');

function governed(
  policy: FieldPolicy,
  facts: (source: unknown) => RowFacts,
  resolve: GraphQLFieldResolver<unknown, unknown>,
): GraphQLFieldResolver<unknown, GovernedContext> {
  const personal = policy.personal;
  return (source, args, context, info) => {
    const governance = governanceOf(context);
    const access = governance.access(policy, governance.factsOf(source, facts));
    const value = resolve(source, args, context, info);
    if (access !== 'masked' || !personal) return value;
    return value instanceof Promise ? value.then((v) => maskValue(personal, v)) : maskValue(personal, value);
  };
}

/** With phase timings on when the schema is built, each governed field's check and masking is timed as `governance`. */
function timedWhenOn(resolve: GraphQLFieldResolver<unknown, GovernedContext>): GraphQLFieldResolver<unknown, GovernedContext> {
  if (!phaseTimingsOn()) return resolve;
  return (source, args, context, info) => {
    const phases = phasesOf(context);
    if (!phases) return resolve(source, args, context, info);
    const start = performance.now();
    try {
      return resolve(source, args, context, info);
    } finally {
      phases.add('governance', performance.now() - start);
    }
  };
}

/** A request that reached the schema without governance set up (a bug, or a test) is treated as the public. */
export function governanceOf(context: GovernedContext): RequestGovernance {
  return (context.governance ??= new RequestGovernance({ consumer: null, purpose: null, grants: [] }));
}
