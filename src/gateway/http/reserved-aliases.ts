import { GraphQLError, type ValidationRule } from 'graphql';
import { ErrorCode } from '../../schema/index.js';

/**
 * Response keys beginning with `_` belong to the hub: its hidden protocol fields (`_recordKeys`,
 * `_applicantKey`, …), the facts governance fetches about every row under `_hub_…` aliases, and
 * stitching's own renames (`_nullable_…`). A client alias there could shadow one of them.
 */
export const RESERVED_ALIAS_PREFIX = '_';

/** The aliases under which the gateway fetches what it must know of a row whatever the client selected. */
export const HUB_ALIAS_PREFIX = '_hub_';

/**
 * Refuses, at validation and before any department is called, every alias in the hub's reserved
 * namespace, so no client-chosen response key can stand in for a key the gateway reads.
 *
 * @example
 * new ApolloServer({ schema, validationRules: [reservedAliasesRule] });
 * // `{ applicant(id: "…") { _recordKeys: name } }` → GRAPHQL_VALIDATION_FAILED
 */
export const reservedAliasesRule: ValidationRule = (context) => ({
  Field(node) {
    const alias = node.alias?.value;
    if (alias === undefined || !alias.startsWith(RESERVED_ALIAS_PREFIX)) return;
    context.reportError(
      new GraphQLError(`alias "${alias}" is reserved: aliases beginning with ${RESERVED_ALIAS_PREFIX} are the hub's own response keys`, {
        nodes: [node],
        extensions: { code: ErrorCode.GRAPHQL_VALIDATION_FAILED },
      }),
    );
  },
});
