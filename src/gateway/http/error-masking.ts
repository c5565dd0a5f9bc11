import { randomUUID } from 'node:crypto';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import type { Logger } from '../../logging/logger.js';
import { ErrorCode } from '../../schema/index.js';

const SAFE_CODES = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR));

/**
 * The one place errors are masked, in every mode: coded errors the hub raised on purpose pass as they
 * are; anything else — a driver error with SQL, a path, a stack — becomes INTERNAL_SERVER_ERROR with an
 * id that is also in the log line, so an operator can find it and a client learns nothing it shouldn't.
 */
export function createErrorFormatter(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const code = formatted.extensions?.code;
    if (typeof code === 'string' && SAFE_CODES.has(code)) {
      const { stacktrace: _s, exception: _e, ...extensions } = formatted.extensions ?? {};
      return { ...formatted, extensions };
    }
    const errorId = randomUUID();
    const cause = unwrapResolverError(error) as Error | undefined;
    logger.error({ errorId, err: { name: cause?.name, message: cause?.message, stack: cause?.stack }, path: formatted.path }, 'unexpected error');
    return {
      message: 'Internal server error',
      ...(formatted.locations ? { locations: formatted.locations } : {}),
      ...(formatted.path ? { path: formatted.path } : {}),
      extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
    };
  };
}
