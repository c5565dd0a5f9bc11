// `huitong departments …`, started by bin/huitong.js without loading the hub: these commands talk to a
// running hub over HTTP (validate, to one department's system), so they import only what they use —
// loading the whole hub cost about 1.5 s of every command on the 2-core machine.
import { DEMO_CREDENTIALS } from '../gateway/auth/demo-credentials.js';
import { DEPARTMENTS_USAGE, DepartmentsUsageError, runDepartmentsCommand } from './departments.js';

const demo = !(process.env.HUITONG_DEMO === '0' || process.env.NODE_ENV === 'production');
const demoKey = demo ? DEMO_CREDENTIALS.find((c) => c.kind === 'STEWARD')?.key : undefined;

runDepartmentsCommand(process.argv.slice(3), { stdout: process.stdout, stderr: process.stderr, env: process.env, demoKey }).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof DepartmentsUsageError) {
      process.stderr.write(`huitong: ${error.message}\n${DEPARTMENTS_USAGE}\n`);
      process.exitCode = 2;
    } else {
      process.stderr.write(`huitong: ${(error as Error).message}\n`);
      process.exitCode = 1;
    }
  },
);
