import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { PURPOSE_PATTERN } from './plugins/use-purpose-header.js';

/**
 * The id of one GraphQL request, set on the response's `x-request-id`. The hub makes it because it
 * names the audit event: a client that sends another request's id must not be able to file a second
 * event under it. A client's own id (short and plain: it goes into logs) follows after a colon no
 * client id contains, so the two can still be joined.
 *
 * @example
 * const requestId = assignRequestId(req, res); // 'a1b2…' or 'a1b2…:client-7'
 */
export function assignRequestId(req: Request, res: Response): string {
  const given = req.headers['x-request-id'];
  const requestId = typeof given === 'string' && PURPOSE_PATTERN.test(given) ? `${randomUUID()}:${given}` : randomUUID();
  res.set('x-request-id', requestId);
  return requestId;
}
