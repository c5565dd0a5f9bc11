import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRegistrySeed, ensureDemoData } from '../../src/demo/demo-district.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';
import { startSubgraphProcess, type SubgraphProcess } from '../support/subgraph-process.js';

// The market subgraph in its own process exports its spans over OTLP/HTTP to a collector on loopback; the
// gateway's spans (this process) go to an in-memory exporter. PGlite only: spans do not depend on storage.
const backend = backends.find((b) => b.name === 'pglite')!;

interface ReceivedSpan {
  service: string;
  name: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
}

/** A minimal OTLP/HTTP (JSON) trace collector. */
async function startCollector(): Promise<{ url: string; spans: ReceivedSpan[]; close(): Promise<void> }> {
  const spans: ReceivedSpan[] = [];
  const hex = (id: string | undefined) => (!id ? '' : /^[0-9a-f]+$/i.test(id) ? id.toLowerCase() : Buffer.from(id, 'base64').toString('hex'));
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const payload = JSON.parse(body) as { resourceSpans: any[] };
      for (const rs of payload.resourceSpans ?? []) {
        const service = rs.resource?.attributes?.find((a: any) => a.key === 'service.name')?.value?.stringValue ?? '';
        for (const ss of rs.scopeSpans ?? []) {
          for (const s of ss.spans ?? [])
            spans.push({ service, name: s.name, traceId: hex(s.traceId), spanId: hex(s.spanId), parentSpanId: hex(s.parentSpanId) });
        }
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, spans, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('a department subgraph as its own service: traces and metrics', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  let collector: Awaited<ReturnType<typeof startCollector>>;
  let market: SubgraphProcess;
  let hub: DemoHub;
  let dataDir: string;

  beforeAll(async () => {
    provider.register();
    collector = await startCollector();
    dataDir = mkdtempSync(join(tmpdir(), 'huitong-traced-market-'));
    await ensureDemoData(dataDir, { scale: 0.2 });
    market = await startSubgraphProcess('market', dataDir, {
      HUITONG_DEMO_SCALE: '0.2',
      OTEL_EXPORTER_OTLP_ENDPOINT: collector.url,
      // Export within a fraction of a second rather than the default 5 s.
      OTEL_BSP_SCHEDULE_DELAY: '100',
    });
    hub = await startDemoHub(backend, {
      scale: 0.2,
      registry: demoRegistrySeed.map((e) => (e.code === 'market' ? { ...e, url: market.url } : e)),
      serviceKeyFile: market.serviceKeyFile,
    });
  });
  afterAll(async () => {
    await market?.stop();
    await hub?.stop();
    await collector?.close();
    await provider.shutdown();
    trace.disable();
    context.disable();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  });

  it("puts a subgraph service's department call in the trace of the gateway request that caused it", async () => {
    exporter.reset();
    const result = await hub.query(`query TracedPage { permits(first: 10) { nodes { id } } }`);
    expect(result.errors).toBeUndefined();
    const request = exporter.getFinishedSpans().find((s) => s.name === 'graphql query TracedPage')!;
    expect(request).toBeDefined();
    const traceId = request.spanContext().traceId;
    let call: ReceivedSpan | undefined;
    for (let waited = 0; !call && waited < 10_000; waited += 100) {
      call = collector.spans.find((s) => s.traceId === traceId && s.name === 'department market listPermits');
      if (!call) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(call).toBeDefined();
    expect(call!.service).toBe('huitong-market');
    expect(call!.parentSpanId).toBe(request.spanContext().spanId);
  });

  it('serves the metrics of the department calls it makes', async () => {
    expect((await hub.query(`{ permits(first: 5) { nodes { id } } }`)).errors).toBeUndefined();
    const response = await fetch(market.url.replace(/\/graphql$/, '/metrics'));
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toMatch(/huitong_department_call_duration_seconds_count\{department="market",operation="listPermits",outcome="OK"\} [1-9]/);
    expect(text).toContain('huitong_department_circuit_state');
  });
});
