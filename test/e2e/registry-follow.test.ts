import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { parse as parseYaml } from 'yaml';
import { REGISTRY_CHANNEL } from '../../src/gateway/departments/registry-store.js';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';
import { startHubProcess, type HubProcess } from '../support/hub-process.js';

// Two hub processes on one PostgreSQL database: hub A runs in the test's process, hub B is `huitong
// start` in its own OS process (its own pool, LISTEN connection and HTTP server). A department added,
// disabled and enabled through A's GraphQL API is served by B without a restart (NOTIFY, with polling
// behind it). The department is the onboarding example (examples/urban) on its own PostgreSQL database,
// read through the shipped sql kind, so B needs nothing from this process but the environment.
const postgres = backends.find((b) => b.name === 'postgres');
const root = fileURLToPath(new URL('../../', import.meta.url));
const URBAN = '{ permits(first: 1, filter: { departmentCodes: ["urban"] }) { totalCount } }';
/** The registry promises every process follows a change within 2 s (issue #14, "Many processes"). */
const FOLLOW_BOUND_MS = 2000;

describe.runIf(postgres)('a registry change followed by another hub process (PostgreSQL)', () => {
  let urbanDb: { url: string | undefined; drop(): Promise<void> } | undefined;
  let a: DemoHub | undefined;
  let b: HubProcess | undefined;
  let bDataDir: string | undefined;
  // The test listens too: a change's NOTIFY reaches it at commit, so B's delay is timed from the commit.
  let listener: pg.Client | undefined;
  const commits: number[] = [];
  // The example's spec, its connection read from the environment of each hub (never a URL in the spec).
  const spec = { ...parseYaml(readFileSync(join(root, 'examples/urban/urban.yaml'), 'utf8')), connection: { url: { env: 'URBAN_DB_URL' } } };

  beforeAll(async () => {
    urbanDb = await postgres!.freshUrl();
    const env = { URBAN_DB_URL: urbanDb.url! };
    const setup = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'examples/urban/setup.ts')], {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
    });
    if (setup.status !== 0) throw new Error(`examples/urban/setup.ts failed: ${setup.stderr}`);
    a = await startDemoHub(postgres!, { env });
    listener = new pg.Client({ connectionString: a.databaseUrl! });
    await listener.connect();
    listener.on('notification', (message) => {
      if (message.channel === REGISTRY_CHANNEL) commits.push(performance.now());
    });
    await listener.query(`LISTEN ${REGISTRY_CHANNEL}`);
    bDataDir = mkdtempSync(join(tmpdir(), 'huitong-hub-b-'));
    b = await startHubProcess({
      ...env,
      DATABASE_URL: a.databaseUrl!,
      HUITONG_DATA_DIR: bDataDir,
      HUITONG_DEMO: '1',
      HUITONG_DEMO_SCALE: '0.2',
      HUITONG_SYNC_INTERVAL_MS: '0',
    });
  }, 300_000);
  afterAll(async () => {
    // Each step on its own, so a failed one still lets the child be killed and the databases dropped.
    await b?.stop().catch(() => undefined);
    await listener?.end().catch(() => undefined);
    await a?.stop().catch(() => undefined);
    await urbanDb?.drop().catch(() => undefined);
    if (bDataDir) rmSync(bDataDir, { recursive: true, force: true });
  }, 60_000);

  /** Polls hub B from now until `check` holds; when it first did (performance.now()). */
  const servedAt = async (check: (body: any) => boolean): Promise<number> => {
    const started = performance.now();
    for (;;) {
      const body = await b!.query(URBAN);
      if (check(body)) return performance.now();
      if (performance.now() - started > 60_000) throw new Error(`hub B never followed: ${JSON.stringify(body).slice(0, 300)}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };
  const served = (body: any) => body.data?.permits?.totalCount === 120;
  const unknown = (body: any) => body.errors?.[0]?.extensions?.code === 'BAD_USER_INPUT';

  it('serves a department added, disabled and enabled through hub A, each within 2 s of the commit', async () => {
    expect(b!.child.pid).not.toBe(process.pid);
    expect(unknown(await b!.query(URBAN))).toBe(true);
    const steps: Array<[string, string, Record<string, unknown>, (body: any) => boolean]> = [
      ['add', 'mutation ($spec: JSON!) { addDepartment(spec: $spec) { registration { activeVersion } } }', { spec }, served],
      ['disable', 'mutation { disableDepartment(code: "urban") { enabled } }', {}, unknown],
      ['enable', 'mutation { enableDepartment(code: "urban") { enabled } }', {}, served],
    ];
    const figures: string[] = [];
    for (const [name, mutation, variables, check] of steps) {
      const sent = performance.now();
      // B is watched from the moment the change is asked for: it may follow before A has answered.
      const following = servedAt(check);
      const answer = await a!.query(mutation, variables);
      expect(answer.errors, name).toBeUndefined();
      const answered = performance.now();
      const served = await following;
      const committed = commits.find((t) => t >= sent);
      expect(committed, `no registry notification for ${name}`).toBeDefined();
      const follow = Math.max(0, served - committed!);
      figures.push(`${name} ${Math.round(follow)} ms after the commit (A answered ${Math.round(answered - committed!)} ms after it)`);
      expect(follow, `hub B followed ${name} ${Math.round(follow)} ms after the commit`).toBeLessThan(FOLLOW_BOUND_MS);
    }
    console.info(`hub B (pid ${b!.child.pid}) followed: ${figures.join('; ')}`);
  }, 240_000);
});
