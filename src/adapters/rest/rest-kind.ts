import type { AdapterKind } from '../core/adapter-kind.js';
import type { PathOptions } from './json-path.js';
import { restClientFor } from './rest-client.js';
import { RestConnector } from './rest-connector.js';
import { inspectRestSpec } from './rest-inspect.js';
import { restSpec, type RestSpec } from './rest-spec.js';

/** Options of the kind itself (not of a department): how path expressions are read. */
export type RestKindOptions = PathOptions;

/**
 * The `rest` adapter kind: departments whose system is a JSON-over-HTTP API, each declared by a spec
 * (README.md in this folder lists every key). Deadlines, retries and the circuit breaker come from the
 * core's `RuntimeAdapter` that wraps every connector; this kind adds the per-department cap on
 * simultaneous requests.
 *
 * @example
 * const connector = await restKind.open(spec, context);
 * const adapter = new RuntimeAdapter(spec.code, { connector, mapper: specMapper(spec) });
 */
export function createRestKind(options: RestKindOptions = {}): AdapterKind<RestSpec> {
  return {
    name: 'rest',
    schema: restSpec,
    open: async (spec, context) => new RestConnector(spec, restClientFor(spec, context), options),
    inspect: (spec, context, signal) => inspectRestSpec(spec, context, signal, options),
  };
}

export const restKind = createRestKind();
