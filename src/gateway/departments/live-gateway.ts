import type { GatewayExecutor, GatewayInterface, GatewayLoadResult, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLSchema } from 'graphql';
import { compiledRunner } from '../compiled-queries.js';

/** What the live gateway serves at one time: a schema and the resources behind it, released after draining. */
export interface Served {
  readonly schema: GraphQLSchema;
  /** The SDL clients see (`/schema.graphql`). */
  readonly sdl: string;
  /** Releases what only this composition holds (adapters of departments it alone serves). */
  close(): Promise<void>;
}

/**
 * Apollo Server's supported path for schema updates (the `gateway` interface: `load` and
 * `onSchemaLoadOrUpdate`), over compositions the hub builds itself. `swap` makes a new composition live
 * atomically: a request runs wholly on the schema it started with, and the old composition is closed
 * only once every request that started on it has finished.
 *
 * @example
 * const live = new LiveGateway(first);
 * new ApolloServer({ gateway: live, plugins: [live.plugin] });
 * await live.swap(next); // resolves once the old composition drained and closed
 */
export class LiveGateway<T extends Served = Served> implements GatewayInterface {
  #current: T;
  readonly #listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  /** Requests under way per schema, so an old composition closes only when its last request is done. */
  readonly #inFlight = new WeakMap<GraphQLSchema, { count: number; drained?: () => void }>();
  /** Swaps take turns: a second waits for the first to be live. */
  #swapping: Promise<unknown> = Promise.resolve();

  constructor(initial: T) {
    this.#current = initial;
  }

  get current(): T {
    return this.#current;
  }

  async load(): Promise<GatewayLoadResult> {
    // Apollo hands each request the schema it parsed and validated against: execute on that one. Apollo
    // parses a query text once (its document cache), so an operation that comes back runs compiled.
    const run = compiledRunner();
    const executor: GatewayExecutor = async (request) =>
      run({
        schema: request.schema,
        document: request.document,
        contextValue: request.context,
        variableValues: request.request.variables ?? {},
        operationName: request.operationName ?? null,
      });
    // Apollo learns the schema from the listener it registered before calling load.
    this.#announce(this.#current);
    return { executor };
  }

  #announce(served: T) {
    for (const listener of this.#listeners) listener({ apiSchema: served.schema, coreSupergraphSdl: served.sdl });
  }

  onSchemaLoadOrUpdate(callback: GatewaySchemaLoadOrUpdateCallback): () => void {
    this.#listeners.add(callback);
    return () => this.#listeners.delete(callback);
  }

  async stop(): Promise<void> {
    this.#listeners.clear();
  }

  /**
   * Makes `next` live; the previous composition closes once the requests that started on it finish.
   * Resolves when `next` is live (`closed` resolves when the old one has drained and closed).
   */
  swap(next: T): Promise<{ closed: Promise<void> }> {
    const run = this.#swapping.then(() => {
      const previous = this.#current;
      this.#current = next;
      this.#announce(next);
      const closed = this.#drained(previous.schema).then(() => previous.close());
      return { closed };
    });
    this.#swapping = run.catch(() => undefined);
    return run;
  }

  /** Counts requests per schema (installed in Apollo's plugin list). */
  readonly plugin: ApolloServerPlugin = {
    requestDidStart: async ({ schema }) => {
      const entry = this.#entry(schema);
      entry.count++;
      return {
        willSendResponse: async () => {
          if (--entry.count === 0) entry.drained?.();
        },
      };
    },
  };

  #entry(schema: GraphQLSchema) {
    let entry = this.#inFlight.get(schema);
    if (!entry) this.#inFlight.set(schema, (entry = { count: 0 }));
    return entry;
  }

  #drained(schema: GraphQLSchema): Promise<void> {
    const entry = this.#entry(schema);
    if (entry.count === 0) return Promise.resolve();
    return new Promise((resolve) => {
      entry.drained = resolve;
    });
  }
}
