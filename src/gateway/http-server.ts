import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import { printSchema, type GraphQLSchema } from 'graphql';
import type { Registry } from 'prom-client';
import type { Logger } from '../adapters/core/logger.js';
import { ErrorCode } from '../schema/index.js';
import { abuseLimits } from './abuse-limits.js';
import { createErrorFormatter } from './error-masking.js';
import { graphiqlPage } from './graphiql-page.js';
import type { Consumer } from './auth/consumer.js';
import { createHubContext, type HubContext } from './hub-context.js';

export interface HttpServerOptions {
  schema: GraphQLSchema;
  logger: Logger;
  host: string;
  port: number;
  /** Origins allowed by CORS; empty means same-origin only. `*` allows any. */
  corsOrigins: readonly string[];
  /** Whether storage is migrated and the schema built; /readyz reports it. */
  isReady: () => boolean;
  /** Each department's health, for GET /healthz/departments. */
  departmentsHealth: () => Promise<Record<string, unknown>>;
  /** Served at GET /metrics in the Prometheus text format. */
  metrics: Registry;
  plugins?: ApolloServerPlugin<HubContext>[];
  /** Production mode: no introspection, no field suggestions. */
  production?: boolean;
  /** The consumer an `Authorization` header names; null for none; throws UNAUTHENTICATED for a bad one. */
  authenticate?: (authorization: string | undefined) => Promise<Consumer | null>;
}

export interface RunningHttpServer {
  url: string;
  server: http.Server;
  /** Stops accepting, drains in-flight requests, then resolves. */
  stop(): Promise<void>;
}

const BODY_LIMIT = '1mb';

/** Adds the department errors collected during execution to the response, after the data they spared. */
const departmentErrorsPlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart() {
    return {
      async willSendResponse({ response, contextValue }) {
        if (response.body.kind !== 'single' || contextValue.departmentErrors.length === 0) return;
        const extra = contextValue.departmentErrors.map((e) => ({ message: e.message, path: e.path, extensions: e.extensions }));
        response.body.singleResult.errors = [...(response.body.singleResult.errors ?? []), ...extra];
      },
    };
  },
};

/** One structured log line per request: id, operation, duration, error codes — never variables or data. */
function requestLogPlugin(logger: Logger): ApolloServerPlugin<HubContext> {
  return {
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
              ...(errors?.length ? { errorCodes: [...new Set(errors.map((e) => e.extensions?.code))] } : {}),
              ...(contextValue.departmentErrors.length ? { departmentsDown: contextValue.departmentErrors.map((e) => e.extensions.department) } : {}),
            },
            'graphql request',
          );
        },
      };
    },
  };
}

/**
 * The hub's HTTP face: Apollo Server 5 under express 5, with the routes a load balancer and a browser
 * need — /healthz, /readyz, /schema.graphql, the offline GraphQL IDE — a 1 MB body limit (413 above),
 * a CORS allow-list, and SIGTERM-friendly draining.
 *
 * @example
 * const running = await startHttpServer({ schema, logger, host: '127.0.0.1', port: 4000, corsOrigins: [], isReady: () => true });
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const app = express();
  app.disable('x-powered-by');
  const server = http.createServer(app);
  const limits = abuseLimits({ production: options.production ?? false });
  const apollo = new ApolloServer<HubContext>({
    schema: options.schema,
    validationRules: limits.validationRules,
    parseOptions: limits.parseOptions,
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: !options.production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      ApolloServerPluginLandingPageDisabled(),
      departmentErrorsPlugin,
      requestLogPlugin(options.logger),
      ...(limits.plugins as ApolloServerPlugin<HubContext>[]),
      ...(options.plugins ?? []),
    ],
  });
  await apollo.start();
  const sdl = printSchema(options.schema);

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', (_req, res) => {
    const ready = options.isReady();
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting' });
  });
  app.get('/healthz/departments', async (_req, res) => {
    res.json({ departments: await options.departmentsHealth() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.contentType).send(await options.metrics.metrics());
  });
  app.get('/schema.graphql', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(sdl);
  });

  const corsMiddleware = cors({
    origin: options.corsOrigins.includes('*') ? true : [...options.corsOrigins],
    credentials: false,
    allowedHeaders: ['content-type', 'authorization', 'x-purpose', 'apollo-require-preflight', 'x-apollo-operation-name'],
    maxAge: 600,
  });
  app.use('/graphql', corsMiddleware, (req, res, next) => {
    // A browser asking for the page (not a GraphQL GET with a query) gets the IDE.
    if (req.method === 'GET' && !('query' in req.query) && req.accepts(['text/html', 'application/json']) === 'text/html') {
      res.type('html').send(graphiqlPage());
      return;
    }
    next();
  });
  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/graphql-response+json'] }),
    expressMiddleware(apollo, {
      context: async ({ req }) => {
        const consumer = options.authenticate ? await options.authenticate(req.headers.authorization) : null;
        const purpose = typeof req.headers['x-purpose'] === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(req.headers['x-purpose']) ? req.headers['x-purpose'] : null;
        // A client-chosen request id is kept only when it is short and plain: it goes into logs.
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && /^[A-Za-z0-9._-]{1,64}$/.test(given) ? given : randomUUID();
        return createHubContext(requestId, consumer, purpose);
      },
    }),
  );
  app.use((_req, res) => {
    res.status(404).json({ errors: [{ message: 'not found', extensions: { code: 'NOT_FOUND' } }] });
  });
  app.use((error: Error & { status?: number; type?: string }, _req: Request, res: Response, _next: NextFunction) => {
    if (error.status === 413 || error.type === 'entity.too.large') {
      res.status(413).json({ errors: [{ message: `request body over ${BODY_LIMIT}`, extensions: { code: ErrorCode.PAYLOAD_TOO_LARGE } }] });
      return;
    }
    if (error.status && error.status >= 400 && error.status < 500) {
      res.status(error.status).json({ errors: [{ message: 'malformed request body', extensions: { code: ErrorCode.BAD_REQUEST } }] });
      return;
    }
    const errorId = randomUUID();
    options.logger.error({ errorId, err: { name: error.name, message: error.message } }, 'unexpected HTTP error');
    res.status(500).json({ errors: [{ message: 'Internal server error', extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId } }] });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const address = server.address() as { port: number };
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${address.port}`,
    server,
    stop: () => apollo.stop(),
  };
}
