import { ApolloArmor } from '@escape.tech/graphql-armor';
import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../hub-context.js';
import { inputConstraintsPlugin } from '../input-constraints.js';
import { DEFAULT_MAX_QUERY_COST, queryCostPlugin } from '../query-cost.js';
import type { HubPlugin } from './hub-plugin.js';

/**
 * The limits on what one request may ask, so an abusive document is refused before any department is
 * called: graphql-armor's depth, alias and directive limits at validation; tokens counted by the
 * parser; then, once the operation is resolved and its variables are known, the schema's `@constraint`
 * bounds on argument values and the operation's estimated cost (`../query-cost.ts`).
 * Field suggestions ("did you mean …") are blocked in production, where they would map the schema.
 * Introspection is left to the IDE (it is deep by nature) and counts against neither depth nor cost.
 *
 * @example
 * const plugins = [useAbuseLimits({ production: false, maxQueryCost: 25_000 })];
 */
export function useAbuseLimits(options: { production: boolean; maxQueryCost?: number | undefined }): HubPlugin {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: 12, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: 64 },
    maxDirectives: { n: 50 },
    // The token limit is graphql-js's own parse option (see parseOptions below): armor's version throws
    // from a plugin hook on a syntax error, which Apollo answers with a 500.
    maxTokens: { enabled: false },
    // Armor's cost is a validation rule: it never sees variables, so `first: $n` cost it nothing and a
    // literal page was priced by a fixed factor per level. queryCostPlugin prices the real request.
    costLimit: { enabled: false },
    blockFieldSuggestion: { enabled: options.production },
  }).protect();
  // Argument bounds first: a request over both hears about the argument it can fix. Both run with the
  // request's variables, after validation and before execution.
  return {
    apollo: [
      ...plugins,
      inputConstraintsPlugin(),
      queryCostPlugin({ maxCost: options.maxQueryCost ?? DEFAULT_MAX_QUERY_COST }),
    ] as ApolloServerPlugin<HubContext>[],
    validationRules,
    parseOptions: { maxTokens: 5000 },
  };
}
