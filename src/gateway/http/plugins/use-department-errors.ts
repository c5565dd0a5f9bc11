import type { HubPlugin } from './hub-plugin.js';

/**
 * Adds the department errors collected during execution (`HubContext.departmentErrors`) to the
 * response, after the data they spared.
 *
 * @example
 * const plugins = [useDepartmentErrors()];
 */
export function useDepartmentErrors(): HubPlugin {
  return {
    apollo: [
      {
        async requestDidStart() {
          return {
            async willSendResponse({ response, contextValue }) {
              if (response.body.kind !== 'single' || contextValue.departmentErrors.length === 0) return;
              const extra = contextValue.departmentErrors.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions }));
              response.body.singleResult.errors = [...(response.body.singleResult.errors ?? []), ...extra];
            },
          };
        },
      },
    ],
  };
}
