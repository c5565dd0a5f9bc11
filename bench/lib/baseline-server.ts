// A hand-written baseline (the monolith, the central copy) served on the hub's own HTTP stack
// (startHttpServer: Apollo Server 5 on express 5, the same plugins and error formatting), without the
// hub's metrics and traces: those are part of what the hub costs.
import type { GraphQLSchema } from 'graphql';
import { Registry } from 'prom-client';
import { startHttpServer } from '../../src/gateway/http/http-server.js';
import type { Logger } from '../../src/logging/logger.js';

/**
 * Serves `schema` on 127.0.0.1 at a free port.
 *
 * @example
 * const http = await startBaselineServer(createMonolithSchema(db, adapters), logger);
 * await fetch(`${http.url}/graphql`, …); await http.stop();
 */
export function startBaselineServer(schema: GraphQLSchema, logger: Logger) {
  return startHttpServer({
    schema,
    logger,
    host: '127.0.0.1',
    port: 0,
    corsOrigins: [],
    isReady: () => true,
    metrics: new Registry(),
    departmentsHealth: async () => ({}),
  });
}
