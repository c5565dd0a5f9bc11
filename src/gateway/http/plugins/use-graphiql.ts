import { graphiqlPage } from '../graphiql-page.js';
import type { HubPlugin } from './hub-plugin.js';

/**
 * The offline GraphQL IDE (`graphiql-page.ts`) for a browser opening /graphql: a GET asking for HTML
 * without a query or a persisted document. Any other request goes on to the GraphQL server.
 *
 * @example
 * const plugins = [useGraphiql()];
 */
export function useGraphiql(): HubPlugin {
  return {
    graphql: [
      (req, res, next) => {
        const graphqlGet = 'query' in req.query || 'documentId' in req.query || 'extensions' in req.query;
        if (req.method === 'GET' && !graphqlGet && req.accepts(['text/html', 'application/json']) === 'text/html') {
          res.type('html').send(graphiqlPage());
          return;
        }
        next();
      },
    ],
  };
}
