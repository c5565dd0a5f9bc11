// The load generator as the harness drives it: autocannon in its own process (load/autocannon-worker.ts),
// one run at a time over IPC.
import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';
import type { RunRequest, RunResult } from '../load/autocannon-worker.js';
import { BENCH_DIR } from './proc.js';

export class LoadGenerator {
  #proc: ChildProcess;
  readonly ready: Promise<void>;
  constructor() {
    this.#proc = fork(join(BENCH_DIR, 'load/autocannon-worker.ts'), [], { execArgv: ['--import', 'tsx'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.ready = new Promise((resolve, reject) => {
      this.#proc.once('message', () => resolve());
      this.#proc.once('exit', (code) => reject(new Error(`load generator exited (${code})`)));
    });
  }
  run(request: Omit<RunRequest, 'type'>): Promise<RunResult> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('load generator run timed out')), (request.durationS + 120) * 1000);
      this.#proc.once('message', (message: { type: string; result?: RunResult; message?: string }) => {
        clearTimeout(timer);
        if (message.type === 'result') resolve(message.result!);
        else reject(new Error(message.message));
      });
      this.#proc.send({ type: 'run', ...request });
    });
  }
  stop() {
    this.#proc.kill('SIGKILL');
  }
}
