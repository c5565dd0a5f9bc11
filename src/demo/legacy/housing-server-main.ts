// CLI: `tsx src/demo/legacy/housing-server-main.ts --file F [--port P] [--host H]`.
// Prints the server's URL as one line on stdout, then serves until SIGTERM or SIGINT.

import { parseArgs } from 'node:util';
import { startHousingServer } from './housing-server.js';

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      file: { type: 'string' },
      port: { type: 'string', default: '0' },
      host: { type: 'string', default: '127.0.0.1' },
    },
  });
  if (values.file === undefined) {
    process.stderr.write('usage: housing-server-main --file housing.json [--port 0] [--host 127.0.0.1]\n');
    process.exit(2);
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    process.stderr.write(`invalid --port ${values.port}\n`);
    process.exit(2);
  }
  const server = await startHousingServer({ file: values.file, host: values.host, port });
  process.stdout.write(`${server.url}\n`);
  const stop = (): void => {
    server.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`housing server failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
