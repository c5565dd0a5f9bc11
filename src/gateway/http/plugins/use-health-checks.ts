import type { HubPlugin } from './hub-plugin.js';

export interface HealthCheckOptions {
  /** Whether storage is migrated and the schema built. */
  isReady: () => boolean;
  /** More for /readyz's body; never changes the status code. */
  readinessDetail?: (() => Promise<Record<string, unknown>>) | undefined;
  /** Each department's health. */
  departmentsHealth: () => Promise<Record<string, unknown>>;
}

/**
 * GET /healthz (the process answers), /readyz (200 once ready, 503 before) and /healthz/departments,
 * for load balancers and operators.
 *
 * @example
 * const plugins = [useHealthChecks({ isReady: () => true, departmentsHealth: async () => ({}) })];
 */
export function useHealthChecks(options: HealthCheckOptions): HubPlugin {
  return {
    routes: (app) => {
      app.get('/healthz', (_req, res) => {
        res.json({ status: 'ok' });
      });
      app.get('/readyz', async (_req, res) => {
        const ready = options.isReady();
        const detail = ready && options.readinessDetail ? await options.readinessDetail() : {};
        res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting', ...detail });
      });
      app.get('/healthz/departments', async (_req, res) => {
        res.json({ departments: await options.departmentsHealth() });
      });
    },
  };
}
