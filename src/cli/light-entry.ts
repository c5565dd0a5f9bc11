// What `huitong departments …` and `huitong identity review …` share: they talk to a running hub over
// HTTP, so they load nothing of the hub, and in demo mode they use the demo steward's key.
import { DEMO_CREDENTIALS } from '../gateway/auth/demo-credentials.js';

interface LightIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  env: Record<string, string | undefined>;
  demoKey?: string;
}

/**
 * The streams and environment of a hub-talking command, with the demo steward's key when the demo
 * district runs (not with HUITONG_DEMO=0 or NODE_ENV=production).
 *
 * @example
 * await runDepartmentsCommand(['list'], lightIo({ stdout: process.stdout, stderr: process.stderr, env: process.env }));
 */
export function lightIo(io: Omit<LightIo, 'demoKey'>): LightIo {
  const demo = !(['0', 'false'].includes(io.env.HUITONG_DEMO ?? '') || io.env.NODE_ENV === 'production');
  const demoKey = demo ? DEMO_CREDENTIALS.find((c) => c.kind === 'STEWARD')?.key : undefined;
  return { stdout: io.stdout, stderr: io.stderr, env: io.env, ...(demoKey ? { demoKey } : {}) };
}
