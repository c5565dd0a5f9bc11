import { ApolloArmor } from '@escape.tech/graphql-armor';
import { inputConstraintsPlugin } from './input-constraints.js';

/**
 * graphql-armor's limits on what one request may ask, so an abusive document is refused at
 * validation, before any department is called: depth, aliases, directives and a static cost; tokens
 * are counted by the parser; the schema's `@constraint` bounds on argument values are checked before
 * execution.
 * Field suggestions ("did you mean …") are blocked in production, where they would map the schema.
 * Introspection is left to the IDE (it is deep by nature) and not counted against the depth limit.
 *
 * @example
 * const { plugins, validationRules, parseOptions } = abuseLimits({ production: false });
 */
export function abuseLimits(options: { production: boolean }) {
  const { plugins, validationRules } = new ApolloArmor({
    maxDepth: { n: 12, ignoreIntrospection: true, flattenFragments: true },
    maxAliases: { n: 64 },
    maxDirectives: { n: 50 },
    // The token limit is graphql-js's own parse option (see parseOptions below): armor's version throws
    // from a plugin hook on a syntax error, which Apollo answers with a 500.
    maxTokens: { enabled: false },
    // Cost grows by 1.5× per level: the five-hop nested query the benchmarks use costs about 60,000.
    costLimit: { maxCost: 250_000, ignoreIntrospection: true },
    blockFieldSuggestion: { enabled: options.production },
  }).protect();
  // Every argument's @constraint bounds (string lengths, list sizes), checked with the request's
  // variables before execution.
  return { plugins: [...plugins, inputConstraintsPlugin()], validationRules, parseOptions: { maxTokens: 5000 } };
}
