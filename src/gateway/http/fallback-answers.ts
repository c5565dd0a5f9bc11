import { randomUUID } from 'node:crypto';
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { Logger } from '../../logging/logger.js';
import { ErrorCode } from '../../schema/index.js';
import { BODY_LIMIT } from './plugins/use-json-body.js';

/** 404 NOT_FOUND, GraphQL-shaped, for any route nothing mounted answers. */
export const notFound: RequestHandler = (_req, res) => {
  res.status(404).json({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
};

/**
 * The errors express hands on, answered with a code: 413 for a body over the limit, 400 for a malformed
 * one, and anything else masked as 500 with an id that is in the log.
 *
 * @example
 * app.use(notFound, answerHttpErrors(logger));
 */
export function answerHttpErrors(logger: Logger): ErrorRequestHandler {
  return (error: Error & { status?: number; type?: string }, _req, res, _next) => {
    if (error.status === 413 || error.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: `request body over ${BODY_LIMIT}`, extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE } }] });
      return;
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ errors: [{ message: 'malformed request body', extensions: { code: ErrorCode.BAD_REQUEST } }] });
      return;
    }
    const errorId = randomUUID();
    logger.error({ errorId, err: { name: error.name, message: error.message } }, 'unexpected HTTP error');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId } }] });
  };
}
