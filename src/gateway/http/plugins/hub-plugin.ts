import type http from 'node:http';
import type { ApolloServerPlugin } from '@apollo/server';
import type { Express, RequestHandler } from 'express';
import type { ParseOptions, ValidationRule } from 'graphql';
import type { HubContext } from '../../hub-context.js';

/**
 * One cross-cutting behaviour of the hub's HTTP server as a small hook object, written like envelop's
 * `useXxx` and Apollo Server's plugins. `startHttpServer` mounts one list of them in order; every hook is
 * optional, so a plugin names only the points it acts at.
 *
 * @example
 * const useHello = (): HubPlugin => ({ routes: (app) => app.get('/hello', (_req, res) => res.send('hi')) });
 */
export interface HubPlugin {
  /** Attaches to the Node server itself, for what happens before express sees a request. */
  server?: (server: http.Server) => void;
  /** Routes of its own on the app (GET /healthz, …). */
  routes?: (app: Express) => void;
  /** Express middleware on /graphql before Apollo, in list order: a refusal here costs no parsing. */
  graphql?: RequestHandler[];
  /** Apollo Server plugins: hooks around parsing, validation, execution and the response. */
  apollo?: ApolloServerPlugin<HubContext>[];
  /** Validation rules every operation passes, in list order. */
  validationRules?: ValidationRule[];
  /** graphql-js parser options. */
  parseOptions?: ParseOptions;
}
