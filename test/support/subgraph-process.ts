import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rotateServiceKeys } from '../../src/subgraphs/service-keys.js';

const BIN = fileURLToPath(new URL('../../bin/huitong.js', import.meta.url));

export interface SubgraphProcess {
  url: string;
  /** The service-token key file it checks the gateway's tokens with (give it to the hub: `serviceKeyFile`). */
  serviceKeyFile: string;
  child: ChildProcess;
  /** Sends SIGTERM and waits for exit (SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/**
 * Runs `huitong subgraph CODE` in its own process over the demo district in `dataDir` and resolves with
 * the URL it prints on stdout. Its service-token key file (`serviceKeyFile`) is made here first, in
 * `dataDir`, unless `env` names one.
 */
export async function startSubgraphProcess(code: string, dataDir: string, env: Record<string, string> = {}): Promise<SubgraphProcess> {
  const serviceKeyFile = env.HUITONG_SERVICE_KEY_FILE ?? join(dataDir, 'service-keys.json');
  if (!existsSync(serviceKeyFile)) rotateServiceKeys(serviceKeyFile);
  const child = spawn(process.execPath, [BIN, 'subgraph', code], {
    env: {
      ...process.env,
      HUITONG_DATA_DIR: dataDir,
      HUITONG_DEMO: '1',
      PORT: '0',
      HUITONG_LOG_LEVEL: 'warn',
      HUITONG_SERVICE_KEY_FILE: serviceKeyFile,
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`subgraph ${code} printed no URL in 90 s; stderr:\n${stderr}`)), 90_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const line = out.split('\n').find((l) => /^https?:\/\//.test(l.trim()));
      if (line && out.includes('\n')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    child.once('exit', (status) => {
      clearTimeout(timer);
      reject(new Error(`subgraph ${code} exited (${status}) before printing its URL; stderr:\n${stderr}`));
    });
  });
  return {
    url,
    serviceKeyFile,
    child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
