import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

// A tracer provider with an in-memory exporter, registered globally as `startTracing` would register the
// OTLP one: the hub's spans land here. PGlite only: the spans do not depend on the storage backend.
const backend = backends.find((b) => b.name === 'pglite')!;

describe('tracing', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let h: DemoHub;
  beforeAll(async () => {
    provider.register();
    h = await startDemoHub(backend, { scale: 0.2 });
  });
  afterAll(async () => {
    await h?.stop();
    await provider.shutdown();
    trace.disable();
    context.disable();
  });

  it('records each department call as a child of its request span, in the same trace', async () => {
    exporter.reset();
    const result = await h.query(`query Newest { permits(first: 20) { nodes { id applicant { name } } } }`);
    expect(result.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    const requests = spans.filter((s) => s.name === 'graphql query Newest');
    expect(requests).toHaveLength(1);
    const request = requests[0]!;
    const calls = spans.filter((s) => s.name.startsWith('department '));
    // One listPermits call per department, and the market's count of a total it does not hold yet (its
    // spec declares a freshness bound, so the count goes beside the page, shared with other requests).
    expect(calls.map((s) => s.name).sort()).toEqual([
      'department health listPermits',
      'department housing listPermits',
      'department market countPermits',
      'department market listPermits',
    ]);
    for (const call of calls) {
      expect(call.spanContext().traceId).toBe(request.spanContext().traceId);
      expect(call.parentSpanContext?.spanId).toBe(request.spanContext().spanId);
      expect(call.attributes['huitong.outcome']).toBe('OK');
    }
  });

  it('keeps concurrent requests in their own traces', async () => {
    exporter.reset();
    const results = await Promise.all([1, 2, 3].map((n) => h.query(`query Page${n} { permits(first: ${n * 5}) { nodes { id } } }`)));
    for (const r of results) expect(r.errors).toBeUndefined();
    const spans = exporter.getFinishedSpans();
    for (const n of [1, 2, 3]) {
      const request = spans.find((s) => s.name === `graphql query Page${n}`)!;
      expect(request).toBeDefined();
      const children = spans.filter((s) => s.parentSpanContext?.spanId === request.spanContext().spanId);
      expect(children.map((s) => s.name).sort()).toEqual(['department health listPermits', 'department housing listPermits', 'department market listPermits']);
    }
  });
});
