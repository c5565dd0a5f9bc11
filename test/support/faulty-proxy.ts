import http from 'node:http';
import type { Socket } from 'node:net';

/** How the proxy answers: pass through, break the protocol, or die. */
export type FaultMode = 'ok' | 'invalid-json' | 'wrong-types' | 'reset' | 'hang';

/**
 * A legacy system gone bad, on loopback: a proxy in front of a real one whose behaviour a test switches
 * at will — fine, garbage, wrong types, connections dropped, or no answer at all.
 */
export async function startFaultyProxy(target: string) {
  let mode: FaultMode = 'ok';
  const sockets = new Set<Socket>();
  const server = http.createServer(async (req, res) => {
    switch (mode) {
      case 'ok': {
        const upstream = await fetch(`${target}${req.url}`);
        res
          .writeHead(upstream.status, { 'content-type': upstream.headers.get('content-type') ?? 'application/json' })
          .end(Buffer.from(await upstream.arrayBuffer()));
        return;
      }
      case 'invalid-json':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"data":{"total":3,"rows":[{"permitNo":');
        return;
      case 'wrong-types':
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":0,"msg":"ok","data":{"total":"many","rows":"none"}}');
        return;
      case 'reset':
        req.socket.destroy();
        return;
      case 'hang':
        return;
    }
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `http://127.0.0.1:${port}`,
    setMode(next: FaultMode) {
      mode = next;
      if (next === 'reset') for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
