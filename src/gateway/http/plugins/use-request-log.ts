import type { Logger } from '../../../logging/logger.js';
import type { HubPlugin } from './hub-plugin.js';

/**
 * One structured log line per request: id, operation, duration, error codes — never variables or data.
 *
 * @example
 * const plugins = [useRequestLog(logger)];
 */
export function useRequestLog(logger: Logger): HubPlugin {
  return {
    apollo: [
      {
        async requestDidStart({ contextValue }) {
          const started = performance.now();
          return {
            async willSendResponse({ response, operationName }) {
              const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
              logger.info(
                {
                  requestId: contextValue.requestId,
                  consumer: contextValue.consumer?.id ?? null,
                  operation: operationName ?? null,
                  durationMs: Math.round(performance.now() - started),
                  // What the cost limit saw, so a deployment can choose HUITONG_MAX_QUERY_COST from its own traffic.
                  ...(contextValue.queryCost !== undefined ? { queryCost: contextValue.queryCost } : {}),
                  ...(errors?.length ? { errorCodes: [...new Set(errors.map((e) => e.extensions?.code))] } : {}),
                  ...(contextValue.departmentErrors.length ? { departmentsDown: contextValue.departmentErrors.map((e) => e.extensions.department) } : {}),
                },
                'graphql request',
              );
            },
          };
        },
      },
    ],
  };
}
