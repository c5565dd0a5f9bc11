import { execute } from 'graphql';
import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import type { Subgraph } from '../subgraphs/department/department-subgraph.js';
import type { ExecutionRequest, Executor } from '@graphql-tools/utils';

/** A subgraph as the gateway sees it: its shipped SDL and how to send it a request. */
export interface SubgraphEndpoint {
  name: string;
  /** `service`: a hub-wide subgraph with no merged types of its own (governance). */
  role: 'department' | 'catalogue' | 'identity' | 'service';
  sdl: string;
  executor: Executor;
  /** Runs in this process: no request batching (there is no round trip to save). */
  local?: boolean;
}

/**
 * A subgraph running in this process: requests go straight to its executable schema.
 *
 * @example
 * inProcessEndpoint(createCatalogueSubgraph(db), 'catalogue');
 */
export function inProcessEndpoint(subgraph: Subgraph, role: SubgraphEndpoint['role']): SubgraphEndpoint {
  const schema = subgraph.schema;
  // graphql-js itself: the requests are the gateway's own, prepared documents (no streaming, no defer).
  const executor = ((request: ExecutionRequest) =>
    execute({ schema, document: request.document, variableValues: request.variables, contextValue: request.context, rootValue: request.rootValue, operationName: request.operationName })) as Executor;
  return { name: subgraph.name, role, sdl: subgraph.sdl, executor, local: true };
}

/**
 * A subgraph running as its own HTTP service. The SDL is the one the subgraph ships (same code), so the
 * gateway composes without asking the service; `timeoutMs` bounds a service that hangs.
 *
 * @example
 * httpEndpoint({ name: 'market', role: 'department', sdl: departmentSdl, url: 'http://127.0.0.1:4201/graphql' });
 */
export function httpEndpoint(options: { name: string; role: SubgraphEndpoint['role']; sdl: string; url: string; timeoutMs?: number }): SubgraphEndpoint {
  return {
    name: options.name,
    role: options.role,
    sdl: options.sdl,
    executor: buildHTTPExecutor({ endpoint: options.url, timeout: options.timeoutMs ?? 10_000 }),
  };
}
