// Hive Gateway (JS, @graphql-hive/gateway 2.15) over the supergraph of the Huitong subgraph services,
// on Node's own HTTP server, as the peer benchmark's Hive target. Every subgraph request carries the
// gateway service token the services require (docs/federation.md). Arguments: the supergraph file and a
// JSON map of subgraph URL to subgraph name (the token's audience).
import { readFileSync } from 'node:fs';
import http from 'node:http';
import { createGatewayRuntime } from '@graphql-hive/gateway';
import { openServiceKeyring } from '../../src/subgraphs/service-keys.js';
import { createServiceTokenIssuer } from '../../src/subgraphs/service-token.js';
import { announce, failed, onStop } from '../targets/ipc.js';

async function main() {
  const supergraph = readFileSync(process.argv[2]!, 'utf8');
  const names = new Map(Object.entries(JSON.parse(process.argv[3]!) as Record<string, string>));
  const issuer = createServiceTokenIssuer(openServiceKeyring(process.env.HUITONG_SERVICE_KEY_FILE ?? ''));
  const gateway = createGatewayRuntime({
    supergraph,
    logging: 'error',
    landingPage: false,
    graphiql: false,
    plugins: () => [
      {
        async onFetch({ url, options, setOptions }) {
          const name = names.get(url);
          if (name)
            setOptions({ ...options, headers: { ...(options.headers as Record<string, string>), authorization: `Bearer ${await issuer.token(name)}` } });
        },
      },
    ],
  });
  const server = http.createServer(gateway);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  onStop(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await gateway.dispose();
  });
  announce({ url: `http://127.0.0.1:${(server.address() as { port: number }).port}/graphql`, callsUrl: '' });
}

main().catch(failed);
