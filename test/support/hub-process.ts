import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../../bin/huitong.js', import.meta.url));

export interface HubProcess {
  /** The hub's base URL on loopback (`…/graphql` is its endpoint). */
  url: string;
  child: ChildProcess;
  /** POSTs a GraphQL request as the demo data steward. */
  query<T = any>(
    query: string,
    variables?: Record<string, unknown>,
  ): Promise<{ data?: T; errors?: Array<{ message: string; extensions?: Record<string, any> }> }>;
  /** Sends SIGTERM and waits for exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/**
 * Runs `huitong start` in its own OS process — what an operator runs — with `env` added to this
 * process's environment (PORT 0 and warn-level logs unless `env` says otherwise), and resolves once it
 * prints that it is ready. A process that exits or does not get ready within `readyTimeoutMs` is killed
 * before the promise rejects, so a failed start leaves nothing behind.
 *
 * @example
 * const b = await startHubProcess({ DATABASE_URL: url, HUITONG_DATA_DIR: dir });
 * await b.query('{ viewer { kind } }');
 * await b.stop();
 */
export async function startHubProcess(env: Record<string, string>, { readyTimeoutMs = 180_000 } = {}): Promise<HubProcess> {
  const child = spawn(process.execPath, [BIN, 'start'], {
    env: { ...process.env, PORT: '0', HUITONG_LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  let stderr = '';
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (message: string) => {
      clearTimeout(timer);
      // Keep only the tail: the log may be long, and the reason is at its end.
      void stop().then(() => reject(new Error(`${message}; stderr:\n${stderr.slice(-4000)}`)));
    };
    const timer = setTimeout(() => fail(`huitong start was not ready in ${readyTimeoutMs / 1000} s`), readyTimeoutMs);
    child.stderr!.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-16_000);
      const ready = /huitong ready at (http:\/\/\S+)\/graphql/.exec(stderr);
      if (ready) {
        clearTimeout(timer);
        resolve(ready[1]!);
      }
    });
    child.once('exit', (status, signal) => fail(`huitong start exited (${status ?? signal}) before it was ready`));
  });
  return {
    url,
    child,
    async query(query, variables) {
      const response = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Bearer demo-steward-key' },
        body: JSON.stringify({ query, variables }),
      });
      return response.json() as Promise<any>;
    },
    stop,
  };
}
