import type { GraphQLSchema } from 'graphql';

/**
 * A subgraph: its SDL (what the gateway composes from) and the executable schema that serves it. Every
 * subgraph — a department's, the catalogue, identity, governance, the registry — is one of these.
 *
 * @example
 * const subgraph: Subgraph = { name: 'catalogue', sdl, schema: makeExecutableSchema({ typeDefs: sdl, resolvers }) };
 */
export interface Subgraph {
  name: string;
  sdl: string;
  schema: GraphQLSchema;
}
