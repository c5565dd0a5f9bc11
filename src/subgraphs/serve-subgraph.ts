import http from 'node:http';
import { createHandler } from 'graphql-http/lib/use/http';
import type { Subgraph } from './department/department-subgraph.js';

export interface RunningSubgraph {
  url: string;
  close(): Promise<void>;
}

/**
 * Serves one subgraph as its own HTTP service at `/graphql` (GraphQL over HTTP, graphql-http's
 * reference handler). Each request gets its own context object, which is what the subgraphs' per-request
 * loaders key on. The gateway treats it exactly like an in-process subgraph.
 *
 * @example
 * const running = await serveSubgraph(createDepartmentSubgraph(adapter), { host: '127.0.0.1', port: 4101 });
 */
export async function serveSubgraph(subgraph: Subgraph, options: { host?: string; port?: number } = {}): Promise<RunningSubgraph> {
  const handler = createHandler({ schema: subgraph.schema, context: () => ({}) });
  const server = http.createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    if (!req.url?.startsWith('/graphql')) {
      res.writeHead(404).end();
      return;
    }
    handler(req, res).catch(() => {
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as { port: number };
  return {
    url: `http://${options.host ?? '127.0.0.1'}:${port}/graphql`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
