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

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOENT', 'EAI_AGAIN', 'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', '57P01', '08006', '08001', '08004', '3D000', '28P01']);

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
