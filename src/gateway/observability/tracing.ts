import { context as otelContext, propagation, trace, SpanStatusCode, type Tracer } from '@opentelemetry/api';
import type { ApolloServerPlugin } from '@apollo/server';
import type { AdapterObserver } from '../../adapters/core/runtime-adapter.js';
import { TRACE_CONTEXT, traceContextOf } from '../../subgraphs/trace-context.js';
import type { HubContext } from '../hub-context.js';

/**
 * Turns OpenTelemetry tracing on when `OTEL_EXPORTER_OTLP_ENDPOINT` is set: an OTLP/HTTP exporter and a
 * span per request and per department call. When it is not set nothing is loaded, and the API's no-op
 * tracer makes every span call free.
 *
 * @example
 * const shutdown = await startTracing(process.env); // later: await shutdown();
 */
export async function startTracing(env: Record<string, string | undefined>): Promise<() => Promise<void>> {
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return async () => {};
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'huitong' }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();
  return () => provider.shutdown();
}

const tracer = (): Tracer => trace.getTracer('huitong');

/**
 * The W3C trace-context headers (`traceparent`) that carry a request's trace to a subgraph service, whose
 * department calls' spans then join it; none when tracing is off.
 *
 * @example
 * buildHTTPExecutor({ endpoint, headers: (request) => traceHeaders(request?.context) });
 */
export function traceHeaders(graphqlContext: unknown): Record<string, string> {
  const parent = traceContextOf(graphqlContext);
  const headers: Record<string, string> = {};
  if (parent) propagation.inject(parent, headers);
  return headers;
}

/**
 * A span per GraphQL request, named after its operation. Its context is left on the request's context
 * (`TRACE_CONTEXT`): in-process subgraphs run their department calls inside it, so those calls' spans are
 * the request span's children; HTTP subgraphs get it as a `traceparent` header (`traceHeaders`).
 */
export const tracingPlugin: ApolloServerPlugin<HubContext> = {
  async requestDidStart({ contextValue }) {
    const span = tracer().startSpan('graphql.request', { attributes: { 'huitong.request_id': contextValue.requestId } });
    // Nothing to carry when tracing is off (the API's no-op span is not recording).
    if (span.isRecording()) (contextValue as unknown as Record<symbol, unknown>)[TRACE_CONTEXT] = trace.setSpan(otelContext.active(), span);
    return {
      async didResolveOperation({ operationName, operation }) {
        span.updateName(`graphql ${operation?.operation ?? 'query'} ${operationName ?? 'anonymous'}`);
      },
      async willSendResponse({ response }) {
        const errors = response.body.kind === 'single' ? response.body.singleResult.errors : undefined;
        if (errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: String(errors[0]?.extensions?.code ?? 'error') });
        span.end();
      },
    };
  },
};

/**
 * A span per department call, recorded when it ends (the runtime reports duration and outcome). Its
 * parent is the active context: the request's span when the call ran inside the request's trace context.
 */
export const tracingObserver: AdapterObserver = {
  call({ department, operation, durationMs, outcome, batchSize, attempts }) {
    const end = Date.now();
    const span = tracer().startSpan(`department ${department} ${operation}`, {
      startTime: end - durationMs,
      attributes: { 'huitong.department': department, 'huitong.batch_size': batchSize, 'huitong.attempts': attempts, 'huitong.outcome': outcome },
    });
    if (outcome !== 'OK') span.setStatus({ code: SpanStatusCode.ERROR, message: outcome });
    span.end(end);
  },
};
