import type { GraphQLFieldResolver, GraphQLResolveInfo, GraphQLScalarType, GraphQLSchema } from 'graphql';
import { getResolversFromSchema } from '@graphql-tools/utils';

/** A field resolver of a subgraph's own schema, called by the federated view with the request's context. */
export type ProtocolResolver = GraphQLFieldResolver<unknown, object, any>;

/** The resolvers a federated view reuses: each type's field resolvers, and the scalars. */
export interface ProtocolResolvers {
  /** A type's field resolvers, by field name (fields read straight off the object have none). */
  fields(type: string): Record<string, ProtocolResolver>;
  /** A field's resolver; throws if the subgraph has none, which would be a programming error. */
  field(type: string, name: string): ProtocolResolver;
  scalars: Record<string, GraphQLScalarType>;
}

/**
 * The resolvers of a subgraph's executable schema, so its federated view runs the very same code (and
 * the same per-request loaders, which key on the context object) as the hub's protocol does.
 *
 * @example
 * const own = protocolResolvers(subgraph.schema);
 * await own.field('Query', '_permitPage')(undefined, { query }, context, info);
 */
export function protocolResolvers(schema: GraphQLSchema): ProtocolResolvers {
  const all = getResolversFromSchema(schema) as Record<string, unknown>;
  const fields = (type: string): Record<string, ProtocolResolver> => {
    const entry = (all[type] ?? {}) as Record<string, { resolve?: ProtocolResolver }>;
    const out: Record<string, ProtocolResolver> = {};
    for (const [name, config] of Object.entries(entry)) if (!name.startsWith('__') && config.resolve) out[name] = config.resolve;
    return out;
  };
  const scalars: Record<string, GraphQLScalarType> = {};
  for (const name of ['DateTime', 'Date']) if (all[name]) scalars[name] = all[name] as GraphQLScalarType;
  return {
    fields,
    field(type, name) {
      const resolve = fields(type)[name];
      if (!resolve) throw new Error(`the subgraph has no resolver for ${type}.${name}`);
      return resolve;
    },
    scalars,
  };
}

/** An entry of a protocol list that is an error (the protocol returns errors in place) is thrown. */
export function unwrap<T>(value: T | Error): T {
  if (value instanceof Error) throw value;
  return value;
}

/** Info is passed through for resolvers that read the selection (identity's list prefetch). */
export type Info = GraphQLResolveInfo;
