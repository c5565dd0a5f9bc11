import { Kind, parse, type OperationDefinitionNode } from 'graphql';

/** What the proxy knows of a request when it decides whether it may send it to a second upstream. */
export interface ForwardedRequest {
  method: string;
  contentType: string | undefined;
  /** The whole body, or null when it was over the proxy's buffer limit (then it streamed and cannot be sent again). */
  body: Buffer | null;
}

/**
 * Whether a request that failed before any response byte may be sent again to another upstream: a GET
 * or HEAD (the gateway runs no mutation over GET), or a JSON POST every operation of which is a query —
 * the operation `operationName` names, or the document's only one. Anything the proxy cannot be sure
 * of (a mutation, a subscription, a persisted-query hash with no document, a body it could not parse or
 * did not keep) is not: the first upstream may have run it.
 *
 * @example
 * mayRetry({ method: 'POST', contentType: 'application/json', body: Buffer.from('{"query":"{ permits(first: 1) { totalCount } }"}') }); // true
 */
export function mayRetry(request: ForwardedRequest): boolean {
  const method = request.method.toUpperCase();
  if (method === 'GET' || method === 'HEAD') return true;
  if (method !== 'POST' || request.body === null) return false;
  if (!request.contentType?.toLowerCase().includes('json')) return false;
  let payload: unknown;
  try {
    payload = JSON.parse(request.body.toString('utf8'));
  } catch {
    return false;
  }
  const operations = Array.isArray(payload) ? payload : [payload];
  return operations.length > 0 && operations.every(isQueryOperation);
}

function isQueryOperation(payload: unknown): boolean {
  if (!payload || typeof payload !== 'object') return false;
  const { query, operationName } = payload as { query?: unknown; operationName?: unknown };
  if (typeof query !== 'string') return false;
  if (operationName !== undefined && operationName !== null && typeof operationName !== 'string') return false;
  let definitions: OperationDefinitionNode[];
  try {
    definitions = parse(query, { noLocation: true }).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  } catch {
    return false;
  }
  // The gateway picks the operation the same way; when it would refuse, nothing ran, but say no all the same.
  const chosen = operationName ? definitions.filter((d) => d.name?.value === operationName) : definitions;
  return chosen.length === 1 && chosen[0]!.operation === 'query';
}
