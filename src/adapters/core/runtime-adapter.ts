import type { PermitStatus, UnifiedPermit, ApplicantRecord } from '../../schema/model.js';
import { PERMIT_STATUSES } from '../../schema/model.js';
import { MAX_PAGE_SIZE } from '../../schema/pagination.js';
import type { UnavailableReason } from '../../schema/errors.js';
import { AdapterError, AdapterInputError, classifyFailure, isCallerFault } from './adapter-error.js';
import { CircuitBreaker, type CircuitOptions, type CircuitState } from './circuit-breaker.js';
import { eventLoopTurn } from './event-loop-turn.js';
import type { Adapter, CallContext, Mapped, PermitPosition, PermitQuery } from './contract.js';
import { silentLogger, type Logger } from '../../logging/logger.js';
import { sampleSpec, type SampleReport } from './sample-spec.js';
import { GroupedCounts } from './grouped-counts.js';
import { TotalsCache } from './totals-cache.js';

/** A page request in unified terms, as the department subgraph receives it. */
export interface UnifiedPermitQuery {
  applicantLocalIds?: readonly string[];
  statuses?: readonly PermitStatus[];
  serviceItemCodes?: readonly string[];
  appliedFrom?: string;
  appliedTo?: string;
  after?: PermitPosition;
  first: number;
}

export interface UnifiedPermitPage {
  total: number;
  permits: UnifiedPermit[];
  /** Whether rows follow the last one read (bad rows included). */
  hasMore: boolean;
  /** Position of the last row read, good or bad, so paging never stalls on a trailing bad record. */
  end: PermitPosition | null;
}

/**
 * How a call ended: OK, one of the department's failures, or BAD_USER_INPUT — refused by the system
 * because of what was asked, which is not the department's failure.
 */
export type CallOutcome = 'OK' | UnavailableReason | 'BAD_USER_INPUT';

/** What the runtime reports about each call, for metrics and traces; the hub plugs prom-client in here. */
export interface AdapterObserver {
  call(event: { department: string; operation: string; durationMs: number; outcome: CallOutcome; batchSize: number; attempts: number }): void;
  circuit?(department: string, state: CircuitState): void;
  badRecord?(department: string): void;
}

/** A department's health as the hub last saw it. */
export interface DepartmentHealth {
  circuit: CircuitState;
  lastError: { reason: UnavailableReason; at: Date } | null;
  lastSuccessAt: Date | null;
}

export interface RuntimeOptions {
  /** Deadline for one call, retries included, in milliseconds; the connector's I/O is aborted after it. */
  deadlineMs?: number;
  /** Retries after a failure that may be transient (unreachable, error), within the deadline. */
  maxRetries?: number;
  /** Base of the exponential backoff between retries, ms (full jitter). */
  retryBaseMs?: number;
  circuit?: CircuitOptions;
  observer?: AdapterObserver;
  /** Most ids or queries sent to the system in one call; larger batches are split. ≥ the max page size. */
  maxBatch?: number;
  /** How long a list's total may be reused instead of counted again, ms (the spec's `totals.maxAgeSeconds`); unset or 0: always counted. */
  totalsMaxAgeMs?: number;
  /** The clock the totals' ages are read on (tests move it). */
  now?: () => number;
  logger?: Logger;
}

/** What the runtime needs of a raw row to keep paging exact even when the row fails to map. */
export interface RowKey {
  position(raw: unknown): PermitPosition | null;
}

/**
 * Wraps a department's adapter so every call gets the same guarantees: a deadline (the connector's I/O
 * is aborted), batches capped and split, failures turned into `AdapterError` with a client-safe reason,
 * and records that fail to map skipped, logged with department and local id, and counted — never
 * failing the batch they came in. A failure the caller caused (`isCallerFault`: a value the system
 * refused) becomes `AdapterInputError` instead: not retried, and not counted by the circuit, which
 * opens on the department's own faults only — unreachable, errors, bad data and timeouts.
 *
 * @example
 * const market = new RuntimeAdapter('market', await createMarketAdapter(settings), { deadlineMs: 3000 });
 * const [page] = await market.listPermits([{ first: 20, statuses: ['APPROVED'] }]);
 */
export class RuntimeAdapter {
  readonly deadlineMs: number;
  readonly maxBatch: number;
  readonly #logger: Logger;
  readonly #maxRetries: number;
  readonly #retryBaseMs: number;
  readonly #observer: AdapterObserver | undefined;
  readonly #circuit: CircuitBreaker;
  readonly #totals: TotalsCache | null;
  readonly #counts: GroupedCounts | null;
  #lastError: DepartmentHealth['lastError'] = null;
  #lastSuccessAt: Date | null = null;
  /** Requests sent to the legacy system, by method, retries included; tests assert on it to prove batching. */
  readonly calls = { listPermits: 0, getPermits: 0, listApplicants: 0, countPermits: 0 };
  /** Of `calls`, the retries of a failed attempt: a batching budget counts `calls` less these. */
  readonly retries = { listPermits: 0, getPermits: 0, listApplicants: 0, countPermits: 0 };
  badRecords = 0;

  constructor(
    readonly department: string,
    private readonly adapter: Adapter<any, any>,
    options: RuntimeOptions = {},
  ) {
    this.deadlineMs = options.deadlineMs ?? 5000;
    this.maxBatch = Math.max(options.maxBatch ?? 500, MAX_PAGE_SIZE);
    this.#logger = options.logger ?? silentLogger;
    this.#maxRetries = options.maxRetries ?? 2;
    this.#retryBaseMs = options.retryBaseMs ?? 50;
    this.#observer = options.observer;
    this.#circuit = new CircuitBreaker(options.circuit);
    this.#totals = options.totalsMaxAgeMs ? new TotalsCache(options.totalsMaxAgeMs, options.now) : null;
    this.#counts = this.#totals && adapter.connector.countPermits ? new GroupedCounts((group) => this.#countAll(group), this.maxBatch) : null;
    this.#circuit.onChange = (state) => {
      this.#logger.warn({ department, circuit: state }, 'department circuit changed');
      this.#observer?.circuit?.(department, state);
    };
  }

  health(): DepartmentHealth {
    return { circuit: this.#circuit.state, lastError: this.#lastError, lastSuccessAt: this.#lastSuccessAt };
  }

  async listPermits(queries: readonly UnifiedPermitQuery[]): Promise<UnifiedPermitPage[]> {
    const started = performance.now();
    const legacy = queries.map((q) => this.#toLegacyQuery(q));
    // Totals counted within the department's freshness bound are not counted again; one missed is
    // counted beside the page, together with other requests' misses, when the system can count in groups.
    // A total read late in its bound is counted again in the background (in the same groups), so a list
    // read steadily never makes a request wait for its count.
    const totals = this.#totals;
    const startedAt = totals?.now() ?? 0;
    const kept = legacy.map((q) => {
      const key = totals ? TotalsCache.keyOf(q) : null;
      if (key === null) return { key, total: undefined };
      const cached = totals!.read(key);
      if (cached?.renew) this.#counts?.count(key, q).catch(() => {}); // a failure shows in the circuit and at the next miss
      const total = cached?.total ?? this.#counts?.count(key, q);
      if (total !== undefined) q.total = false;
      return { key, total };
    });
    const shared = kept.some((k) => k.total instanceof Promise) ? Promise.all(kept.map((k) => k.total)) : null;
    shared?.catch(() => {}); // awaited below, unless the page fails first
    const pages = [];
    for (const chunk of chunks(legacy, this.maxBatch)) {
      pages.push(...(await this.#call('listPermits', chunk.length, (ctx) => this.adapter.connector.listPermits(chunk, ctx))));
    }
    if (pages.length !== queries.length) throw new AdapterError(this.department, 'BAD_DATA');
    const counts = shared ? await this.#withinDeadline(shared, started) : kept.map((k) => k.total as number | undefined);
    return pages.map((page, i) => {
      const limit = queries[i]!.first;
      const rows = page.rows.slice(0, limit);
      const permits = this.#mapAll(rows, (raw) => this.adapter.mapper.permit(raw));
      const last = permits.at(-1);
      const { key, total } = kept[i]!;
      if (key !== null && total === undefined) totals!.remember(key, page.total, startedAt);
      return {
        total: counts[i] ?? page.total,
        permits,
        hasMore: page.rows.length > limit,
        end: last ? { appliedAt: last.appliedAt, localId: last.localId } : null,
      };
    });
  }

  async getPermits(localIds: readonly string[]): Promise<Map<string, UnifiedPermit>> {
    const found = new Map<string, UnifiedPermit>();
    for (const chunk of chunks([...new Set(localIds)], this.maxBatch)) {
      const rows = await this.#call('getPermits', chunk.length, (ctx) => this.adapter.connector.getPermits(chunk, ctx));
      for (const permit of this.#mapAll(rows, (raw) => this.adapter.mapper.permit(raw))) found.set(permit.localId, permit);
    }
    return found;
  }

  async listApplicants(after: string | null, limit: number): Promise<{ records: ApplicantRecord[]; next: string | null }> {
    const page = await this.#call('listApplicants', 1, (ctx) => this.adapter.connector.listApplicants(after, Math.min(limit, this.maxBatch), ctx));
    return { records: this.#mapAll(page.rows, (raw) => this.adapter.mapper.applicant(raw)), next: page.next };
  }

  /** One count call for a group of missed totals, each kept for the bound from the call's start. */
  async #countAll(group: ReadonlyArray<{ key: string; query: PermitQuery }>): Promise<number[]> {
    const startedAt = this.#totals!.now();
    const queries = group.map((g) => g.query);
    const totals = await this.#call('countPermits', queries.length, (ctx) => this.adapter.connector.countPermits!(queries, ctx));
    if (totals.length !== queries.length || !totals.every((t) => Number.isSafeInteger(t) && t >= 0)) throw new AdapterError(this.department, 'BAD_DATA');
    for (const [i, { key }] of group.entries()) this.#totals!.remember(key, totals[i]!, startedAt);
    return totals;
  }

  /** A wait on work shared with other requests (a group count), bounded by what is left of this call's deadline. */
  async #withinDeadline<T>(work: Promise<T>, started: number): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AdapterError(this.department, 'TIMEOUT')), Math.max(0, this.deadlineMs - (performance.now() - started)));
    });
    try {
      return await Promise.race([work, deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** A bounded read mapped field by field, for checks before a spec goes live (no breaker, no retries). */
  sample(options: Parameters<typeof sampleSpec>[1]): Promise<SampleReport> {
    return sampleSpec(this.adapter, options);
  }

  async close(): Promise<void> {
    await this.adapter.connector.close?.();
  }

  #toLegacyQuery(q: UnifiedPermitQuery): PermitQuery {
    const legacy: PermitQuery = { limit: q.first + 1 };
    if (q.applicantLocalIds) legacy.applicantLocalIds = q.applicantLocalIds;
    if (q.serviceItemCodes) legacy.serviceItemCodes = this.adapter.mapper.localServiceItemCodes?.(q.serviceItemCodes) ?? q.serviceItemCodes;
    if (q.appliedFrom) legacy.appliedFrom = q.appliedFrom;
    if (q.appliedTo) legacy.appliedTo = q.appliedTo;
    if (q.after) legacy.after = q.after;
    if (q.statuses) Object.assign(legacy, rawStatusFilter(q.statuses, this.adapter.mapper.statusCodes));
    return legacy;
  }

  #mapAll<Raw, T extends { localId: string }>(rows: readonly Raw[], map: (raw: Raw) => Mapped<T>): T[] {
    const out: T[] = [];
    for (const raw of rows) {
      let mapped: Mapped<T>;
      try {
        mapped = map(raw);
      } catch (error) {
        mapped = { ok: false, localId: 'unknown', reason: (error as Error).message };
      }
      if (mapped.ok) out.push(mapped.value);
      else {
        this.badRecords++;
        this.#observer?.badRecord?.(this.department);
        this.#logger.warn({ department: this.department, localId: mapped.localId, reason: mapped.reason }, 'bad legacy record skipped');
      }
    }
    return out;
  }

  /**
   * One call to the legacy system under the department's guarantees: the circuit decides whether it goes
   * out at all; transient failures are retried with backoff and full jitter (every call is a read, so
   * retrying is safe); the whole — retries included — must finish within one deadline.
   */
  async #call<T>(operation: keyof RuntimeAdapter['calls'], batchSize: number, run: (ctx: CallContext) => Promise<T>): Promise<T> {
    const started = performance.now();
    const report = (outcome: CallOutcome, attempts: number) =>
      this.#observer?.call({ department: this.department, operation, durationMs: performance.now() - started, outcome, batchSize, attempts });
    if (!this.#circuit.tryAcquire()) {
      report('CIRCUIT_OPEN', 0);
      throw new AdapterError(this.department, 'CIRCUIT_OPEN');
    }
    const controller = new AbortController();
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        timedOut = true;
        controller.abort(new DOMException('deadline exceeded', 'TimeoutError'));
        reject(new AdapterError(this.department, 'TIMEOUT'));
      }, this.deadlineMs);
    });
    deadline.catch(() => {});
    let attempts = 0;
    try {
      for (;;) {
        attempts++;
        this.calls[operation]++;
        if (attempts > 1) this.retries[operation]++;
        try {
          // A connector may work on the main thread (an embedded database, an export in memory): a turn
          // of the event loop first keeps a request's calls from running back to back as one task.
          await eventLoopTurn();
          // Racing the deadline means a connector that ignores its signal still cannot hold the request.
          const result = await Promise.race([run({ signal: controller.signal }), deadline]);
          this.#circuit.succeeded();
          this.#lastSuccessAt = new Date();
          report('OK', attempts);
          return result;
        } catch (error) {
          // The caller's mistake, not the department's: no retry, no count against its circuit, no
          // lastError; the client is told its input was refused.
          if (!timedOut && isCallerFault(error)) {
            this.#circuit.released();
            report('BAD_USER_INPUT', attempts);
            this.#logger.info({ department: this.department, operation, attempts, err: errorSummary(error) }, 'department refused the request as malformed');
            throw error instanceof AdapterInputError ? error : new AdapterInputError(this.department, { cause: error });
          }
          const reason = classifyFailure(error, timedOut);
          const backoff = Math.random() * this.#retryBaseMs * 2 ** (attempts - 1);
          const left = this.deadlineMs - (performance.now() - started);
          if ((reason === 'UNREACHABLE' || reason === 'ERROR') && attempts <= this.#maxRetries && backoff < left) {
            this.#logger.debug({ department: this.department, operation, reason, attempts, err: errorSummary(error) }, 'department call retried');
            await new Promise((resolve) => setTimeout(resolve, backoff));
            continue;
          }
          this.#circuit.failed();
          this.#lastError = { reason, at: new Date() };
          report(reason, attempts);
          this.#logger.warn(
            { department: this.department, operation, reason, attempts, durationMs: Math.round(performance.now() - started), err: errorSummary(error) },
            'department call failed',
          );
          throw error instanceof AdapterError ? error : new AdapterError(this.department, reason, { cause: error });
        }
      }
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Unified statuses as a raw-code filter. UNKNOWN means "a code the mapper does not know", which only a
 * NOT IN can say: so with UNKNOWN asked for, exclude the codes of every known status not asked for.
 */
export function rawStatusFilter(
  statuses: readonly PermitStatus[],
  codes: Readonly<Partial<Record<PermitStatus, readonly string[]>>>,
): Pick<PermitQuery, 'rawStatusIn' | 'rawStatusNotIn'> {
  const wanted = new Set(statuses);
  if (!wanted.has('UNKNOWN')) return { rawStatusIn: [...wanted].flatMap((s) => codes[s] ?? []) };
  return { rawStatusNotIn: PERMIT_STATUSES.filter((s) => !wanted.has(s)).flatMap((s) => codes[s] ?? []) };
}

function* chunks<T>(items: readonly T[], size: number): Generator<T[]> {
  for (let i = 0; i < items.length; i += size) yield items.slice(i, i + size);
}

/** Error name and code only: driver messages can carry SQL, file paths or hosts. */
function errorSummary(error: unknown): { name?: string; code?: unknown } {
  if (!error || typeof error !== 'object') return {};
  const e = error as { name?: string; code?: unknown; cause?: { name?: string; code?: unknown } };
  return { name: e.name, code: e.code ?? e.cause?.code };
}
