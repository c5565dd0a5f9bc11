import { defaultMergedResolver } from '@graphql-tools/delegate';
import { MapperKind, mapSchema, type Executor } from '@graphql-tools/utils';
import { GraphQLError, parse, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { parseIdentifier, type IdentifierType } from '../../schema/identifiers/index.js';
import { ErrorCode } from '../../schema/index.js';
import type { FieldPolicy } from './field-policy.js';
import { governanceOf, type GovernedContext } from './governed-resolvers.js';
import { applicantFacts, factKey, hasApplicantFacts } from './governed-types.js';
import type { RowFacts } from './request-governance.js';

/** The facts of an applicant, under the same reserved keys the governed fields' selection sets use. */
const FACTS = `${factKey('id')}: id ${factKey('kind')}: kind ${factKey('_recordKeys')}: _recordKeys`;
const BY_ID = parse(`query ($id: ID!) { applicant(id: $id) { ${FACTS} } }`);
const BY_IDENTIFIER = parse(`query ($value: String!, $type: IdentifierType) { applicantByIdentifier(value: $value, type: $type) { ${FACTS} } }`);

/**
 * The one refusal of a lookup, whether the applicant does not exist or may not be shown: the same
 * message, path and extensions, with no department named.
 */
function notVisible(field: string, shareLevel: string, needs: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(`${field}: no applicant this caller may see answers to it (${needs})`, {
    extensions: { code: ErrorCode.FORBIDDEN, field, shareLevel, ...extensions },
  });
}

const policyOf = (policies: ReadonlyMap<string, FieldPolicy>, coordinate: string) => {
  const policy = policies.get(coordinate);
  if (!policy) throw new Error(`governed lookups need the @share class of ${coordinate}`);
  return policy;
};

/**
 * Guards the root lookups of one applicant, so that a lookup is what reading the applicant is:
 * `applicant(id:)` answers whom `Applicant.id` may be shown to, and `applicantByIdentifier` by a value
 * that can be a resident ID answers only where `Identifier.value` would be read in clear (the steward, a
 * department holding a record of the person, or a clear-text grant on `Identifier.value` from one, for
 * the declared purpose). A lookup that finds no one is decided as if it found an unknown natural person,
 * so "not found" and "not allowed" are one answer to a caller who may not know; every lookup is audited
 * with the applicant it found. Whatever the client selected (even `__typename` alone), the decision is
 * taken on the applicant's facts, fetched from the identity subgraph when the selection did not bring them.
 *
 * @example
 * const schema = guardApplicantLookups(composeGateway(endpoints, options).schema, policies, identity.executor);
 */
export function guardApplicantLookups(schema: GraphQLSchema, policies: ReadonlyMap<string, FieldPolicy>, identity: Executor): GraphQLSchema {
  const idPolicy = policyOf(policies, 'Applicant.id');
  const valuePolicy = policyOf(policies, 'Identifier.value');
  /** The found applicant's facts: from the value when its selection brought them, else asked for. */
  const factsOf = async (value: Record<string, unknown>, document: DocumentNode, variables: Record<string, unknown>, context: object): Promise<RowFacts | null> => {
    if (hasApplicantFacts(value)) return applicantFacts(value);
    const result = (await identity({ document, variables, context })) as { data?: Record<string, Record<string, unknown> | null> | null };
    const row = Object.values(result.data ?? {})[0];
    return row ? applicantFacts(row) : null;
  };

  return mapSchema(schema, {
    [MapperKind.QUERY_ROOT_FIELD]: (config, fieldName) => {
      const resolve = (config.resolve ?? defaultMergedResolver) as GraphQLFieldResolver<unknown, GovernedContext>;
      if (fieldName === 'applicant') {
        return {
          ...config,
          resolve: async (source, args: { id: string }, context: GovernedContext, info) => {
            const value = (await resolve(source, args, context, info)) as Record<string, unknown> | Error | null;
            // Stitching hands the subgraph's error back as the value (a malformed id: the caller's mistake).
            if (value instanceof Error) return value;
            const governance = governanceOf(context);
            const found = value ? await factsOf(value, BY_ID, { id: args.id }, context) : null;
            governance.lookUp(idPolicy, found, {
              label: 'Query.applicant',
              refusal: () => notVisible('Query.applicant', idPolicy.person, "a natural person's data needs a government consumer's credential"),
            });
            return value;
          },
        };
      }
      if (fieldName === 'applicantByIdentifier') {
        return {
          ...config,
          resolve: async (source, args: { value: string; type?: IdentifierType | null }, context: GovernedContext, info) => {
            // Whether the value can name a person is read without the type argument: `type: USCC` on a
            // resident ID must not turn "a person has it" into a different answer from "no one has it".
            const personal = typeof args.value === 'string' && parseIdentifier(args.value).some((r) => r.type === 'RESIDENT_ID');
            const governance = governanceOf(context);
            const refusal = () =>
              notVisible(
                'Query.applicantByIdentifier',
                valuePolicy.person,
                'a lookup by a personal identifier needs what reading it in clear needs: the steward, a department holding a record of the person, or a clear-text grant on Identifier.value from one for the purpose declared in x-purpose',
              );
            let value: Record<string, unknown> | Error | null;
            try {
              value = (await resolve(source, args, context, info)) as Record<string, unknown> | Error | null;
            } catch (error) {
              value = error instanceof Error ? error : new Error(String(error));
            }
            if (value instanceof Error) {
              // "Valid as more than one identifier type" would say that someone holds the number.
              if (personal && isAmbiguous(value)) governance.lookUp(valuePolicy, null, { label: 'lookup:RESIDENT_ID', clear: true, recordAllowed: true, refusal });
              return value;
            }
            const found = value ? await factsOf(value, BY_IDENTIFIER, { value: args.value, type: args.type ?? null }, context) : null;
            // An organisation found by its code is public; a person, or no one behind a number a person may hold, is not.
            if (found && !found.person) return value;
            if (!found && !personal) return value;
            governance.lookUp(valuePolicy, found, { label: personal ? 'lookup:RESIDENT_ID' : 'lookup:PERSON', clear: true, recordAllowed: true, refusal });
            return value;
          },
        };
      }
      return config;
    },
  });
}

/** The applicant a list filter names, as the gateway read it: its public id, kind and record keys. */
export interface FilteredApplicant {
  id: string;
  kind: string;
  recordKeys: readonly string[];
}

/**
 * The check of the permits list's `applicantId` filter: the list is that applicant's permits, so it is
 * decided as `Applicant.permits` of the applicant (an unknown id as an unknown natural person) and
 * audited with the applicant. Throws the one refusal for "not allowed" and "no such applicant".
 *
 * @example
 * composeGateway(endpoints, { checkApplicantFilter: governApplicantFilter(policies) });
 */
export function governApplicantFilter(policies: ReadonlyMap<string, FieldPolicy>) {
  const policy = policyOf(policies, 'Applicant.permits');
  return (applicant: FilteredApplicant | null, context: GovernedContext): void => {
    const found = applicant ? applicantFacts({ [factKey('id')]: applicant.id, [factKey('kind')]: applicant.kind, [factKey('_recordKeys')]: applicant.recordKeys }) : null;
    governanceOf(context).lookUp(policy, found, {
      label: 'PermitFilter.applicantId',
      refusal: () => notVisible('Query.permits', policy.person, "filter.applicantId: a natural person's permits need a government consumer's credential", { argument: 'filter.applicantId' }),
    });
  };
}

/** The identity subgraph's BAD_USER_INPUT for a value two applicants hold under different types, however stitching wrapped it. */
function isAmbiguous(error: Error): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof GraphQLError && e.extensions?.['code'] === ErrorCode.BAD_USER_INPUT && /more than one identifier type/.test(e.message)) return true;
    const wrapped = e as { originalError?: unknown; errors?: unknown[] };
    e = wrapped.originalError ?? wrapped.errors?.[0];
  }
  return false;
}
