import { type PortalSite, servePortal } from '../portal-site.js';
import type { HubPlugin } from './hub-plugin.js';

/**
 * The web portal at /portal (`portal-site.ts`): its build's files, or a page saying how to build it.
 *
 * @example
 * const plugins = [usePortal({ dir: '/srv/huitong/portal/dist', demo: false })];
 */
export function usePortal(site: PortalSite | null): HubPlugin {
  return { routes: (app) => servePortal(app, site) };
}
