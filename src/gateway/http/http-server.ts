import http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import type { GatewayInterface } from '@apollo/server-gateway-interface';
import { expressMiddleware } from '@as-integrations/express5';
import express from 'express';
import { type GraphQLSchema, printSchema, type ValidationRule } from 'graphql';
import type { Registry } from 'prom-client';
import type { Logger } from '../../logging/logger.js';
import type { Consumer } from '../auth/consumer.js';
import { createHubContext, type HubContext } from '../hub-context.js';
import type { AdmissionSettings } from './admission-control.js';
import { createErrorFormatter } from './error-masking.js';
import { answerHttpErrors, notFound } from './fallback-answers.js';
import type { HubPlugin } from './plugins/hub-plugin.js';
import { identityOf, refusal } from './plugins/refusal.js';
import { useAbuseLimits } from './plugins/use-abuse-limits.js';
import { useAdmissionControl } from './plugins/use-admission-control.js';
import { useApolloPlugins } from './plugins/use-apollo-plugins.js';
import { useAuthentication } from './plugins/use-authentication.js';
import { useClientErrors } from './plugins/use-client-errors.js';
import { useCors } from './plugins/use-cors.js';
import { useDepartmentErrors } from './plugins/use-department-errors.js';
import { useDocumentNesting } from './plugins/use-document-nesting.js';
import { useGraphiql } from './plugins/use-graphiql.js';
import { useHealthChecks } from './plugins/use-health-checks.js';
import { useJsonBody } from './plugins/use-json-body.js';
import { usePortal } from './plugins/use-portal.js';
import { useMetricsRoute } from './plugins/use-metrics-route.js';
import { useNoStore } from './plugins/use-no-store.js';
import { usePurposeHeader } from './plugins/use-purpose-header.js';
import { callerLimit, useRateLimit } from './plugins/use-rate-limit.js';
import { useRequestLog } from './plugins/use-request-log.js';
import { useSchemaRoute } from './plugins/use-schema-route.js';
import { useTrustedDocuments } from './plugins/use-trusted-documents.js';
import { useValidationRules } from './plugins/use-validation-rules.js';
import type { PortalSite } from './portal-site.js';
import type { RateLimitSettings } from './rate-limit.js';
import { assignRequestId } from './request-id.js';
import type { TrustedDocuments } from './trusted-documents.js';

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
  /** The web portal's build, served at /portal; null or absent: /portal says how to build it. */
  portal?: PortalSite | null;
  /** Demo mode: the IDE opens with the demo steward's key in its headers. */
  demo?: boolean;
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

/**
 * The hub's HTTP face: Apollo Server 5 under express 5, with the routes a load balancer and a browser
 * need — /healthz, /readyz, /schema.graphql, the offline GraphQL IDE — a 1 MB body limit (413 above),
 * a CORS allow-list, CSRF prevention and SIGTERM-friendly draining. A GraphQL request is authenticated,
 * rate limited (`rateLimit`: 429 with `Retry-After`), its `x-purpose` checked (400 when malformed) and,
 * with `trustedDocuments`, its operation looked up in the manifest — all before Apollo parses anything.
 * Each of these is a plugin of its own (`plugins/`), mounted from the one list below.
 *
 * @example
 * const running = await startHttpServer({ schema, logger, host: '127.0.0.1', port: 4000, corsOrigins: [], isReady: () => true });
 */
export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  if (!options.schema === !options.gateway) throw new TypeError('startHttpServer needs a schema or a gateway, not both');
  const app = express();
  app.disable('x-powered-by');
  // No ETags: GraphQL answers are no-store, and express would hash every response body for one.
  app.set('etag', false);
  if (options.trustProxy !== undefined) app.set('trust proxy', options.trustProxy);
  const server = http.createServer(app);
  const fixedSdl = options.schema ? printSchema(options.schema) : '';
  const refuse = refusal(options.logger);
  const limit = callerLimit(options.rateLimit, refuse);

  // What is mounted, in order. Express middleware on /graphql runs in this order before Apollo:
  // who is asking, then whether they may ask now, then why — all before the body is even read.
  const plugins: HubPlugin[] = [
    useClientErrors(),
    useHealthChecks(options),
    useMetricsRoute(options.metrics),
    useSchemaRoute(options.sdl ?? (() => fixedSdl)),
    usePortal(options.portal ?? null),
    useCors(options.corsOrigins),
    useNoStore(),
    useGraphiql({ demo: options.demo ?? false }),
    ...(options.admission ? [useAdmissionControl(options.admission, { logger: options.logger, server, registry: options.metrics })] : []),
    useAuthentication(options.authenticate, limit, refuse),
    useRateLimit(limit),
    usePurposeHeader(refuse),
    useJsonBody(),
    useDocumentNesting(),
    ...(options.trustedDocuments ? [useTrustedDocuments(options.trustedDocuments, { allowIntrospection: !options.production }, refuse)] : []),
    useApolloPlugins(ApolloServerPluginDrainHttpServer({ httpServer: server }), ApolloServerPluginLandingPageDisabled()),
    useDepartmentErrors(),
    useRequestLog(options.logger),
    useAbuseLimits({ production: options.production ?? false, maxQueryCost: options.maxQueryCost }),
    useValidationRules(options.validationRules ?? []),
    useApolloPlugins(...(options.plugins ?? [])),
  ];

  const apollo = new ApolloServer<HubContext>({
    ...(options.gateway ? { gateway: options.gateway } : { schema: options.schema! }),
    // The CLI owns the signals: Apollo's own handler would re-raise SIGTERM once drained and kill the
    // process before the hub's shutdown (closing adapters, signing the audit head) has finished.
    stopOnTerminationSignals: false,
    validationRules: plugins.flatMap((p) => p.validationRules ?? []),
    parseOptions: Object.assign({}, ...plugins.map((p) => p.parseOptions)),
    formatError: createErrorFormatter(options.logger),
    includeStacktraceInErrorResponses: false,
    csrfPrevention: true,
    introspection: !options.production,
    // Under trusted documents the manifest is the only cache of documents: none may be registered at run time.
    ...(options.trustedDocuments ? { persistedQueries: false as const } : {}),
    plugins: plugins.flatMap((p) => p.apollo ?? []),
  });
  await apollo.start();

  for (const plugin of plugins) plugin.server?.(server);
  for (const plugin of plugins) plugin.routes?.(app);
  for (const plugin of plugins) if (plugin.graphql?.length) app.use('/graphql', ...plugin.graphql);
  app.use(
    '/graphql',
    expressMiddleware(apollo, {
      context: async ({ req, res }) => {
        const identity = identityOf(res)!;
        return createHubContext(assignRequestId(req, res), identity.consumer, identity.purpose);
      },
    }),
  );
  app.use(notFound);
  app.use(answerHttpErrors(options.logger));

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
