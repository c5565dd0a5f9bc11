import { randomUUID } from 'node:crypto';
import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { expressMiddleware } from '@as-integrations/express5';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { GraphQLError, printSchema, type GraphQLSchema, type ValidationRule } from 'graphql';
import type { Registry } from 'prom-client';
import type { Logger } from '../../adapters/core/logger.js';
import { ErrorCode } from '../../schema/index.js';
import { abuseLimits } from './abuse-limits.js';
import { answerClientErrors } from './client-errors.js';
import { refuseDeepDocuments } from './document-nesting.js';
import { admissionControl, type AdmissionSettings } from './admission-control.js';
import { createErrorFormatter } from './error-masking.js';
import { graphiqlPage } from './graphiql-page.js';
import type { Consumer } from '../auth/consumer.js';
import { createHubContext, type HubContext } from '../hub-context.js';
import { createRateLimiter, type RateLimitSettings } from './rate-limit.js';
import { trustDocument, type DocumentParams, type TrustedDocuments } from './trusted-documents.js';

export interface HttpServerOptions extends AbuseOptions {
  /** The schema to serve, fixed; or `gateway` and `sdl` instead. */
  schema?: GraphQLSchema;
  /** The schema through Apollo's gateway interface, so a new composition can be swapped in live… */
  gateway?: GatewayInterface;
  /** …and the SDL of the schema it serves now, for GET /schema.graphql. */
  sdl?: () => string;
  logger: Logger;
  host: string;
  port: number;
  /** Origins allowed by CORS; empty means same-origin only. `*` allows any. */
  corsOrigins: readonly string[];
  /** Whether storage is migrated and the schema built; /readyz reports it. */
  isReady: () => boolean;
  /** More for /readyz's body (the audit chain against its anchor); never changes the status code. */
  readinessDetail?: () => Promise<Record<string, unknown>>;
  /** Each department's health, for GET /healthz/departments. */
  departmentsHealth: () => Promise<Record<string, unknown>>;
  /** Served at GET /metrics in the Prometheus text format. */
  metrics: Registry;
  plugins?: ApolloServerPlugin<HubContext>[];
  /** Validation rules run after the abuse limits (e.g. the hub's reserved aliases). */
  validationRules?: ValidationRule[];
  /** Production mode: no introspection, no field suggestions. */
  production?: boolean;
  /** The consumer an `Authorization` header names; null for none; throws UNAUTHENTICATED for a bad one. */
  authenticate?: (authorization: string | undefined) => Promise<Consumer | null>;
}

/** Guards against abuse that a deployment configures (see `src/cli/config.ts`); all off when absent. */
export interface AbuseOptions {
  /** Requests per minute per consumer (per address for the public): 429 with `Retry-After` above it. */
  rateLimit?: RateLimitSettings | undefined;
  /** Trusted-documents mode: only operations from this persisted-operations manifest run. */
  trustedDocuments?: TrustedDocuments | undefined;
  /**
   * Express's `trust proxy`: behind a reverse proxy, which `X-Forwarded-For` hops to believe, so the
   * public is limited per real client address rather than all together as the proxy's.
   */
  trustProxy?: boolean | number | string | undefined;
  /** Admission control: GraphQL requests in flight and queued, event-loop delay; 503 with `Retry-After` beyond. */
  admission?: AdmissionSettings | null | undefined;
  /** Highest estimated cost of one operation, with its variables (`query-cost.ts`); DEFAULT_MAX_QUERY_COST when absent. */
  maxQueryCost?: number | undefined;
}

export interface RunningHttpServer {
  url: string;
  server: http.Server;
  /** Stops accepting, drains in-flight requests, then resolves. */
  stop(): Promise<void>;
}

const BODY_LIMIT = '1mb';
/** Declared purposes are codes from the purpose catalogue: short ASCII, safe to log. */
const PURPOSE_PATTERN = /^[A-Za-z0-9._-]{1,64}$/;

/** Who is asking and why, settled before Apollo runs, so rate limits can count by consumer. */
interface RequestIdentity {
  consumer: Consumer | null;
  purpose: string | null;
}

/** Coded errors the hub raises on purpose pass as they are; any other error is unexpected and masked. */
const SAFE_CODES = new Set<string>(Object.values(ErrorCode).filter((c) => c !== ErrorCode.INTERNAL_SERVER_ERROR));
const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

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
  };
}

/**
 * The hub's HTTP face: Apollo Server 5 under express 5, with the routes a load balancer and a browser
 * need — /healthz, /readyz, /schema.graphql, the offline GraphQL IDE — a 1 MB body limit (413 above),
 * a CORS allow-list, CSRF prevention and SIGTERM-friendly draining. A GraphQL request is authenticated,
 * rate limited (`rateLimit`: 429 with `Retry-After`), its `x-purpose` checked (400 when malformed) and,
 * with `trustedDocuments`, its operation looked up in the manifest — all before Apollo parses anything.
 *
 * @example
 * const running = await startHttpServer({ schema, logger, host: '127.0.0.1', port: 4000, corsOrigins: [], isReady: () => true });
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const app = express();
  app.disable('x-powered-by');
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  const server = http.createServer(app);
  answerClientErrors(server);
  const limits = abuseLimits({ production: options.production ?? false, maxQueryCost: options.maxQueryCost });
  if (!options.schema === !options.gateway) throw new TypeError('startHttpServer needs a schema or a gateway, not both');
  const fixedSdl = options.schema ? printSchema(options.schema) : '';
  const sdl = options.sdl ?? (() => fixedSdl);
  const apollo = new ApolloServer<HubContext>({
    ...(options.gateway ? { gateway: options.gateway } : { schema: options.schema! }),
    // The CLI owns the signals: Apollo's own handler would re-raise SIGTERM once drained and kill the
    // process before the hub's shutdown (closing adapters, signing the audit head) has finished.
    stopOnTerminationSignals: false,
    validationRules: [...limits.validationRules, ...(options.validationRules ?? [])],
    parseOptions: limits.parseOptions,
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: !options.production,
    // Under trusted documents the manifest is the only cache of documents: none may be registered at run time.
    ...(options.trustedDocuments ? { persistedQueries: false as const } : {}),
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

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const ready = options.isReady();
    const detail = ready && options.readinessDetail ? await options.readinessDetail() : {};
    res.status(ready ? 200 : 503).json({ status: ready ? 'ready' : 'starting', ...detail });
  });
  app.get('/healthz/departments', async (_req, res) => {
    res.json({ departments: await options.departmentsHealth() });
  });
  app.get('/metrics', async (_req, res) => {
    res.type(options.metrics.contentType).send(await options.metrics.metrics());
  });
  app.get('/schema.graphql', (_req, res) => {
    res.type('text/plain; charset=utf-8').send(sdl());
  });

  const corsMiddleware = cors({
    origin: options.corsOrigins.includes('*') ? true : [...options.corsOrigins],
    credentials: false,
    allowedHeaders: ['content-type', 'authorization', 'x-purpose', 'apollo-require-preflight', 'x-apollo-operation-name'],
    maxAge: 600,
  });
  app.use('/graphql', corsMiddleware, (req, res, next) => {
    // A browser asking for the page (not a GraphQL GET with a query or a persisted document) gets the IDE.
    const graphqlGet = 'query' in req.query || 'documentId' in req.query || 'extensions' in req.query;
    if (req.method === 'GET' && !graphqlGet && req.accepts(['text/html', 'application/json']) === 'text/html') {
      res.type('html').send(graphiqlPage());
      return;
    }
    next();
  });
  /** A GraphQL-shaped error body for refusals made before Apollo runs, logged like any request. */
  const refuse = (res: Response, status: number, code: string, message: string, extensions: Record<string, unknown> = {}) => {
    const identity = res.locals.identity as RequestIdentity | undefined;
    options.logger.info({ status, errorCodes: [code], consumer: identity?.consumer?.id ?? null }, 'graphql request refused');
    res.status(status).json({ errors: [{ message, extensions: { code, ...extensions } }] });
  };
  const limiter = options.rateLimit ? createRateLimiter(options.rateLimit) : null;
  const clientAddress = (req: Request) => req.ip ?? req.socket.remoteAddress ?? 'unknown';
  /** Refuses with 429 when this caller is over its limit; true when it did. */
  const overLimit = async (res: Response, consumer: Consumer | null, address: string) => {
    const decision = limiter ? await limiter.consume(consumer, address) : { allowed: true as const };
    if (decision.allowed) return false;
    res.set('Retry-After', String(decision.retryAfterSeconds));
    refuse(res, 429, ErrorCode.RATE_LIMITED, `rate limit of ${decision.limit} requests per minute exceeded; retry after ${decision.retryAfterSeconds} s`, {
      retryAfter: decision.retryAfterSeconds,
    });
    return true;
  };

  if (options.admission) app.use('/graphql', admissionControl(options.admission, { logger: options.logger, server, registry: options.metrics }));
  // Who is asking, then whether they may ask now, then why: all before the body is even read.
  app.use('/graphql', async (req, res, next) => {
    let consumer: Consumer | null = null;
    try {
      consumer = options.authenticate ? await options.authenticate(req.headers.authorization) : null;
    } catch (error) {
      const code = error instanceof GraphQLError ? error.extensions.code : undefined;
      if (typeof code !== 'string' || !SAFE_CODES.has(code)) return next(error);
      // Failed credentials count against the address, so guessing keys runs into the public's limit.
      if (await overLimit(res, null, clientAddress(req))) return;
      if (code === ErrorCode.UNAUTHENTICATED) res.set('WWW-Authenticate', 'Bearer');
      const status = (error as GraphQLError).extensions.http as { status?: number } | undefined;
      return refuse(res, status?.status ?? 400, code, (error as GraphQLError).message);
    }
    res.locals.identity = { consumer, purpose: null } satisfies RequestIdentity;
    if (await overLimit(res, consumer, clientAddress(req))) return;
    const declared = req.headers['x-purpose'];
    if (declared !== undefined && (typeof declared !== 'string' || !PURPOSE_PATTERN.test(declared))) {
      return refuse(res, 400, ErrorCode.BAD_USER_INPUT, 'x-purpose must be one purpose code: 1 to 64 letters, digits, ".", "_" or "-"', {
        header: 'x-purpose',
      });
    }
    const identity: RequestIdentity = { consumer, purpose: declared ?? null };
    res.locals.identity = identity;
    next();
  });
  app.use(
    '/graphql',
    express.json({ limit: BODY_LIMIT, type: ['application/json', 'application/graphql-response+json'] }),
    (req, _res, next) => {
      // express 5 leaves the body unset for other content types; Apollo then refuses the request itself
      // (CSRF prevention, unsupported content type) rather than the integration answering 500.
      req.body ??= {};
      next();
    },
    refuseDeepDocuments(),
  );
  if (options.trustedDocuments) {
    const docs = options.trustedDocuments;
    const allowIntrospection = !options.production;
    app.use('/graphql', (req, res, next) => {
      const fromUrl = req.method === 'GET' || req.method === 'HEAD';
      const search = new URLSearchParams(req.url.includes('?') ? req.url.slice(req.url.indexOf('?') + 1) : '');
      let params: DocumentParams;
      if (fromUrl) {
        let extensions: unknown;
        try {
          extensions = search.has('extensions') ? JSON.parse(search.get('extensions')!) : undefined;
        } catch {
          return refuse(res, 400, ErrorCode.BAD_REQUEST, 'extensions must be JSON');
        }
        params = { query: search.get('query') ?? undefined, documentId: search.get('documentId') ?? undefined, extensions };
      } else if (isPlainObject(req.body) && Object.keys(req.body).length > 0) {
        params = req.body as DocumentParams;
      } else {
        // Not a GraphQL request Apollo would run (no JSON body, a batch): it refuses it on its own terms.
        return next();
      }
      const decision = trustDocument(docs, params, { allowIntrospection });
      if (!decision.trusted) return refuse(res, decision.status, decision.code, decision.message);
      // Hand Apollo a plain request for the trusted text: no id, no persisted-query extension.
      const { persistedQuery: _p, ...extensions } = isPlainObject(params.extensions) ? params.extensions : {};
      if (fromUrl) {
        search.set('query', decision.query);
        search.delete('documentId');
        if (Object.keys(extensions).length) search.set('extensions', JSON.stringify(extensions));
        else search.delete('extensions');
        req.url = `${req.url.slice(0, req.url.indexOf('?'))}?${search.toString()}`;
      } else {
        const { documentId: _d, extensions: _e, ...rest } = req.body as Record<string, unknown>;
        req.body = { ...rest, query: decision.query, ...(Object.keys(extensions).length ? { extensions } : {}) };
      }
      next();
    });
  }
  app.use(
    '/graphql',
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const identity = res.locals.identity as RequestIdentity;
        // The request id names the audit event, so the hub makes it: a client that sends another request's id
        // must not be able to file a second event under it. A client's own id (short and plain: it goes into
        // logs) follows, after a colon no client id contains, so the two can still be joined.
        const given = req.headers['x-request-id'];
        const requestId = typeof given === 'string' && PURPOSE_PATTERN.test(given) ? `${randomUUID()}:${given}` : randomUUID();
        res.set('x-request-id', requestId);
        return createHubContext(requestId, identity.consumer, identity.purpose);
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
