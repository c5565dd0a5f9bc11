import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/huitong.js', import.meta.url));
const dataDir = mkdtempSync(join(tmpdir(), 'huitong-cli-'));
// The embedded default, as `npm start` runs it: no DATABASE_URL.
const env = { ...process.env, HUITONG_DATA_DIR: dataDir, HUITONG_DEMO_SCALE: '0.1', PORT: '0', HUITONG_LOG_LEVEL: 'warn', DATABASE_URL: '' };

afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('the huitong command', () => {
  it('exits 2 with usage for an unknown command and 0 for --help', () => {
    const bad = spawnSync(process.execPath, [BIN, 'frobnicate'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("unknown command 'frobnicate'");
    expect(spawnSync(process.execPath, [BIN, '--help'], { env, encoding: 'utf8' }).status).toBe(0);
  });

  it('starts on PGlite, owns its data directory, and drains and releases it on SIGTERM', async () => {
    const child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 90 s:\n${stderr}`)), 90_000);
      child.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /ready at (http:\/\/\S+)\/graphql/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}:\n${stderr}`)));
    });
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const body = (await (
      await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query":"{ departments { code } }"}' })
    ).json()) as any;
    expect(body.data.departments.map((d: { code: string }) => d.code)).toEqual(['bureau', 'health', 'housing', 'market']);

    // A second process must not open the same PGlite directory: it refuses, clearly.
    const second = spawnSync(process.execPath, [BIN, 'migrate'], { env, encoding: 'utf8' });
    expect(second.status).toBe(1);
    expect(second.stderr).toMatch(/in use by process \d+/);
    // A department's own service cannot open the embedded store the hub serves it from: it says so.
    const subgraph = spawnSync(process.execPath, [BIN, 'subgraph', 'market'], { env, encoding: 'utf8' });
    expect(subgraph.status).toBe(1);
    expect(subgraph.stderr).toMatch(new RegExp(`market's embedded database \\S+ is in use by process ${child.pid} — the running hub`));
    expect(subgraph.stderr).toContain('HUITONG_MARKET_DB_URL=postgres://');
    // The doctor checks a running hub through its HTTP routes, not its (locked) directory.
    const doctor = spawnSync(process.execPath, [BIN, 'doctor'], { env: { ...env, HUITONG_URL: url }, encoding: 'utf8' });
    expect(doctor.stdout).toContain(`✓ lock: a hub runs as process ${child.pid}`);
    expect(doctor.stdout).toMatch(/^✓ database: the running hub at http:\S+ is ready/m);
    expect(doctor.stdout).toMatch(/^✓ department market: answering$/m);
    expect(doctor.status, doctor.stdout).toBe(0);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(existsSync(join(dataDir, 'hub', 'huitong.lock'))).toBe(false);

    // Once the hub has stopped, another command may open the directory.
    const again = spawnSync(process.execPath, [BIN, 'migrate'], { env, encoding: 'utf8' });
    expect(again.status).toBe(0);
  }, 240_000);
});
