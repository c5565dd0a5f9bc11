import { sql, type Kysely } from 'kysely';
import { Gauge, type Registry } from 'prom-client';
import type { Logger } from '../../logging/logger.js';
import type { AuditAnchor } from '../../storage/audit-log/index.js';

/** How the audit chain in the database compares with the anchor this process keeps outside it. */
export interface AuditAnchorStatus {
  /** `shorter-than-anchor`: events the anchor saw signed are gone from the database (truncated or wiped). */
  chain: 'ok' | 'shorter-than-anchor' | 'unknown';
  /** Where the chain ends: the last event, or the pruning anchor when every event was pruned. */
  chainSeq: number | null;
  /** The highest sequence the anchor file signs. */
  anchorSeq: number | null;
}

/**
 * Compares the audit chain's length with its anchor file on demand — each `/readyz`, each scrape of
 * `huitong_audit_chain_behind_anchor`, each checkpoint tick — and logs an error when it finds the chain
 * shorter (again when the gap changes). One indexed read per check. The hub keeps serving: a truncated
 * log is evidence to report, not a reason to stop answering.
 *
 * @example
 * const watch = watchAuditAnchor(db, anchor, { registry: metrics.registry, logger });
 * const { chain } = await watch.check();
 */
export function watchAuditAnchor(db: Kysely<any>, anchor: AuditAnchor, options: { registry: Registry; logger: Logger }) {
  let reportedGap = 0;
  const check = async (): Promise<AuditAnchorStatus> => {
    const anchorSeq = anchor.lastSeq();
    let chainSeq: number | null;
    try {
      const { rows } = await sql<{
        end: number | string;
      }>`select coalesce((select max(seq) from audit_events), (select max(seq) from audit_checkpoints where kind = 'anchor'), 0) as "end"`.execute(db);
      chainSeq = Number(rows[0]!.end);
    } catch {
      return { chain: 'unknown', chainSeq: null, anchorSeq };
    }
    const gap = Math.max(0, (anchorSeq ?? 0) - chainSeq);
    if (gap > 0 && gap !== reportedGap) {
      options.logger.error(
        { chainSeq, anchorSeq, missingEvents: gap },
        'audit chain is shorter than its anchor: signed events were deleted from the database; run huitong audit verify --anchor',
      );
    }
    reportedGap = gap;
    return { chain: gap > 0 ? 'shorter-than-anchor' : 'ok', chainSeq, anchorSeq };
  };
  new Gauge({
    name: 'huitong_audit_chain_behind_anchor',
    help: 'Events the audit anchor saw signed that the database chain no longer reaches (0 when intact)',
    registers: [options.registry],
    async collect() {
      const status = await check();
      this.set(status.chainSeq === null ? 0 : Math.max(0, (status.anchorSeq ?? 0) - status.chainSeq));
    },
  });
  return { check };
}
