import { buildHTTPExecutor } from '@graphql-tools/executor-http';
import { errorChain } from '../../adapters/core/adapter-error.js';
import { eventLoopTurn } from '../../adapters/core/event-loop-turn.js';
import type { Subgraph } from '../../subgraphs/subgraph.js';
import { traceHeaders } from '../observability/tracing.js';
import { compiledRunner } from '../compiled-queries.js';
import { onFreshConnection, subgraphFetch, type SubgraphFetch } from './subgraph-fetch.js';
import type { ExecutionRequest, ExecutionResult, Executor } from '@graphql-tools/utils';

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
 * A subgraph running in this process: requests go straight to its executable schema, each after one
 * turn of the event loop.
 *
 * @example
 * inProcessEndpoint(createCatalogueSubgraph(db), 'catalogue');
 */
export function inProcessEndpoint(subgraph: Subgraph, role: SubgraphEndpoint['role']): SubgraphEndpoint {
  const schema = subgraph.schema;
  const run = compiledRunner();
  const executor = (async (request: ExecutionRequest) => {
    // In process, a subgraph call is no I/O: without a turn of the event loop here, a request's
    // subgraph calls and the gateway's work on their results would run as one long task, and a health
    // check arriving meanwhile would wait for all of it. Calls made together resume together.
    await eventLoopTurn();
    return run({
      schema,
      document: request.document,
      variableValues: request.variables,
      contextValue: request.context,
      rootValue: request.rootValue,
      operationName: request.operationName,
    });
  }) as Executor;
  return { name: subgraph.name, role, sdl: subgraph.sdl, executor, local: true };
}

/**
 * A subgraph running as its own HTTP service. The SDL is the one the subgraph ships (same code), so the
 * gateway composes without asking the service; `timeoutMs` bounds a service that hangs; `serviceToken`
 * gives the bearer token the service requires of the gateway (see `subgraphs/service-token.ts`).
 *
 * @example
 * httpEndpoint({ name: 'market', role: 'department', sdl: departmentSdl, url: 'http://127.0.0.1:4201/graphql', serviceToken: () => tokens.token('market') });
 */
export function httpEndpoint(options: {
  name: string;
  role: SubgraphEndpoint['role'];
  sdl: string;
  url: string;
  timeoutMs?: number;
  serviceToken?: () => Promise<string>;
}): SubgraphEndpoint {
  // The request's trace goes along (traceparent), so the service's department calls join it.
  const http = buildHTTPExecutor({
    endpoint: options.url,
    fetch: fetchWithin(options.timeoutMs ?? 10_000),
    headers: (request) => traceHeaders(request?.context),
  });
  return {
    name: options.name,
    role: options.role,
    sdl: options.sdl,
    executor: resendOnLostConnection(options.serviceToken ? withServiceToken(http, options.serviceToken) : http),
  };
}

/**
 * The gateway's subgraph client (`subgraphFetch`) under a deadline over the whole exchange, body
 * included: the deadline's signal replaces the executor's own. Given a `timeout`, the executor would join
 * its deadline with a signal it keeps for its lifetime (aborted only when it is disposed, which the gateway
 * never does), adding a listener to that one signal per request and removing it only once the joined
 * signal is garbage-collected — a list each request scanned, growing between collections.
 */
function fetchWithin(timeoutMs: number): SubgraphFetch {
  const fetch = subgraphFetch();
  return (url, init, context) => {
    if (init?.signal?.aborted) return Promise.reject(init.signal.reason);
    return fetch(url, { ...init, signal: AbortSignal.timeout(timeoutMs) }, context);
  };
}

/** Adds the service token, which is signed asynchronously, as a per-request header (the executor's `extensions.headers`). */
function withServiceToken(executor: Executor, token: () => Promise<string>): Executor {
  return (async (request: ExecutionRequest) => {
    const headers = { ...(request.extensions?.headers as Record<string, string> | undefined), authorization: `Bearer ${await token()}` };
    return executor({ ...request, extensions: { ...request.extensions, headers } });
  }) as Executor;
}

/**
 * A kept-alive connection the service closed while idle fails as soon as it is reused (ECONNRESET, "socket
 * hang up"): a read is sent once more, on a new connection. A mutation is not — the service may have run it.
 */
function resendOnLostConnection(executor: Executor): Executor {
  return (async (request: ExecutionRequest) => {
    const result = await executor(request);
    return request.operationType !== 'mutation' && lostConnection(result) ? executor({ ...request, context: onFreshConnection(request.context) }) : result;
  }) as Executor;
}

const LOST_CONNECTION = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET']);

function lostConnection(result: unknown): boolean {
  const errors = (result as ExecutionResult).errors;
  if (errors?.length !== 1 || (result as ExecutionResult).data != null) return false;
  for (const current of errorChain(errors[0])) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && LOST_CONNECTION.has(code)) return true;
  }
  return false;
}
