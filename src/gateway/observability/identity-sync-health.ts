import { Counter, Gauge, type Registry } from 'prom-client';
import type { SyncReport } from '../../subgraphs/identity/sync.js';

/** How the identity syncs have gone lately, as /readyz's body reports it. */
export interface IdentitySyncStatus {
  /** `failing`: the last sync threw or could not read some department; `ok`: it read every one; `not-run` yet. */
  status: 'ok' | 'failing' | 'not-run';
  /** Syncs in a row that failed (0 after one that read every department). */
  consecutiveFailures: number;
  lastSuccessAt: string | null;
  /** The last failure's message (a driver's or a department's), and the departments it could not read. */
  lastError: string | null;
  failedDepartments: string[];
}

/**
 * Remembers how each identity sync ended, for /readyz's body (`identitySync`) and /metrics
 * (`huitong_identity_sync_failures_total`, `huitong_identity_sync_consecutive_failures`). A failing sync
 * never makes the hub unready: it still serves every department; the crosswalk is only getting stale.
 *
 * @example
 * const health = identitySyncHealth(metrics.registry);
 * const report = await health.track(syncIdentity(db, sources));
 * health.status(); // { status: 'ok', consecutiveFailures: 0, … }
 */
export function identitySyncHealth(registry: Registry) {
  const current: IdentitySyncStatus = { status: 'not-run', consecutiveFailures: 0, lastSuccessAt: null, lastError: null, failedDepartments: [] };
  const failures = new Counter({
    name: 'huitong_identity_sync_failures_total',
    help: 'Identity syncs that failed: error (nothing saved) or partial (some departments not read)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  new Gauge({
    name: 'huitong_identity_sync_consecutive_failures',
    help: 'Identity syncs in a row that failed (0 once one reads every department)',
    registers: [registry],
    collect() {
      this.set(current.consecutiveFailures);
    },
  });
  const failed = (outcome: 'error' | 'partial', message: string, departments: string[]) => {
    failures.inc({ outcome });
    Object.assign(current, { status: 'failing', consecutiveFailures: current.consecutiveFailures + 1, lastError: message, failedDepartments: departments });
  };
  return {
    /** Waits for one sync and records how it ended; its result or error passes through unchanged. */
    async track(run: Promise<SyncReport>): Promise<SyncReport> {
      let report: SyncReport;
      try {
        report = await run;
      } catch (error) {
        failed('error', (error as Error).message, []);
        throw error;
      }
      if (report.failed.length > 0) {
        failed(
          'partial',
          report.failed.map((f) => `${f.department}: ${f.error}`).join('; '),
          report.failed.map((f) => f.department),
        );
      } else {
        Object.assign(current, { status: 'ok', consecutiveFailures: 0, lastSuccessAt: new Date().toISOString(), lastError: null, failedDepartments: [] });
      }
      return report;
    },
    status: (): IdentitySyncStatus => ({ ...current, failedDepartments: [...current.failedDepartments] }),
  };
}
