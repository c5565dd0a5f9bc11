import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/gateway/http/trusted-documents.js';

const BIN = fileURLToPath(new URL('../../bin/huitong.js', import.meta.url));
const DEPARTMENTS = 'query Departments { departments { code } }';

// `npm start` reads its rate limits, admission control and trusted documents from the environment: this checks the wiring
// from the environment through the CLI to the HTTP server, which the e2e suites (started in-process) skip.
describe('huitong start with rate limits and trusted documents from the environment', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'huitong-cli-abuse-'));
  const manifest = join(dataDir, 'persisted-documents.json');
  let child: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    writeFileSync(
      manifest,
      JSON.stringify({
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: sha256Hex(DEPARTMENTS), body: DEPARTMENTS, name: 'Departments', type: 'query' }],
      }),
    );
    const env = {
      ...process.env,
      HUITONG_DATA_DIR: dataDir,
      HUITONG_DEMO_SCALE: '0.1',
      PORT: '0',
      HUITONG_LOG_LEVEL: 'warn',
      DATABASE_URL: '',
      HUITONG_RATE_LIMIT_PUBLIC_PER_MINUTE: '3',
      HUITONG_TRUSTED_DOCUMENTS: manifest,
    };
    child = spawn(process.execPath, [BIN, 'start'], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready in 90 s:\n${stderr}`)), 90_000);
      child!.stderr!.on('data', (chunk: Buffer) => {
        stderr += chunk.toString();
        const match = /ready at (http:\/\/\S+)\/graphql/.exec(stderr);
        if (match) {
          clearTimeout(timer);
          resolve(match[1]!);
        }
      });
      child!.once('exit', (code) => reject(new Error(`exited ${code}:\n${stderr}`)));
    });
  });
  afterAll(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  const post = async (body: Record<string, unknown>) => {
    const response = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    return {
      status: response.status,
      retryAfter: response.headers.get('retry-after'),
      json: (await response.json()) as { data?: any; errors?: Array<{ extensions?: { code?: string } }> },
    };
  };

  it('runs only the manifest operations, and limits the public to HUITONG_RATE_LIMIT_PUBLIC_PER_MINUTE', async () => {
    const trusted = await post({ documentId: sha256Hex(DEPARTMENTS) });
    expect(trusted.status).toBe(200);
    expect(trusted.json.data.departments.length).toBeGreaterThan(0);
    const untrusted = await post({ query: '{ departments { code name } }' });
    expect(untrusted.status).toBe(403);
    expect(untrusted.json.errors?.[0]?.extensions?.code).toBe('OPERATION_NOT_TRUSTED');
    expect((await post({ query: DEPARTMENTS })).status).toBe(200);
    const limited = await post({ documentId: sha256Hex(DEPARTMENTS) });
    expect(limited.status).toBe(429);
    expect(Number(limited.retryAfter)).toBeGreaterThanOrEqual(1);
    expect(limited.json.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // The steward is counted on its own, under its own (default) limit.
    const steward = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Bearer demo-steward-key' },
      body: JSON.stringify({ documentId: sha256Hex(DEPARTMENTS) }),
    });
    expect(steward.status).toBe(200);
  });

  it('controls admission by default: /metrics counts GraphQL requests in flight, waiting and shed', async () => {
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^huitong_graphql_in_flight \d+$/m);
    expect(metrics).toMatch(/^huitong_graphql_queued 0$/m);
    expect(metrics).toContain('# TYPE huitong_graphql_shed_total counter');
  });
});
