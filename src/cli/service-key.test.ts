import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { runServiceKeyCommand, ServiceKeyUsageError } from './service-key.js';

const dir = mkdtempSync(join(tmpdir(), 'huitong-service-key-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[], flags: { graceSeconds?: string } = {}, file = join(dir, 'keys', 'service-keys.json')) {
  const out = new PassThrough();
  const chunks: string[] = [];
  out.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  const code = runServiceKeyCommand(args, flags, file, out);
  return {
    code,
    lines: chunks
      .join('')
      .trim()
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as Record<string, any>),
  };
}

describe('huitong service-key', () => {
  it('creates the key file, then rotates it keeping the old key for the grace period, and lists keys without secrets', () => {
    const first = run(['rotate']);
    expect(first).toMatchObject({ code: 0, lines: [{ current: expect.stringMatching(/^sk-/), retiring: [], dropped: [] }] });
    const second = run(['rotate'], { graceSeconds: '3600' });
    const retiring = second.lines[0]!.retiring as Array<{ kid: string; retiresAt: string }>;
    expect(retiring.map((r) => r.kid)).toEqual([first.lines[0]!.current]);
    expect(Date.parse(retiring[0]!.retiresAt) - Date.now()).toBeGreaterThan(3500_000);
    const listed = run(['list']).lines;
    expect(listed.map((k) => [k.kid, k.retiresAt === null])).toEqual([
      [first.lines[0]!.current, false],
      [second.lines[0]!.current, true],
    ]);
    expect(listed.every((k) => !('secret' in k))).toBe(true);
    // Nothing printed holds a secret from the file.
    const secrets = (JSON.parse(readFileSync(join(dir, 'keys', 'service-keys.json'), 'utf8')) as { keys: Array<{ secret: string }> }).keys.map((k) => k.secret);
    expect(JSON.stringify([first, second, listed])).not.toMatch(new RegExp(secrets.join('|')));
  });

  it('refuses bad usage', () => {
    expect(() => run(['frobnicate'])).toThrow(ServiceKeyUsageError);
    expect(() => run(['rotate'], { graceSeconds: '-5' })).toThrow(/whole number of seconds/);
    expect(() => run(['list'], {}, join(dir, 'none.json'))).toThrow(/huitong service-key rotate/);
  });
});
