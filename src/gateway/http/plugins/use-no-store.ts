import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import type { HubPlugin } from './hub-plugin.js';

/**
 * Every answer on /graphql says `Cache-Control: no-store`: it may carry people's data, so no browser or
 * proxy keeps a copy. Apollo's cache-control plugin, on by default, would compute the same header from
 * per-field hints this schema never gives — and, to collect them, wraps every resolver of every request.
 *
 * @example
 * const plugins = [useNoStore()];
 */
export const useNoStore = (): HubPlugin => ({
  graphql: [
    (_req, res, next) => {
      res.setHeader('Cache-Control', 'no-store');
      next();
    },
  ],
  apollo: [ApolloServerPluginCacheControlDisabled()],
});
