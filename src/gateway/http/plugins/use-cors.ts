import cors from 'cors';
import type { HubPlugin } from './hub-plugin.js';

/**
 * The CORS allow-list on /graphql: empty means same-origin only, `*` allows any; no credentials.
 *
 * @example
 * const plugins = [useCors(['https://portal.example.gov'])];
 */
export function useCors(origins: readonly string[]): HubPlugin {
  return {
    graphql: [
      cors({
        origin: origins.includes('*') ? true : [...origins],
        credentials: false,
        allowedHeaders: ['content-type', 'authorization', 'x-purpose', 'apollo-require-preflight', 'x-apollo-operation-name'],
        maxAge: 600,
      }),
    ],
  };
}
