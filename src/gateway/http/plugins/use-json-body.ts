import express from 'express';
import type { HubPlugin } from './hub-plugin.js';

/** The largest request body read; above it, 413 PAYLOAD_TOO_LARGE. */
export const BODY_LIMIT = '1mb';

/**
 * Reads a JSON body on /graphql up to `BODY_LIMIT`.
 *
 * @example
 * const plugins = [useJsonBody()];
 */
export function useJsonBody(): HubPlugin {
  return {
    graphql: [
      express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/graphql-response+json'] }),
      (req, _res, next) => {
        // express 5 leaves the body unset for other content types; Apollo then refuses the request itself
        // (CSRF prevention, unsupported content type) rather than the integration answering 500.
        req.body ??= {};
        next();
      },
    ],
  };
}
