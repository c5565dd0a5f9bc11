import type { Registry } from 'prom-client';
import type { HubPlugin } from './hub-plugin.js';

/**
 * GET /metrics: the registry in Prometheus's text format.
 *
 * @example
 * const plugins = [useMetricsRoute(new Registry())];
 */
export function useMetricsRoute(metrics: Registry): HubPlugin {
  return {
    routes: (app) => {
      app.get('/metrics', async (_req, res) => {
        res.type(metrics.contentType).send(await metrics.metrics());
      });
    },
  };
}
