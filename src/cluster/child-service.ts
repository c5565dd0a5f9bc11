import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildService {
  /** A short name for logs (`gateway-1`, `market`). */
  name: string;
  /** What its ready line said: its URL. */
  url: string;
  child: ChildProcess;
  /** Resolves when the process has exited, however. */
  exited: Promise<void>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once it has exited. */
  stop(graceMs?: number): Promise<void>;
}

/**
 * Runs a command as a child process and resolves once a line of its output matches `ready` (the first
 * capture group is its URL). Every line of its standard error goes to `log` with its name in front, so
 * the children's logs read as one. A child that exits or stays silent for `timeoutMs` is stopped and
 * the promise rejects with the tail of what it said.
 *
 * @example
 * const market = await startChildService({ name: 'market', command: process.execPath, args: [bin, 'subgraph', 'market'],
 *   env: { ...process.env, PORT: '0' }, ready: /^(https?:\/\/\S+)$/m, stream: 'stdout', log: (l) => process.stderr.write(l) });
 */
export async function startChildService(options: {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string | undefined>;
  ready: RegExp;
  stream: 'stdout' | 'stderr';
  log: (line: string) => void;
  timeoutMs?: number;
}): Promise<ChildService> {
  const child = spawn(options.command, options.args, { env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async (graceMs = 10_000) => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
    }
  };
  let said = '';
  let pending = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    const text = pending + chunk.toString();
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    for (const line of lines) options.log(`[${options.name}] ${line}\n`);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const fail = (why: string) => {
      clearTimeout(timer);
      void stop().then(() => reject(new Error(`${options.name} ${why}; it said:\n${said.slice(-4000)}`)));
    };
    const timer = setTimeout(() => fail(`was not ready in ${(options.timeoutMs ?? 180_000) / 1000} s`), options.timeoutMs ?? 180_000);
    const watch = (chunk: Buffer) => {
      said = (said + chunk.toString()).slice(-16_000);
      const match = options.ready.exec(said);
      if (match) {
        clearTimeout(timer);
        child.off('exit', onExit);
        resolve(match[1] ?? match[0]);
      }
    };
    const onExit = (status: number | null, signal: string | null) => fail(`exited (${status ?? signal}) before it was ready`);
    child.stdout!.on('data', options.stream === 'stdout' ? watch : () => {});
    if (options.stream === 'stderr') child.stderr!.on('data', watch);
    child.once('exit', onExit);
  });
  return { name: options.name, url, child, exited, stop };
}
