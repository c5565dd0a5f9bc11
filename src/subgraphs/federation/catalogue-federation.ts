import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { parse } from 'graphql';
import { catalogueSdl } from '../catalogue/catalogue-sdl.js';
import type { Subgraph } from '../subgraph.js';
import { type Info, protocolResolvers, unwrap } from './protocol-resolvers.js';
import { FEDERATION_LINK, publicSdl } from './public-sdl.js';

/** The catalogue's federated SDL: its public schema, with Department and ServiceItem as entities keyed by code. */
export const catalogueFederationSdl = /* GraphQL */ `
  ${FEDERATION_LINK}
  ${publicSdl(catalogueSdl, {
    types: [
      'DateTime',
      'Date',
      'PowerCategory',
      'PageInfo',
      'Department',
      'ServiceItem',
      'ServiceItemEdge',
      'ServiceItemConnection',
      'ServiceItemFilter',
      'ServiceItemStats',
      'DisclosureMode',
      'DisclosureItem',
      'DisclosureItemEdge',
      'DisclosureItemConnection',
      'DisclosureItemFilter',
      'Query',
    ],
    directives: { Department: '@key(fields: "code")', ServiceItem: '@key(fields: "code")', PageInfo: '@shareable' },
  })}
`;

/**
 * The catalogue subgraph's Federation v2 view, on its own resolvers; departments and service items that
 * other subgraphs reference by code are looked up in one statement per request and type.
 *
 * @example
 * const federated = federateCatalogue(createCatalogueSubgraph(db));
 */
export function federateCatalogue(subgraph: Subgraph): Subgraph {
  const own = protocolResolvers(subgraph.schema);
  const byCodes = (field: string) => {
    const resolve = own.field('Query', field);
    const loaders = new WeakMap<object, DataLoader<string, unknown>>();
    return ({ code }: { code: string }, context: object, info: Info) => {
      const key = context ?? {};
      let loader = loaders.get(key);
      if (!loader) {
        loader = new DataLoader(async (codes) => (await resolve(undefined, { codes }, key, info)) as unknown[]);
        loaders.set(key, loader);
      }
      return loader.load(code).then(unwrap);
    };
  };
  const { _departmentsByCodes, _serviceItemsByCodes, ...query } = own.fields('Query');
  const types = ['Department', 'ServiceItem', 'ServiceItemConnection', 'ServiceItemStats', 'DisclosureItem', 'DisclosureItemConnection'];
  const schema = buildSubgraphSchema({
    typeDefs: parse(catalogueFederationSdl),
    resolvers: {
      ...own.scalars,
      ...Object.fromEntries(types.map((t) => [t, own.fields(t)])),
      Query: query,
      Department: { ...own.fields('Department'), __resolveReference: byCodes('_departmentsByCodes') },
      ServiceItem: { ...own.fields('ServiceItem'), __resolveReference: byCodes('_serviceItemsByCodes') },
    } as never,
  });
  return { name: subgraph.name, sdl: catalogueFederationSdl, schema };
}
