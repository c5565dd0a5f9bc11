import { GraphQLError } from 'graphql';

/**
 * Every error code the hub puts in `extensions.code`. docs/errors.md lists them; clients switch on them.
 */
export const ErrorCode = {
  /** The request was malformed: bad argument, cursor, identifier, page size. */
  BAD_USER_INPUT: 'BAD_USER_INPUT',
  /** A credential was sent but is wrong, expired or revoked (HTTP 401). No credential at all is the public. */
  UNAUTHENTICATED: 'UNAUTHENTICATED',
  /** The caller may not see this field or run this operation; `extensions` name the field's class and owner. */
  FORBIDDEN: 'FORBIDDEN',
  /** A department's system could not answer; `extensions.department` and `extensions.reason` say which and why. */
  DEPARTMENT_UNAVAILABLE: 'DEPARTMENT_UNAVAILABLE',
  /** Something unexpected; `extensions.errorId` is in the server log line. */
  INTERNAL_SERVER_ERROR: 'INTERNAL_SERVER_ERROR',
  GRAPHQL_PARSE_FAILED: 'GRAPHQL_PARSE_FAILED',
  GRAPHQL_VALIDATION_FAILED: 'GRAPHQL_VALIDATION_FAILED',
  PERSISTED_QUERY_NOT_FOUND: 'PERSISTED_QUERY_NOT_FOUND',
  /** The request named an operation the document does not hold, or held several and named none. */
  OPERATION_RESOLUTION_FAILURE: 'OPERATION_RESOLUTION_FAILURE',
  BAD_REQUEST: 'BAD_REQUEST',
  PAYLOAD_TOO_LARGE: 'PAYLOAD_TOO_LARGE',
  /** The audit event of a request could not be written, so its data was not released (HTTP 503). */
  AUDIT_UNAVAILABLE: 'AUDIT_UNAVAILABLE',
  /** Too many requests from this consumer (or, for the public, this address); HTTP 429 with `Retry-After`. */
  RATE_LIMITED: 'RATE_LIMITED',
  /** The hub is saturated and refused the request before doing any of its work; HTTP 503 with `Retry-After`. */
  SERVICE_OVERLOADED: 'SERVICE_OVERLOADED',
  /**
   * The operation's estimated cost, with its variables, is over the hub's limit (HTTP 400); `extensions.cost`
   * and `extensions.maxCost` say by how much. Nothing ran.
   */
  QUERY_TOO_COSTLY: 'QUERY_TOO_COSTLY',
  /** Trusted-documents mode: the operation is not in the hub's persisted-operations manifest (HTTP 403). */
  OPERATION_NOT_TRUSTED: 'OPERATION_NOT_TRUSTED',
  /**
   * The replicas' proxy (`huitong cluster`) found no gateway replica that could answer (HTTP 502);
   * `extensions.reason` is `NO_UPSTREAM`, or `NOT_RETRIED` for a mutation whose replica failed, which may have run.
   */
  UPSTREAM_UNAVAILABLE: 'UPSTREAM_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Why a department could not answer. */
export type UnavailableReason = 'TIMEOUT' | 'UNREACHABLE' | 'BAD_DATA' | 'CIRCUIT_OPEN' | 'ERROR';

/**
 * A client mistake, with a message safe to show.
 *
 * @example
 * throw badUserInput('first must be between 0 and 200', { argument: 'first' });
 */
export function badUserInput(message: string, extensions: Record<string, unknown> = {}): GraphQLError {
  return new GraphQLError(message, { extensions: { ...extensions, code: ErrorCode.BAD_USER_INPUT } });
}

/**
 * A department that failed this request. The message names the department and reason only: never the
 * connection string, SQL, file path or the legacy system's own error text.
 */
export function departmentUnavailable(department: string, reason: UnavailableReason): GraphQLError {
  return new GraphQLError(`department ${department} is unavailable (${reason})`, {
    extensions: { code: ErrorCode.DEPARTMENT_UNAVAILABLE, department, reason },
  });
}
