// Messages between the sync (main thread) and the resolver's own thread (resolver-worker.ts).
import type { RecordRef, ResolutionRecord, ReviewCandidate } from '../../identity-resolution/index.js';

/** A record as the sync sends it: what the resolver reads, and a fingerprint of everything the crosswalk keeps of it. */
export interface ThreadRecord extends ResolutionRecord {
  fingerprint: string;
}

export type ThreadRequest =
  /** Part of one database's records for its next resolve, in the sync's order. */
  | { type: 'records'; memory: number; records: ThreadRecord[] }
  /**
   * Resolve the records sent since the last resolve: in full the first time, incrementally against the
   * kept state after a committed one. Records of the `keep` departments (not read this time, sent as the
   * crosswalk holds them) count as unchanged. `count`: the records sent (a thread that restarted
   * between them and this message must not resolve what it did not get).
   */
  | { type: 'resolve'; memory: number; call: number; keep: string[]; count: number }
  /** The crosswalk now holds the last resolve: keep its state for the next one. */
  | { type: 'commit'; memory: number }
  /** Drop the database's state (the hub stopped, or a sync failed after resolving). */
  | { type: 'forget'; memory: number };

export interface ThreadResolution {
  /** Clusters as indexes into the records sent: cluster i is `members[offsets[i] .. offsets[i+1])`. */
  members: Int32Array;
  offsets: Int32Array;
  reviewCandidates: ReviewCandidate[];
  mode: 'full' | 'incremental';
  /** Incremental: indexes of the records added or changed since the kept state. */
  changed?: Int32Array;
  removed: RecordRef[];
}

export type ThreadReply = { call: number; result: ThreadResolution } | { call: number; error: string };
