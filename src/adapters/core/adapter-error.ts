import type { UnavailableReason } from '../../schema/errors.js';

/**
 * A department's system failed a call. `reason` is what clients see; `cause` (the driver's error, which
 * may hold SQL, paths or hosts) goes to the log only.
 */
export class AdapterError extends Error {
  constructor(
    readonly department: string,
    readonly reason: UnavailableReason,
    options?: { cause?: unknown },
  ) {
    super(`department ${department} is unavailable (${reason})`, options);
    this.name = 'AdapterError';
  }
}

/** Thrown by connectors or mappers for a response that is not what the system's contract promises. */
export class BadDataError extends Error {
  override name = 'BadDataError';
}

/**
 * A department's system refused a call because of what was asked: a caller's value that slipped past
 * validation. The department is fine — its circuit does not count this, it is not retried — and the
 * client gets BAD_USER_INPUT. `cause` goes to the log only.
 */
export class AdapterInputError extends Error {
  constructor(
    readonly department: string,
    options?: { cause?: unknown },
  ) {
    super(`department ${department} refused the request as malformed`, options);
    this.name = 'AdapterInputError';
  }
}

/**
 * Thrown by a connector for a query it cannot ask its system (a filter value or position that makes no
 * sense there): the caller's mistake, not the system's failure.
 *
 * @example
 * if (Number.isNaN(Date.parse(q.appliedFrom))) throw new InvalidQueryError('appliedFrom is not an instant');
 */
export class InvalidQueryError extends Error {
  override name = 'InvalidQueryError';
}

/**
 * SQLSTATEs of classes 22 (data exception) and 42 (syntax error or access rule violation) that are the
 * department's own state, not the query's: its grants or schema changed under the adapter.
 */
const DEPARTMENT_SQLSTATES = new Set(['42501', '42P01', '42703', '42704']);
/** HTTP client-error statuses that are about the hub's credentials or the system's load, not the query. */
const DEPARTMENT_STATUSES = new Set([401, 403, 407, 408, 429]);

const isCallerStatus = (value: unknown) => typeof value === 'number' && value >= 400 && value <= 499 && !DEPARTMENT_STATUSES.has(value);

/**
 * Whether a connector's failure was caused by what the caller asked rather than by the department:
 * an `InvalidQueryError` or a `RangeError` (a value the connector could not turn into a query; not a
 * stack overflow or an allocation failure), a
 * SQLSTATE of class 22 or 42 in `code` (bar the grant and schema codes above), or an HTTP 4xx in
 * `status`/`statusCode` or a numeric `code` (a JSON API's envelope), bar 401, 403, 407, 408 and 429.
 * Such a failure is not retried and does not count against the department's circuit.
 *
 * @example
 * isCallerFault(Object.assign(new Error(), { code: '22007' })); // true: invalid datetime format
 * isCallerFault(new HttpStatusError(503));                     // false
 */
export function isCallerFault(error: unknown): boolean {
  for (const current of errorChain(error)) {
    if (current instanceof AdapterError) return false;
    if (current instanceof AdapterInputError || current instanceof InvalidQueryError) return true;
    // A RangeError about a value (an invalid time, a bad number) — not one about exhausted resources,
    // which a large or deep answer from the system can cause as well as a query.
    if (current instanceof RangeError) return !/call stack|invalid (array|string|typed array) length|allocation/i.test(current.message);
    const { code, status, statusCode } = current as { code?: unknown; status?: unknown; statusCode?: unknown };
    if (typeof code === 'string' && /^(22|42)[0-9A-Z]{3}$/.test(code) && !DEPARTMENT_SQLSTATES.has(code)) return true;
    if (isCallerStatus(status) || isCallerStatus(statusCode) || isCallerStatus(code)) return true;
  }
  return false;
}

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ENOENT',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  '57P01',
  '08006',
  '08001',
  '08004',
  '3D000',
  '28P01',
]);

/**
 * An error and the errors it wraps, outermost first (at most five): `cause`, or `originalError` where a
 * GraphQL executor keeps the network error.
 *
 * @example
 * [...errorChain(graphQLError)].some((e) => (e as { code?: string }).code === 'ECONNRESET');
 */
export function* errorChain(error: unknown): Generator<unknown> {
  let current = error;
  for (let depth = 0; current && depth < 5; depth++) {
    yield current;
    const wrapped = current as { cause?: unknown; originalError?: unknown };
    current = wrapped.cause ?? wrapped.originalError;
  }
}

/**
 * Sorts any error a connector throws into the reasons clients can act on.
 *
 * @example
 * classifyFailure(Object.assign(new Error(), { code: 'ECONNREFUSED' })); // 'UNREACHABLE'
 */
export function classifyFailure(error: unknown, timedOut: boolean): UnavailableReason {
  if (timedOut) return 'TIMEOUT';
  if (error instanceof AdapterError) return error.reason;
  if (error instanceof BadDataError || error instanceof SyntaxError) return 'BAD_DATA';
  for (const current of errorChain(error)) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && UNREACHABLE_CODES.has(code)) return 'UNREACHABLE';
    if ((current as Error).name === 'AbortError' || (current as Error).name === 'TimeoutError') return 'TIMEOUT';
  }
  if (error instanceof TypeError && /fetch failed/i.test(error.message)) return 'UNREACHABLE';
  return 'ERROR';
}
