import type { Response } from 'express';
import type { Logger } from '../../../logging/logger.js';
import type { Consumer } from '../../auth/consumer.js';

/** Who is asking and why, settled before Apollo runs (in `res.locals.identity`), so rate limits can count by consumer. */
export interface RequestIdentity {
  consumer: Consumer | null;
  purpose: string | null;
}

/** The identity the plugins before this one settled; undefined before authentication has run. */
export const identityOf = (res: Response) => res.locals.identity as RequestIdentity | undefined;

/** Answers a request refused before Apollo runs. */
export type Refuse = (res: Response, status: number, code: string, message: string, extensions?: Record<string, unknown>) => void;

/**
 * A GraphQL-shaped error body for refusals made before Apollo runs, logged like any request: the plugins
 * that refuse share it so every refusal reads the same.
 *
 * @example
 * const refuse = refusal(logger);
 * refuse(res, 400, ErrorCode.BAD_REQUEST, 'extensions must be JSON');
 */
export function refusal(logger: Logger): Refuse {
  return (res, status, code, message, extensions = {}) => {
    logger.info({ status, errorCodes: [code], consumer: identityOf(res)?.consumer?.id ?? null }, 'graphql request refused');
    res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
  };
}
