// The demo registry as the benchmarks deploy it. With HUITONG_HEALTH_STORE_URL set (the PostgreSQL runs:
// the target's own hub database), the health department's indexed copy of its CSV exports lives on the
// database server, as a district running the hub on PostgreSQL keeps it, instead of an embedded PGlite
// inside the process that serves the department.
import { createHash } from 'node:crypto';
import { demoRegistrySeed } from '../../src/demo/demo-district.js';
import type { RegistrySeed } from '../../src/gateway/departments/registry-store.js';

/** The variable naming the health store's database; the spec refers to it, so each target sets its own. */
export const HEALTH_STORE_ENV = 'HUITONG_HEALTH_STORE_URL';

/**
 * `demoRegistrySeed`, with health's store on `env[HEALTH_STORE_ENV]` when that is set.
 *
 * @example
 * benchRegistrySeed({ HUITONG_HEALTH_STORE_URL: 'postgres://…/huitong_bench_200_hub' });
 */
export function benchRegistrySeed(env: Record<string, string | undefined>): RegistrySeed {
  if (!env[HEALTH_STORE_ENV]) return demoRegistrySeed;
  return demoRegistrySeed.map((entry) => {
    if (entry.code !== 'health' || !entry.spec) return entry;
    const spec = entry.spec as { connection: Record<string, unknown> };
    return { ...entry, spec: { ...spec, connection: { ...spec.connection, store: { url: { env: HEALTH_STORE_ENV } } } } };
  });
}

/**
 * What a hub template's registry was seeded from: it is seeded once, so a template whose stamp differs
 * (a demo spec changed) is made again.
 *
 * @example
 * registryStamp(process.env); // 'a3f1…'
 */
export function registryStamp(env: Record<string, string | undefined>): string {
  return createHash('sha256')
    .update(JSON.stringify(benchRegistrySeed(env)))
    .digest('hex');
}
