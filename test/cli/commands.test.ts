import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/huitong.js', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'huitong-cli-commands-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** Runs `huitong ARGS` as a user would, on its own data directory, without the caller's settings. */
function huitong(args: string[], env: Record<string, string> = {}, dataDir = join(root, 'data')) {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^(HUITONG_|DATABASE_URL$|PORT$|HOST$|NODE_ENV$)/.test(name)));
  const result = spawnSync(process.execPath, [BIN, ...args], {
    env: { ...clean, HUITONG_DATA_DIR: dataDir, HUITONG_LOG_LEVEL: 'warn', ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('huitong usage', () => {
  it('lists the commands, and shows one command’s help with examples', () => {
    const all = huitong(['--help']);
    expect(all.status).toBe(0);
    for (const command of ['start', 'migrate', 'sync', 'seed', 'keys', 'departments', 'audit', 'subgraph', 'config', 'doctor'])
      expect(all.stdout).toContain(command);
    const seed = huitong(['seed', '--help']);
    expect(seed.status).toBe(0);
    expect(seed.stdout).toMatch(/Usage: huitong seed \[options\][\s\S]*--force[\s\S]*Examples:\n {2}\$ huitong seed/);
    expect(huitong(['keys', 'create', '--help']).stdout).toContain('huitong keys create portal-gov --kind PORTAL');
  });

  it('exits 2 for an unknown command, a missing or bad argument, before any work', () => {
    const dataDir = join(root, 'untouched');
    const unknown = huitong(['frobnicate'], {}, dataDir);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain("huitong: unknown command 'frobnicate'");
    expect(huitong([], {}, dataDir).status).toBe(2);
    const port = huitong(['start', '--port', '99999'], {}, dataDir);
    expect(port.status).toBe(2);
    expect(port.stderr).toContain('a port number, 0–65535, not "99999"');
    expect(huitong(['seed', '--scale', 'lots'], {}, dataDir).stderr).toContain('a positive number, not "lots"');
    expect(huitong(['subgraph'], {}, dataDir).stderr).toContain("missing required argument 'code'");
    expect(huitong(['keys', 'create', 'portal-x'], {}, dataDir).stderr).toContain("required option '--kind <kind>' not specified");
    expect(existsSync(dataDir)).toBe(false);
  });

  it('exits 2 for a bad setting, naming it and the form it accepts, before any work', () => {
    const dataDir = join(root, 'settings');
    const bad = huitong(['migrate'], { HUITONG_DEPARTMENT_DEADLINE_MS: 'abc', HUITONG_CORS_ORIGINS: 'https://portal.example/app' }, dataDir);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('huitong: HUITONG_DEPARTMENT_DEADLINE_MS must be a whole number of milliseconds, at least 1, not "abc"');
    expect(bad.stderr).toContain('huitong: HUITONG_CORS_ORIGINS must be comma-separated origins');
    const url = huitong(['migrate'], { DATABASE_URL: 'mysql://hub:s3cret@db/huitong' }, dataDir);
    expect(url.stderr).toContain('DATABASE_URL must be a PostgreSQL URL');
    expect(url.stderr).not.toContain('s3cret');
    expect(existsSync(dataDir)).toBe(false);
  });

  it('prints the effective settings with secrets masked', () => {
    const shown = huitong(['config'], { DATABASE_URL: 'postgres://hub:s3cret@db:5432/huitong', HUITONG_KEY: 'hk_secret_value', PORT: '4100' });
    expect(shown.status).toBe(0);
    expect(shown.stdout).toMatch(/^PORT +4100 +\[set\]$/m);
    expect(shown.stdout).toMatch(/^HUITONG_DEPARTMENT_DEADLINE_MS +5000$/m);
    expect(shown.stdout).toContain('postgres://hub:****@db:5432/huitong');
    expect(shown.stdout).not.toMatch(/s3cret|hk_secret_value/);
    const json = JSON.parse(huitong(['config', '--json'], { HUITONG_CORS_ORIGINS: 'https://portal.example/' }).stdout);
    expect(json.HUITONG_CORS_ORIGINS).toEqual({ value: 'https://portal.example', source: 'environment' });
  });

  it('explains why seed --scale does nothing over generated data without --force', () => {
    const dataDir = join(root, 'seeded');
    mkdirSync(join(dataDir, 'legacy'), { recursive: true });
    writeFileSync(join(dataDir, 'legacy', '.complete'), '2026-12-01T08:00:00.000Z');
    const seed = huitong(['seed', '--scale', '20'], {}, dataDir);
    expect(seed.status).toBe(2);
    expect(seed.stderr).toContain('was generated already (2026-12-01T08:00:00.000Z); --scale 20 regenerates it only with --force');
    expect(existsSync(join(dataDir, 'hub'))).toBe(false);
  });
});

describe('huitong keys', () => {
  const dataDir = join(root, 'keys');

  it('says in words what it did, and refuses unknown keys, consumers and departments', () => {
    const department = huitong(['keys', 'create', 'app', '--kind', 'DEPARTMENT', '--department', 'nowhere'], {}, dataDir);
    expect(department.status).toBe(2);
    expect(department.stderr).toContain('huitong: no department nowhere in the registry (there are: ');

    const created = huitong(['keys', 'create', 'portal-x', '--kind', 'PORTAL'], {}, dataDir);
    expect(created.status).toBe(0);
    const { keyId } = JSON.parse(created.stdout) as { keyId: string };

    const rotateUnknown = huitong(['keys', 'rotate', 'nobody'], {}, dataDir);
    expect(rotateUnknown.status).toBe(1);
    expect(rotateUnknown.stderr).toContain('no key named nobody');
    expect(rotateUnknown.stderr).not.toMatch(/foreign key|violates/);

    const revokeUnknown = huitong(['keys', 'revoke', 'key_0000000000000000'], {}, dataDir);
    expect(revokeUnknown.status).toBe(1);
    expect(revokeUnknown.stderr).toContain('no key named key_0000000000000000');

    const revoked = huitong(['keys', 'revoke', keyId], {}, dataDir);
    expect(revoked.status).toBe(0);
    expect(revoked.stderr).toContain(`revoked key ${keyId} of portal-x`);
    expect(huitong(['keys', 'revoke', keyId], {}, dataDir).stderr).toContain(`key ${keyId} of portal-x was already revoked`);
  }, 300_000);
});

describe('huitong doctor', () => {
  it('reports each problem with a fix and exits 1', () => {
    const settings = huitong(['doctor'], { HUITONG_LOG_LEVEL: 'loud' }, join(root, 'doctor-settings'));
    expect(settings.status).toBe(1);
    expect(settings.stdout).toMatch(/^✓ node: Node \d+/m);
    expect(settings.stdout).toMatch(/^✗ settings: HUITONG_LOG_LEVEL must be one of .*\n {4}fix: /m);

    const fresh = huitong(['doctor'], { HUITONG_DEMO: '0' }, join(root, 'doctor-fresh'));
    expect(fresh.status).toBe(1);
    expect(fresh.stdout).toMatch(/^✓ lock: .* is free \(no hub running\)$/m);
    expect(fresh.stdout).toMatch(/^✗ database: \d+ migration\(s\) not applied .*\n {4}fix: huitong migrate/m);
  }, 120_000);
});
