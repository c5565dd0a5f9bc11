// The in-process hub as the benchmarks measure it: its benchmark target process (targets/hub.ts) and the
// interleaved comparison (interleave.ts) start it the same way.
import { sql } from 'kysely';
import type { Logger } from '../../src/logging/logger.js';
import { startHub, type Hub } from '../../src/gateway/hub.js';
import { benchRegistrySeed } from './bench-registry.js';
import { openServiceKeyring } from '../../src/subgraphs/service-keys.js';

export interface SyncedHubOptions {
  /** The hub database: a PGlite directory, or (`databaseUrl`) a PostgreSQL database. */
  hubDir?: string;
  databaseUrl?: string;
  /** Where adapters keep stores they own (default: the hub directory's parent). */
  dataDir?: string;
  env: Record<string, string | undefined>;
  governance: boolean;
  /** With governance: where the demo consumers' keys are written. */
  demoCredentialsDir?: string;
  /** The service-token key file, for departments served over HTTP. */
  serviceKeyFile?: string | undefined;
  logger: Logger;
}

/**
 * `startHub` with no sync schedule. `ready` settles once the start-up identity sync has finished (its
 * report as JSON, or `failed …`) and the hub database is vacuumed (PGlite) or analysed (PostgreSQL), so no
 * measurement runs during either.
 *
 * @example
 * const { hub, ready } = await startSyncedHub({ hubDir, env: process.env, governance: false, logger });
 * const sync = await ready;
 */
export async function startSyncedHub(options: SyncedHubOptions): Promise<{ hub: Hub; ready: Promise<string> }> {
  let syncDone!: (outcome: string) => void;
  const synced = new Promise<string>((resolve) => (syncDone = resolve));
  const logger: Logger = {
    ...options.logger,
    info(obj, msg) {
      if (msg === 'identity sync done') syncDone(JSON.stringify(obj));
      options.logger.info(obj, msg);
    },
    error(obj, msg) {
      if (msg === 'identity sync failed') syncDone(`failed ${JSON.stringify(obj)}`);
      options.logger.error(obj, msg);
    },
  };
  const hub = await startHub({
    ...(options.databaseUrl ? { databaseUrl: options.databaseUrl } : { hubDataDir: options.hubDir }),
    ...(options.dataDir ? { dataDir: options.dataDir } : {}),
    port: 0,
    registrySeed: benchRegistrySeed(options.env),
    env: options.env,
    // Every benchmark process reads its department deadline from here (bench/run.ts sets it for 1M permits).
    deadlineMs: Number(process.env.HUITONG_DEPARTMENT_DEADLINE_MS ?? 5000),
    syncIntervalMs: 0,
    governance: options.governance,
    ...(options.demoCredentialsDir ? { demoCredentialsDir: options.demoCredentialsDir } : {}),
    ...(options.serviceKeyFile ? { serviceKeys: openServiceKeyring(options.serviceKeyFile) } : {}),
    logger,
  });
  const ready = synced.then(async (sync) => {
    // The start-up sync rewrote the crosswalk tables, and embedded PGlite has no autovacuum: clean up
    // their dead rows as the monolith's copy is cleaned (bench/monolith/start.ts), so both read alike.
    // PostgreSQL has autovacuum (as deployed): fresh statistics only, as every target's copy gets.
    await (options.databaseUrl ? sql`analyze` : sql`vacuum analyze`).execute(hub.db);
    return sync;
  });
  return { hub, ready };
}
