import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/huitong.js', import.meta.url));

function cluster(env: Record<string, string | undefined>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, 'cluster'], { env: { ...process.env, DATABASE_URL: undefined, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.once('exit', (code) => resolve({ code, stderr }));
  });
}

describe('huitong cluster settings', () => {
  it('refuses to start without a PostgreSQL DATABASE_URL, naming the setting, before starting anything (exit 2)', async () => {
    const missing = await cluster({ PORT: '0' });
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/DATABASE_URL must be a PostgreSQL URL for huitong cluster/);
    expect(missing.stderr).not.toMatch(/ready|pid \d+/);
    const other = await cluster({ PORT: '0', DATABASE_URL: 'mysql://hub@127.0.0.1/huitong' });
    expect(other.code).toBe(2);
    expect(other.stderr).toMatch(/DATABASE_URL must be a PostgreSQL URL/);
  });
});
