import type { ApolloServerPlugin } from '@apollo/server';
import type { HubContext } from '../../hub-context.js';
import type { HubPlugin } from './hub-plugin.js';

/**
 * Apollo Server plugins as they are (Apollo's own, or a caller's), in the one list.
 *
 * @example
 * const plugins = [useApolloPlugins(ApolloServerPluginLandingPageDisabled())];
 */
export const useApolloPlugins = (...plugins: ApolloServerPlugin<HubContext>[]): HubPlugin => ({ apollo: plugins });
