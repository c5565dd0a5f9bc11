import { buildSubgraphSchema } from '@apollo/subgraph';
import DataLoader from 'dataloader';
import { Kind, parse } from 'graphql';
import { catalogueSdl } from '../catalogue/catalogue-sdl.js';
import type { Subgraph } from '../subgraph.js';
import { type Info, protocolResolvers, unwrap } from './protocol-resolvers.js';
import { FEDERATION_LINK, publicSdl } from './public-sdl.js';

/** Every type of an SDL but the `_` protocol's: the catalogue is the bureau's public data, all of it. */
function publicTypes(sdl: string, kinds: readonly Kind[] = []): string[] {
  return parse(sdl)
    .definitions.filter((d) => d.kind !== Kind.DIRECTIVE_DEFINITION && (kinds.length === 0 || kinds.includes(d.kind)))
    .map((d) => ('name' in d && d.name ? d.name.value : ''))
    .filter((name) => name !== '' && !name.startsWith('_'));
}

/** The catalogue's federated SDL: its public schema, with Department and ServiceItem as entities keyed by code. */
export const catalogueFederationSdl = /* GraphQL */ `
  ${FEDERATION_LINK}
  ${publicSdl(catalogueSdl, {
    types: publicTypes(catalogueSdl),
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
  const types = publicTypes(catalogueSdl, [Kind.OBJECT_TYPE_DEFINITION]).filter((t) => t !== 'Query');
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
