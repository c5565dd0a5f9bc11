// The demo housing department's fake legacy JSON API as its own process (a legacy system, not part of
// any target): `--port` fixes the port so the soak can stop and restart it at the same URL.
import { parseArgs } from 'node:util';
import { startHousingServer } from '../../src/demo/legacy/housing-server.js';
import { announce, failed, onStop } from './ipc.js';

const { values } = parseArgs({ options: { file: { type: 'string' }, port: { type: 'string', default: '0' } } });
startHousingServer({ file: values.file!, host: '127.0.0.1', port: Number(values.port) }).then((server) => {
  onStop(() => server.close());
  announce({ url: server.url });
}, failed);
