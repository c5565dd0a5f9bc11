import http from 'node:http';
import https from 'node:https';
import { execute, GraphQLError, print, type DocumentNode } from 'graphql';
import type { Subgraph } from '../subgraphs/department/department-subgraph.js';
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
    executor: jsonPostExecutor(options.url, options.timeoutMs ?? 10_000),
  };
}

const printed = new WeakMap<DocumentNode, string>();

/**
 * GraphQL over HTTP as the gateway uses it — one JSON POST, one JSON answer — on node:http with kept-alive
 * connections. @graphql-tools/executor-http (fetch ponyfill, streams, upload and incremental-delivery
 * support the subgraphs never use) cost about twice the CPU per call, and the gateway plans its documents
 * once, so each is printed once. Failures come back as a result with one error whose `originalError` is
 * the network error (a `TimeoutError` past `timeoutMs`), which is how the gateway tells UNREACHABLE from
 * TIMEOUT.
 */
function jsonPostExecutor(url: string, timeoutMs: number): Executor {
  const target = new URL(url);
  const client = target.protocol === 'https:' ? https : http;
  const agent = new client.Agent({ keepAlive: true });
  const failed = (error: Error): ExecutionResult => ({ errors: [new GraphQLError(`${error.message} (${url})`, { originalError: error })] });
  return ((request: ExecutionRequest) =>
    new Promise<ExecutionResult>((resolve) => {
      let query = printed.get(request.document);
      if (query === undefined) printed.set(request.document, (query = print(request.document)));
      const body = JSON.stringify({ query, variables: request.variables, ...(request.operationName ? { operationName: request.operationName } : {}) });
      let settled = false;
      let timer: NodeJS.Timeout | undefined;
      const settle = (result: ExecutionResult) => {
        settled = true;
        clearTimeout(timer);
        resolve(result);
      };
      const send = (retry: boolean) => {
        const outgoing = client.request(target, {
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json, application/json', 'content-length': Buffer.byteLength(body) },
        });
        clearTimeout(timer);
        timer = setTimeout(() => outgoing.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { name: 'TimeoutError' })), timeoutMs);
        let answered = false;
        outgoing.on('error', (error: Error & { code?: string }) => {
          if (settled) return;
          // A kept-alive connection the service closed while idle fails as soon as it is reused: send once
          // more on a new one (the gateway only reads, so this is safe), as node's documentation advises.
          if (retry && !answered && outgoing.reusedSocket && error.code === 'ECONNRESET') return send(false);
          settle(failed(error));
        });
        outgoing.on('response', (response) => {
          answered = true;
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', (error) => settled || settle(failed(error)));
          // A connection closed before the answer ended ('close' follows every answer: an error only if none came).
          response.on('close', () => settled || settle(failed(new Error('connection closed before the answer ended'))));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            try {
              const result = JSON.parse(text) as ExecutionResult;
              // GraphQL over HTTP answers request errors (4xx) with a result too; anything else is a failure.
              if (result && typeof result === 'object' && ('data' in result || 'errors' in result)) return settle(result);
            } catch {
              /* not JSON: reported below */
            }
            settle(failed(new Error(`unexpected answer: HTTP ${response.statusCode}`)));
          });
        });
        outgoing.end(body);
      };
      send(true);
    })) as Executor;
}
