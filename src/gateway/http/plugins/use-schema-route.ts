import type { HubPlugin } from './hub-plugin.js';

/**
 * GET /schema.graphql: the SDL of the schema served now (it changes when a new composition goes live).
 *
 * @example
 * const plugins = [useSchemaRoute(() => printSchema(schema))];
 */
export function useSchemaRoute(sdl: () => string): HubPlugin {
  return {
    routes: (app) => {
      app.get('/schema.graphql', (_req, res) => {
        res.type('text/plain; charset=utf-8').send(sdl());
      });
    },
  };
}
