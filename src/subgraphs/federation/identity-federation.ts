import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { parse } from 'graphql';
import type { Subgraph } from '../subgraph.js';
import { identitySdl } from '../identity/identity-sdl.js';
import { departmentTypePrefix } from './department-federation.js';
import { type Info, protocolResolvers } from './protocol-resolvers.js';
import { FEDERATION_LINK, publicSdl } from './public-sdl.js';

/**
 * The identity subgraph's federated SDL: applicants and their department records, looked up by id or
 * identifier, and the applicant of each department's permits (`MarketPermit.applicant`, …, one type per
 * department named in `departments`). Steward-only fields (review queues, actions) and every mutation
 * are left out: a Federation gateway does not know who the caller is.
 *
 * @example
 * identityFederationSdl(['market', 'housing', 'health']);
 */
export const identityFederationSdl = (departments: readonly string[]) => /* GraphQL */ `
  ${FEDERATION_LINK}
  ${publicSdl(identitySdl, {
    types: ['DateTime', 'Date', 'Department', 'ApplicantKind', 'IdentifierType', 'Identifier', 'ApplicantRecord', 'Applicant', 'Query'],
    fields: { Query: ['applicant', 'applicantByIdentifier'] },
    protocolFields: ['Applicant._recordKeys'],
    directives: {
      Department: '@key(fields: "code", resolvable: false)',
      Applicant: '@key(fields: "id")',
      // What the department subgraphs need (@requires) to find the applicant's records; no client may read it.
      'Applicant._recordKeys': '@inaccessible',
    },
  })}

  ${departments
    .map(
      (code) => `"A permit of the ${code} department, which owns it; the identity subgraph adds its applicant. 办件"
  type ${departmentTypePrefix(code)}Permit @key(fields: "id") {
    id: ID!
    _applicantKey: String @external
    "The applicant, linked across departments. 申请人"
    applicant: Applicant @requires(fields: "_applicantKey")
  }`,
    )
    .join('\n  ')}
`;

/**
 * The identity subgraph's Federation v2 view, on the same resolvers and per-request loaders as the hub's
 * protocol, with a permit type for each of `departments` (the registry's, when served). The applicants
 * of a page of permits are found in one statement, as through the hub.
 *
 * @example
 * const federated = federateIdentity(createIdentitySubgraph(db), ['market', 'housing', 'health']);
 */
export function federateIdentity(subgraph: Subgraph, departments: readonly string[]): Subgraph {
  const own = protocolResolvers(subgraph.schema);
  const query = own.fields('Query');
  const byId = own.field('Query', 'applicant');
  const byRecordKeys = own.field('Query', '_applicantsByRecordKeys');
  const loaders = new WeakMap<object, DataLoader<string, unknown>>();
  const applicantOf = (context: object, info: Info) => {
    let loader = loaders.get(context);
    if (!loader) {
      loader = new DataLoader(async (keys) => (await byRecordKeys(undefined, { keys }, context, info)) as unknown[]);
      loaders.set(context, loader);
    }
    return loader;
  };
  const permit = {
    __resolveReference: (reference: { id: string; _applicantKey?: string | null }) => reference,
    applicant: ({ _applicantKey }: { _applicantKey?: string | null }, _: unknown, context: object, info: Info) =>
      _applicantKey ? applicantOf(context ?? {}, info).load(_applicantKey) : null,
  };
  const sdl = identityFederationSdl(departments);
  const schema = buildSubgraphSchema({
    typeDefs: parse(sdl),
    resolvers: {
      ...own.scalars,
      Query: { applicant: query.applicant, applicantByIdentifier: query.applicantByIdentifier },
      Applicant: {
        ...own.fields('Applicant'),
        __resolveReference: ({ id }: { id: string }, context: object, info: Info) => byId(undefined, { id }, context ?? {}, info),
      },
      Identifier: own.fields('Identifier'),
      ApplicantRecord: own.fields('ApplicantRecord'),
      ...Object.fromEntries(departments.map((code) => [`${departmentTypePrefix(code)}Permit`, permit])),
    } as never,
  });
  return { name: subgraph.name, sdl, schema };
}
