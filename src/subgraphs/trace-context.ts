// A request's OpenTelemetry context as it travels on a subgraph's GraphQL context: put there by the
// gateway (in-process subgraphs) or by serve-subgraph.ts from the request's W3C `traceparent` header
// (subgraphs as their own services), so department calls' spans join the request's trace.
import { context as otelContext, propagation, ROOT_CONTEXT, trace, type Context } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';

/** A symbol rather than a field, read by the same key on both sides (subgraphs cannot import the gateway). */
export const TRACE_CONTEXT = Symbol.for('huitong.traceContext');

/** The trace context a GraphQL context carries, if any. */
export const traceContextOf = (context: unknown): Context | undefined => (context as Record<symbol, Context | undefined> | undefined)?.[TRACE_CONTEXT];

/**
 * Runs `run` inside the trace context the GraphQL context carries, if any.
 *
 * @example
 * await traced(contextValue, () => adapter.listPermits(queries));
 */
export function traced<T>(context: object | undefined, run: () => Promise<T>): Promise<T> {
  const parent = traceContextOf(context);
  return parent ? otelContext.with(parent, run) : run();
}

/**
 * A GraphQL context for a request that arrived over HTTP, carrying the caller's trace (its `traceparent`
 * header) when the caller sent one and this process traces.
 *
 * @example
 * createHandler({ schema, context: (req) => contextFromHeaders(req.headers) });
 */
export function contextFromHeaders(headers: IncomingHttpHeaders): Record<symbol, Context> {
  if (!headers.traceparent) return {};
  const remote = propagation.extract(ROOT_CONTEXT, headers);
  return trace.getSpanContext(remote) ? { [TRACE_CONTEXT]: remote } : {};
}
