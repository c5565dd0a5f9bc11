// What `huitong departments …` and `huitong identity review …` share as entries of their own
// (bin/huitong.js starts them without loading the hub): the demo steward's key in demo mode, exit codes,
// a usage error printed with its usage.
import { DEMO_CREDENTIALS } from '../gateway/auth/demo-credentials.js';

interface LightIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  demoKey?: string;
}

/**
 * Runs one hub-talking command with the process's streams and environment and sets the exit code:
 * its own, 2 for a usage error (printed with `usage`), 1 for any other failure.
 *
 * @example
 * runLightCommand((io) => runDepartmentsCommand(process.argv.slice(3), io), DEPARTMENTS_USAGE, DepartmentsUsageError);
 */
export function runLightCommand(run: (io: LightIo) => Promise<number>, usage: string, UsageError: new (...args: never[]) => Error): void {
  const demo = !(process.env.HUITONG_DEMO === '0' || process.env.NODE_ENV === 'production');
  const demoKey = demo ? DEMO_CREDENTIALS.find((c) => c.kind === 'STEWARD')?.key : undefined;
  run({ stdout: process.stdout, stderr: process.stderr, env: process.env, ...(demoKey ? { demoKey } : {}) }).then(
    (code) => {
      process.exitCode = code;
    },
    (error: unknown) => {
      process.stderr.write(`huitong: ${(error as Error).message}\n${error instanceof UsageError ? `${usage}\n` : ''}`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
