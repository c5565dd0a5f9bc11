import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/adapters/core/logger.js';
import { listApiKeys, revokeApiKey } from '../../src/gateway/auth/api-keys.js';
import { startHub } from '../../src/gateway/hub.js';

const dir = mkdtempSync(join(tmpdir(), 'huitong-prod-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const options = { hubDataDir: join(dir, 'hub'), port: 0, syncIntervalMs: 0, registrySeed: [], logger: silentLogger };

describe('production mode', () => {
  it('refuses to start while any demo key is live, and starts once they are revoked', async () => {
    const demo = await startHub({ ...options, demoCredentialsDir: dir });
    const written = JSON.parse(readFileSync(join(dir, 'demo-credentials.json'), 'utf8')) as Array<{ key: string }>;
    expect(written.map((c) => c.key)).toEqual(['demo-steward-key', 'demo-portal-key', 'demo-market-key', 'demo-housing-key', 'demo-health-key', 'demo-bureau-key']);
    const keys = await listApiKeys(demo.db);
    await demo.stop();

    await expect(startHub({ ...options, production: true })).rejects.toThrow(/refuses to start while demo keys are live/);

    const hub = await startHub({ ...options, production: false });
    for (const key of keys) await revokeApiKey(hub.db, key.id);
    await hub.stop();
    const production = await startHub({ ...options, production: true });
    expect((await fetch(`${production.url}/readyz`)).status).toBe(200);
    await production.stop();
  });
});
