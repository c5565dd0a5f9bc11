// Child processes of the harness: each in its own process group, with an IPC channel (a child exits
// when the harness goes away), logs to a file, and all of them killed at exit — even on error.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const BENCH_DIR = dirname(dirname(fileURLToPath(import.meta.url)));
export const REPO_DIR = dirname(BENCH_DIR);

export interface Child<Ready = Record<string, unknown>> {
  name: string;
  proc: ChildProcess;
  pid: number;
  ready: Ready;
  logFile: string;
  exited: Promise<void>;
  stop(): Promise<void>;
}

const live = new Set<Child<any>>();

function killGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    try {
      process.kill(pid, signal);
    } catch {
      /* already gone */
    }
  }
}

let installed = false;
function installExitHooks(): void {
  if (installed) return;
  installed = true;
  process.on('exit', () => {
    for (const c of live) killGroup(c.pid, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      process.stderr.write(`\n${signal}: stopping child processes…\n`);
      void stopAll().finally(() => process.exit(130));
    });
  }
}

/**
 * Starts a TypeScript entry (through tsx) as a child in its own process group and waits for its first
 * IPC message `{ ready: true, ... }`; rejects if it exits or stays silent past `readyTimeoutMs`.
 */
export async function startChild<Ready = Record<string, unknown>>(
  name: string,
  entry: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; logDir: string; readyTimeoutMs: number; nodeArgs?: string[] },
): Promise<Child<Ready>> {
  installExitHooks();
  mkdirSync(options.logDir, { recursive: true });
  const logFile = join(options.logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const proc = spawn(process.execPath, [...(options.nodeArgs ?? []), '--import', 'tsx', entry, ...args], {
    cwd: REPO_DIR,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', fd, fd, 'ipc'],
    detached: true,
  });
  closeSync(fd);
  const pid = proc.pid;
  if (pid === undefined) throw new Error(`${name}: spawn failed`);
  const exited = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
  const child: Child<Ready> = {
    name,
    proc,
    pid,
    ready: undefined as Ready,
    logFile,
    exited,
    async stop() {
      live.delete(child);
      if (proc.exitCode !== null || proc.signalCode !== null) return;
      killGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => killGroup(pid, 'SIGKILL'), 8000);
      await exited;
      clearTimeout(timer);
      killGroup(pid, 'SIGKILL'); // anything left in the group
    },
  };
  live.add(child);
  try {
    child.ready = await new Promise<Ready>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${name}: not ready after ${options.readyTimeoutMs} ms (log: ${logFile})`)), options.readyTimeoutMs);
      proc.on('message', (message: any) => {
        if (message?.ready) {
          clearTimeout(timer);
          resolve(message as Ready);
        } else if (message?.failed) {
          clearTimeout(timer);
          reject(new Error(`${name}: ${message.failed} (log: ${logFile})`));
        }
      });
      proc.once('exit', (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`${name}: exited (${code ?? signal}) before ready; log tail:\n${tail(logFile)}`));
      });
    });
  } catch (error) {
    await child.stop();
    throw error;
  }
  return child;
}

/**
 * Sends a target process an IPC message and resolves with its first reply that `isReply` accepts
 * (bench/targets/ipc.ts answers CPU-profile and collection requests).
 *
 * @example
 * const { heapUsedMb } = await askChild(p, { collect: true }, (m) => m.collected === true);
 */
export function askChild<Reply extends Record<string, unknown>>(child: Child, message: object, isReply: (m: Reply) => boolean): Promise<Reply> {
  return new Promise((resolve) => {
    const on = (m: Reply) => {
      if (!m || !isReply(m)) return;
      child.proc.off('message', on);
      resolve(m);
    };
    child.proc.on('message', on);
    child.proc.send(message);
  });
}

export async function stopAll(): Promise<void> {
  await Promise.all([...live].map((c) => c.stop().catch(() => {})));
}

export function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Current and peak resident set size of a process, MB (from /proc; 0 when unreadable). */
export function memoryMb(pid: number): { rss: number; peak: number } {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: 0, peak: 0 };
  }
}

/** Resets the kernel's peak-RSS mark (VmHWM) of a process, so the next reading is the peak since now. */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * A bench script's entry point: exits with what `main` returns (0 for nothing); on an error, says it,
 * stops every child process this script started, and exits 1.
 *
 * @example
 * runMain(main, say);
 */
export function runMain(main: () => Promise<unknown>, say: (message: string) => void): void {
  main().then(
    (code) => process.exit(typeof code === 'number' ? code : 0),
    async (error: unknown) => {
      say(`failed: ${(error as Error).stack ?? String(error)}`);
      await stopAll();
      process.exit(1);
    },
  );
}
