// The identity and catalogue subgraphs as HTTP services over one copy of the hub database template —
// what `huitong subgraph identity` and `huitong subgraph catalogue` run, in one process here because a
// PGlite directory has one owner. The peer gateways of `bench/peers.ts` reach them (at /federation).
import { parseArgs } from 'node:util';
import { openDatabase, type HubDatabase } from '../../src/storage/index.js';
import { createCatalogueSubgraph } from '../../src/subgraphs/catalogue/catalogue-subgraph.js';
import { federateIdentity } from '../../src/subgraphs/federation/index.js';
import { createIdentitySubgraph } from '../../src/subgraphs/identity/identity-subgraph.js';
import { DEPARTMENTS } from '../lib/harness.js';
import { serveSubgraph } from '../../src/subgraphs/serve-subgraph.js';
import { openServiceKeyring } from '../../src/subgraphs/service-keys.js';
import { announce, failed, onStop } from './ipc.js';

async function main() {
  const { values } = parseArgs({ options: { 'hub-dir': { type: 'string' } } });
  const database = await openDatabase<HubDatabase>({ dir: values['hub-dir']! });
  const serviceKeys = openServiceKeyring(process.env.HUITONG_SERVICE_KEY_FILE ?? '');
  const identitySubgraph = createIdentitySubgraph(database.db);
  const identity = await serveSubgraph(identitySubgraph, { serviceKeys, federation: federateIdentity(identitySubgraph, DEPARTMENTS) });
  const catalogue = await serveSubgraph(createCatalogueSubgraph(database.db), { serviceKeys });
  onStop(async () => {
    await Promise.all([identity.close(), catalogue.close()]);
    await database.close();
  });
  announce({ url: identity.url, callsUrl: '', identity: identity.federationUrl, catalogue: catalogue.federationUrl });
}

main().catch(failed);
