import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

// The walk-through of examples/urban/README.md as a new user runs it: the example's setup, then the
// `huitong departments` commands, each its own process, against a demo hub on the embedded default.
const root = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(root, 'bin/huitong.js');
const pglite = backends.find((b) => b.name === 'pglite')!;

/** Runs a command without blocking this process (the hub under test answers it from here). */
const run = (args: readonly string[], cwd: string) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(process.execPath, [...args], { cwd, env: { ...process.env, HUITONG_DEMO: '1' }, encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) =>
      resolve({ status: error ? Number((error as { code?: unknown }).code ?? 1) : 0, stdout, stderr }),
    );
  });

describe('onboarding the urban example with the huitong departments commands', () => {
  let dir: string;
  let hub: DemoHub;
  let spec: string;
  let applicant: string;
  // `--url` because the test's hub listens on a port of its own; a local `validate` ignores it.
  const huitong = (...args: string[]) => run([BIN, 'departments', ...args, '--url', hub.hub.url], dir);
  const specWith = (name: string, edit: (text: string) => string) => {
    const path = join(dir, name);
    writeFileSync(path, edit(readFileSync(spec, 'utf8')));
    return path;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'huitong-onboarding-'));
    const setup = await run(['--import', 'tsx', join(root, 'examples/urban/setup.ts'), join(dir, 'urban')], root);
    expect(setup.status, setup.stderr).toBe(0);
    applicant = /an applicant to ask about: (\S+)/.exec(setup.stdout)![1]!;
    // The example's own spec, pointed at this test's copy of the system.
    spec = join(dir, 'urban.yaml');
    writeFileSync(
      spec,
      readFileSync(join(root, 'examples/urban/urban.yaml'), 'utf8').replace('url: file:.data/examples/urban', `url: file:${join(dir, 'urban')}`),
    );
    hub = await startDemoHub(pglite, { scale: 1 });
  }, 300_000);
  afterAll(async () => {
    await hub?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('validates, adds, asks, updates, rolls back, disables and enables it', async () => {
    const valid = await huitong('validate', spec);
    expect(valid.status, valid.stderr).toBe(0);
    expect(valid.stdout).toContain('urban: the spec is valid and its system answers');
    // A field the spec leaves out is reported as such, not as blank in every record.
    expect(valid.stdout).toContain('optional fields the spec does not map: permits.fields.actualDays');
    expect(valid.stdout).not.toMatch(/blank permit fields:.*actualDays/);

    const typo = await huitong(
      'validate',
      specWith('typo.yaml', (t) => t.replace('status: ajzt', 'status: azt')),
    );
    expect(typo.status).toBe(1);
    expect(typo.stdout).toContain('urban.permits.fields.status: no column "azt" in table t_xk_aj (did you mean "ajzt"?)');

    const added = await huitong('add', spec);
    expect(added.status, added.stderr).toBe(0);
    expect(added.stderr).toContain('adding urban (checks, then the first identity sync)');
    expect(added.stdout).toContain('urban: version 1 live');
    expect(added.stdout).toMatch(/department API key \(shown once\): ht_/);

    // The hub now owns the PGlite directory: a local check says so and names the way through the hub.
    const locked = await huitong('validate', spec);
    expect(locked.status).toBe(1);
    expect(locked.stdout).toContain('huitong departments validate --hub');
    // Building the example again must not take the directory from under the hub (its lock included).
    const again = await run(['--import', 'tsx', join(root, 'examples/urban/setup.ts'), join(dir, 'urban')], root);
    expect(again.status).toBe(1);
    expect(again.stderr).toContain('is in use by process');
    const viaHub = await huitong('validate', spec, '--hub');
    expect(viaHub.status, viaHub.stderr).toBe(0);
    expect(viaHub.stdout).toContain('urban: the spec is valid and its system answers the hub');

    const asked = await hub.query(
      'query ($id: String!) { applicantByIdentifier(value: $id) { records { department { code } } permits(first: 50) { nodes { department { code } } } } }',
      { id: applicant },
    );
    expect(asked.errors).toBeUndefined();
    const departments = new Set(asked.data.applicantByIdentifier.permits.nodes.map((n: { department: { code: string } }) => n.department.code));
    expect(departments.has('urban')).toBe(true);
    expect(departments.size).toBeGreaterThan(1);

    const updated = await huitong(
      'update',
      specWith('changed.yaml', (t) => t.replace('CH: WITHDRAWN', 'CH: REJECTED')),
    );
    expect(updated.status, updated.stderr).toBe(0);
    expect(updated.stderr).toContain('updating urban (checks)');
    expect(updated.stdout).toContain('urban: version 2 live');
    expect(updated.stdout).toContain('statuses.CH: code CH changes from WITHDRAWN to REJECTED');

    const rolledBack = await huitong('rollback', 'urban');
    expect(rolledBack.stdout).toContain('urban: version 1 live');
    expect((await huitong('disable', 'urban')).stdout).toContain('urban: disabled');
    expect((await huitong('enable', 'urban')).stdout).toContain('urban: enabled');
    const listed = await huitong('list');
    expect(listed.stdout).toMatch(/urban\s+sql\s+enabled\s+v1/);
  }, 300_000);
});
