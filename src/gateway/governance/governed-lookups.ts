import { defaultMergedResolver } from '@graphql-tools/delegate';
import { MapperKind, mapSchema, type Executor } from '@graphql-tools/utils';
import { GraphQLError, parse, type DocumentNode, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { parseIdentifier, type IdentifierType } from '../../schema/identifiers/index.js';
import { ErrorCode } from '../../schema/index.js';
import type { FieldPolicy } from './field-policy.js';
import { governanceOf, type GovernedContext } from './governed-resolvers.js';
import { applicantFacts, factKey, hasApplicantFacts } from './governed-types.js';
import type { RequestGovernance, RowFacts } from './request-governance.js';

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

/** What the identity subgraph says of the applicant a lookup names, asked for its facts alone. */
interface Asked {
  facts: RowFacts | null;
  /** The value is held by two applicants under different types (only the steward hears so). */
  ambiguous: boolean;
  /** The argument is malformed: the caller's own mistake, which says nothing about anyone. */
  badInput: boolean;
}

/** One guarded lookup: its policy, how it is refused and audited, and which outcomes need a decision at all. */
interface Lookup {
  policy: FieldPolicy;
  clear: boolean;
  label: (found: RowFacts | null) => string;
  recordAllowed: boolean;
  refusal: () => GraphQLError;
  /** Whether an outcome is decided: `applicantByIdentifier` lets an organisation's public code through. */
  decides: (found: RowFacts | null) => boolean;
  ask: () => Promise<Asked>;
  resolve: () => Promise<unknown>;
}

/**
 * Guards the root lookups of one applicant, so that a lookup is what reading the applicant is:
 * `applicant(id:)` answers whom `Applicant.id` may be shown to, and `applicantByIdentifier` by a value
 * that can be a resident ID answers only where `Identifier.value` would be read in clear (the steward, a
 * department holding a record of the person, or a clear-text grant on `Identifier.value` from one, for
 * the declared purpose). A lookup that finds no one is decided as if it found an unknown natural person,
 * so "not found" and "not allowed" are one answer to a caller who may not know; every lookup is audited
 * with the applicant it found. Whatever the client selected (even `__typename` alone), the decision is
 * taken on the applicant's facts.
 *
 * @example
 * const schema = guardApplicantLookups((await composeGateway(endpoints, options)).schema, policies, identity.executor);
 */
export function guardApplicantLookups(schema: GraphQLSchema, policies: ReadonlyMap<string, FieldPolicy>, identity: Executor): GraphQLSchema {
  const idPolicy = policyOf(policies, 'Applicant.id');
  const valuePolicy = policyOf(policies, 'Identifier.value');
  const ask = async (document: DocumentNode, variables: Record<string, unknown>, context: object): Promise<Asked> => {
    const result = (await identity({ document, variables, context })) as {
      data?: Record<string, Record<string, unknown> | null> | null;
      errors?: ReadonlyArray<{ message: string; extensions?: Record<string, unknown> }>;
    };
    const row = Object.values(result.data ?? {})[0];
    const errors = result.errors ?? [];
    const ambiguous = errors.some(isAmbiguous);
    return {
      facts: row ? applicantFacts(row) : null,
      ambiguous,
      badInput: !ambiguous && errors.some((e) => e.extensions?.['code'] === ErrorCode.BAD_USER_INPUT),
    };
  };

  return mapSchema(schema, {
    [MapperKind.QUERY_ROOT_FIELD]: (config, fieldName) => {
      const resolve = (config.resolve ?? defaultMergedResolver) as GraphQLFieldResolver<unknown, GovernedContext>;
      if (fieldName === 'applicant') {
        return {
          ...config,
          resolve: (source, args: { id: string }, context: GovernedContext, info) =>
            guarded(governanceOf(context), {
              policy: idPolicy,
              clear: false,
              label: () => 'Query.applicant',
              recordAllowed: false,
              refusal: () => notVisible('Query.applicant', idPolicy.person, "a natural person's data needs a government consumer's credential"),
              decides: () => true,
              ask: () => ask(BY_ID, { id: args.id }, context),
              resolve: async () => resolve(source, args, context, info),
            }),
        };
      }
      if (fieldName === 'applicantByIdentifier') {
        return {
          ...config,
          resolve: (source, args: { value: string; type?: IdentifierType | null }, context: GovernedContext, info) => {
            // Whether the value can name a person is read without the type argument: `type: USCC` on a
            // resident ID must not turn "a person has it" into a different answer from "no one has it".
            const personal = typeof args.value === 'string' && parseIdentifier(args.value).some((r) => r.type === 'RESIDENT_ID');
            return guarded(governanceOf(context), {
              policy: valuePolicy,
              clear: true,
              label: (found) => (personal || !found ? 'lookup:RESIDENT_ID' : 'lookup:PERSON'),
              recordAllowed: true,
              refusal: () =>
                notVisible(
                  'Query.applicantByIdentifier',
                  valuePolicy.person,
                  'a lookup by a personal identifier needs what reading it in clear needs: the steward, a department holding a record of the person, or a clear-text grant on Identifier.value from one for the purpose declared in x-purpose',
                ),
              // An organisation found by its code is public; a person, or no one behind a number a person may hold, is not.
              decides: (found) => (found ? found.person : personal),
              ask: () => ask(BY_IDENTIFIER, { value: args.value, type: args.type ?? null }, context),
              resolve: async () => resolve(source, args, context, info),
            });
          },
        };
      }
      return config;
    },
  });
}

/**
 * Runs one lookup. A caller who would be refused an unknown person has the decision taken first, on
 * the facts asked for alone — the same one identity query whoever is behind the key, so neither the
 * answer nor the work before it (nor the order of errors in a response holding several lookups) differs
 * between a person and no one — and the client's selection runs only once allowed. A caller who may
 * know gets the answer, decided and audited on the facts it brought (asked for when it brought none).
 */
async function guarded(governance: RequestGovernance, lookup: Lookup): Promise<unknown> {
  const decide = (found: RowFacts | null) =>
    governance.lookUp(lookup.policy, found, { label: lookup.label(found), clear: lookup.clear, recordAllowed: lookup.recordAllowed, refusal: lookup.refusal });
  if (!governance.mayKnowNobody(lookup.policy, lookup.clear)) {
    const asked = await lookup.ask();
    if (asked.ambiguous) decide(null);
    else if (!asked.badInput && lookup.decides(asked.facts)) decide(asked.facts);
    return lookup.resolve();
  }
  let value: unknown;
  try {
    value = await lookup.resolve();
  } catch (error) {
    value = error;
  }
  // Stitching hands a subgraph's error back as the value.
  if (value instanceof Error) {
    if (isAmbiguous(value) && lookup.decides(null)) decide(null);
    return value;
  }
  if (value === null || value === undefined) {
    if (lookup.decides(null)) decide(null);
    return value;
  }
  const row = value as Record<string, unknown>;
  const found = hasApplicantFacts(row) ? applicantFacts(row) : (await lookup.ask()).facts;
  if (lookup.decides(found)) decide(found);
  return value;
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
 * await composeGateway(endpoints, { checkApplicantFilter: governApplicantFilter(policies) });
 */
export function governApplicantFilter(policies: ReadonlyMap<string, FieldPolicy>) {
  const policy = policyOf(policies, 'Applicant.permits');
  return (applicant: FilteredApplicant | null, context: GovernedContext): void => {
    const found = applicant
      ? applicantFacts({ [factKey('id')]: applicant.id, [factKey('kind')]: applicant.kind, [factKey('_recordKeys')]: applicant.recordKeys })
      : null;
    governanceOf(context).lookUp(policy, found, {
      label: 'PermitFilter.applicantId',
      refusal: () =>
        notVisible('Query.permits', policy.person, "filter.applicantId: a natural person's permits need a government consumer's credential", {
          argument: 'filter.applicantId',
        }),
    });
  };
}

/** The identity subgraph's BAD_USER_INPUT for a value two applicants hold under different types, however stitching wrapped it. */
function isAmbiguous(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 5; depth++) {
    const coded = e as { message?: unknown; extensions?: Record<string, unknown>; originalError?: unknown; errors?: unknown[] };
    if (coded.extensions?.['code'] === ErrorCode.BAD_USER_INPUT && typeof coded.message === 'string' && /more than one identifier type/.test(coded.message))
      return true;
    e = coded.originalError ?? coded.errors?.[0];
  }
  return false;
}
