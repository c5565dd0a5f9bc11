// @apollo/gateway 2.14 over the supergraph of the Huitong subgraph services, served by Apollo Server 5
// (its standalone HTTP server), as the peer benchmark's Apollo target. Every subgraph request carries
// the gateway service token the services require (docs/federation.md). Argument: the supergraph file.
import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { openServiceKeyring } from '../../src/subgraphs/service-keys.js';
import { createServiceTokenIssuer } from '../../src/subgraphs/service-token.js';
import { announce, failed, onStop } from '../targets/ipc.js';

async function main() {
  const supergraphSdl = readFileSync(process.argv[2]!, 'utf8');
  const issuer = createServiceTokenIssuer(openServiceKeyring(process.env.HUITONG_SERVICE_KEY_FILE ?? ''));
  const gateway = new ApolloGateway({
    supergraphSdl,
    buildService: ({ name, url }) =>
      new RemoteGraphQLDataSource({
        url,
        async willSendRequest({ request }) {
          request.http?.headers.set('authorization', `Bearer ${await issuer.token(name)}`);
        },
      }),
  });
  const server = new ApolloServer({ gateway });
  const { url } = await startStandaloneServer(server, { listen: { host: '127.0.0.1', port: 0 } });
  onStop(() => server.stop());
  announce({ url, callsUrl: '' });
}

main().catch(failed);
