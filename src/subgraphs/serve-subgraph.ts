import http from 'node:http';
import { parse, validate, type DocumentNode, type GraphQLError, type GraphQLSchema, type Source, type ValidationRule } from 'graphql';
import { createHandler } from 'graphql-http/lib/use/http';
import type { Subgraph } from './subgraph.js';
import type { ServiceKeyring } from './service-keys.js';
import { serviceTokenChecker, type ServiceTokenProblem } from './service-token.js';
import { contextFromHeaders } from './trace-context.js';

export interface ServeOptions {
  /**
   * The keys of the gateway's service tokens: every /graphql request must carry one for this subgraph
   * (401 `UNAUTHENTICATED` otherwise). Null serves anyone who can connect — tests of the handler only.
   */
  serviceKeys: ServiceKeyring | null;
  /** Default 127.0.0.1: a subgraph service is the gateway's back end, not a public endpoint. */
  host?: string;
  port?: number;
  /** Served at GET /metrics (a prom-client `Registry`): the department calls this process makes. */
  metrics?: { contentType: string; metrics(): Promise<string> };
}

export interface RunningSubgraph {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves one subgraph as its own HTTP service at `/graphql` (GraphQL over HTTP, graphql-http's
 * reference handler), to the gateway only: each request must carry the gateway's service token for this
 * subgraph (`Authorization: Bearer`, see `service-token.ts`), checked before the body is read. Each
 * request gets its own context object, which is what the subgraphs' per-request loaders key on, holding
 * the trace context of the request's `traceparent` header. The gateway treats it exactly like an
 * in-process subgraph. `/healthz` and `/metrics` (no personal data) need no token.
 *
 * @example
 * const running = await serveSubgraph(createDepartmentSubgraph(adapter), { serviceKeys: openServiceKeyring(file), port: 4101 });
 */
export async function serveSubgraph(subgraph: Subgraph, options: ServeOptions): Promise<RunningSubgraph> {
  const documents = documentCache();
  // A fresh context per request; it carries the caller's trace, so department calls' spans join it.
  const handler = createHandler({
    schema: subgraph.schema,
    context: (req) => contextFromHeaders(req.raw.headers),
    parse: documents.parse,
    validate: documents.validate,
  });
  const checkToken = options.serviceKeys ? serviceTokenChecker(options.serviceKeys, subgraph.name) : null;
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (req.url === '/metrics' && options.metrics) {
      const metrics = options.metrics;
      metrics.metrics().then(
        (text) => res.writeHead(200, { 'content-type': metrics.contentType }).end(text),
        () => res.writeHead(500).end(),
      );
      return;
    }
    if (!req.url?.startsWith('/graphql')) {
      res.writeHead(404).end();
      return;
    }
    const serve = () =>
      handler(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
      });
    if (!checkToken) return void serve();
    checkToken(req.headers.authorization).then(
      (problem) => (problem ? refuse(res, problem) : serve()),
      () => refuse(res, 'INVALID_TOKEN'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/** 401 with a GraphQL-shaped body; the connection closes, since the unread body may still be arriving. */
function refuse(res: http.ServerResponse, problem: ServiceTokenProblem): void {
  const message =
    problem === 'MISSING_TOKEN'
      ? 'this service answers the hub gateway only: send its service token'
      : 'the service token is expired, not signed with a current service key, or not for this service';
  res
    .writeHead(401, { 'content-type': 'application/json; charset=utf-8', 'www-authenticate': 'Bearer error="invalid_token"', connection: 'close' })
    .end(JSON.stringify({ errors: [{ message, extensions: { code: 'UNAUTHENTICATED', reason: problem } }] }));
}

/**
 * Parsing and validation once per distinct document. The gateway sends the same few planned documents
 * with different variables, and validating one cost about a third of a department subgraph's CPU per
 * request. Bounded (oldest dropped first): anyone who can reach the service can send new documents.
 *
 * @example
 * const documents = documentCache();
 * createHandler({ schema, parse: documents.parse, validate: documents.validate });
 */
export function documentCache(max = 500) {
  const parsed = new Map<string, DocumentNode>();
  const validated = new WeakMap<DocumentNode, { schema: GraphQLSchema; rules: readonly ValidationRule[]; errors: readonly GraphQLError[] }>();
  return {
    parse(source: string | Source): DocumentNode {
      if (typeof source !== 'string') return parse(source);
      let document = parsed.get(source);
      if (!document) {
        // A syntax error throws and is not kept.
        document = parse(source);
        if (parsed.size >= max) parsed.delete(parsed.keys().next().value!);
        parsed.set(source, document);
      }
      return document;
    },
    validate(schema: GraphQLSchema, document: DocumentNode, rules?: readonly ValidationRule[]): readonly GraphQLError[] {
      const known = validated.get(document);
      // graphql-http passes a fresh copy of the same rules each time: compare them by content.
      if (known && known.schema === schema && sameRules(known.rules, rules ?? [])) return known.errors;
      const errors = validate(schema, document, rules);
      validated.set(document, { schema, rules: rules ?? [], errors });
      return errors;
    },
  };
}

const sameRules = (a: readonly ValidationRule[], b: readonly ValidationRule[]) => a.length === b.length && a.every((rule, i) => rule === b[i]);
