// The identity resolver's own thread (started by resolver-thread.ts). It keeps each database's resolver
// state between syncs, so that state — hundreds of MB at half a million records — lives in this
// isolate's heap, not in the one serving requests, and resolving never blocks the request loop.
import { createHash } from 'node:crypto';
import { parentPort } from 'node:worker_threads';
import {
  resolveIdentities,
  resolveIncremental,
  type RecordRef,
  type ResolutionRecord,
  type ResolutionResult,
  type ResolutionState,
} from '../../identity-resolution/index.js';
import { collectAllGarbage } from './full-collection.js';
import type { ThreadRecord, ThreadReply, ThreadRequest, ThreadResolution } from './resolver-protocol.js';

interface Memory {
  state: ResolutionState;
  /** `source:localId` → hash of the record's fingerprint, to tell what changed by the next sync. */
  fingerprints: Map<string, string>;
}

const kept = new Map<number, Memory>();
/** A resolve's state until the sync saved it (`commit`). */
const tentative = new Map<number, Memory>();
const incoming = new Map<number, ThreadRecord[]>();

const port = parentPort!;
port.on('message', (message: ThreadRequest) => {
  switch (message.type) {
    case 'records': {
      let list = incoming.get(message.memory);
      if (!list) incoming.set(message.memory, (list = []));
      for (const r of message.records) list.push(r);
      return;
    }
    case 'resolve': {
      const records = incoming.get(message.memory) ?? [];
      incoming.delete(message.memory);
      // Whatever happens now, the next sync starts afresh unless this one commits.
      const memory = kept.get(message.memory);
      kept.delete(message.memory);
      tentative.delete(message.memory);
      let reply: ThreadReply;
      try {
        if (records.length !== message.count) throw new Error(`got ${records.length} of ${message.count} records`);
        const { result, next } = resolve(records, memory, new Set(message.keep));
        tentative.set(message.memory, next);
        reply = { call: message.call, result };
      } catch (error) {
        reply = { call: message.call, error: (error as Error).stack ?? String(error) };
      }
      port.postMessage(reply, 'result' in reply ? transferables(reply.result) : []);
      return;
    }
    case 'commit': {
      const next = tentative.get(message.memory);
      tentative.delete(message.memory);
      if (next) kept.set(message.memory, next);
      // The resolve leaves garbage as large as the state it keeps, and this thread then idles until the
      // next sync: nothing would make V8 collect it, and the process would hold that memory all along.
      collectAllGarbage();
      return;
    }
    case 'forget':
      kept.delete(message.memory);
      tentative.delete(message.memory);
      incoming.delete(message.memory);
      return;
  }
});

/** The result's typed arrays move to the main thread rather than being copied. */
const transferables = (r: ThreadResolution): ArrayBuffer[] => [r.members, r.offsets, ...(r.changed ? [r.changed] : [])].map((a) => a.buffer as ArrayBuffer);
const keyOf = (r: RecordRef) => `${r.source}:${r.localId}`;
const hash = (text: string) => createHash('sha1').update(text).digest('base64');
/** The resolver's fields only: its state must not hold the fingerprints. */
const plain = ({ fingerprint: _f, ...r }: ThreadRecord): ResolutionRecord => r;

function resolve(records: ThreadRecord[], memory: Memory | undefined, keep: ReadonlySet<string>): { result: ThreadResolution; next: Memory } {
  const fingerprints = new Map<string, string>();
  let outcome: ResolutionResult;
  let changed: number[] | undefined;
  const removed: RecordRef[] = [];
  if (!memory) {
    for (const r of records) fingerprints.set(keyOf(r), hash(r.fingerprint));
    outcome = resolveIdentities(records.map(plain));
  } else {
    changed = [];
    const changedRecords: ResolutionRecord[] = [];
    records.forEach((r, i) => {
      const key = keyOf(r);
      const before = memory.fingerprints.get(key);
      const now = keep.has(r.source) && before !== undefined ? before : hash(r.fingerprint);
      fingerprints.set(key, now);
      if (now !== before) {
        changed!.push(i);
        changedRecords.push(plain(r));
      }
    });
    for (const key of memory.fingerprints.keys()) {
      if (fingerprints.has(key)) continue;
      // Department codes hold no colon; a local id may.
      const colon = key.indexOf(':');
      removed.push({ source: key.slice(0, colon), localId: key.slice(colon + 1) });
    }
    outcome = resolveIncremental(memory.state, changedRecords, removed);
  }
  const indexOf = new Map<string, number>();
  records.forEach((r, i) => indexOf.set(keyOf(r), i));
  const offsets = new Int32Array(outcome.clusters.length + 1);
  const members = new Int32Array(records.length);
  let n = 0;
  outcome.clusters.forEach((cluster, c) => {
    for (const ref of cluster.records) members[n++] = indexOf.get(keyOf(ref))!;
    offsets[c + 1] = n;
  });
  return {
    result: {
      // Fewer than sent only when a (source, localId) was sent twice: it is one record.
      members: n === members.length ? members : members.slice(0, n),
      offsets,
      reviewCandidates: outcome.reviewCandidates,
      mode: memory ? 'incremental' : 'full',
      ...(changed ? { changed: Int32Array.from(changed) } : {}),
      removed,
    },
    next: { state: outcome.state, fingerprints },
  };
}
