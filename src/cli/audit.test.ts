import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendAuditEvent, ensureDemoAuditKeys, verifyExport, type AuditEventInput } from '../storage/audit-log/index.js';
import { migrateToLatest, openDatabase, type Database } from '../storage/index.js';
import { readAuditEnv, runAuditCommand } from './audit.js';

function sink() {
  const stream = new PassThrough();
  const chunks: string[] = [];
  stream.on('data', (c: Buffer) => chunks.push(c.toString('utf8')));
  return { stream, text: () => chunks.join('') };
}

const event = (i: number): AuditEventInput => ({
  consumer: 'c_test_portal',
  consumerDepartment: 'tax',
  purpose: 'test purpose',
  operation: { name: 'ApplicantLicences', hash: 'sha256:0' },
  released: [{ department: 'market', clearFields: ['status'], maskedFields: [], recordIds: [`rec_${i}`] }],
  applicantIds: [`ap_test${i}`],
  outcome: 'released',
});

describe('huitong audit', () => {
  let database: Database<any>;
  const dataDir = mkdtempSync(join(tmpdir(), 'huitong-audit-'));
  const keys = ensureDemoAuditKeys(dataDir);
  const env = { HUITONG_AUDIT_SIGNING_KEY_FILE: keys.signingKeyFile, HUITONG_AUDIT_PUBLIC_KEY_FILE: keys.publicKeyFile };
  const run = async (args: string[], overrides: Record<string, string | undefined> = {}) => {
    const out = sink();
    const err = sink();
    const code = await runAuditCommand(args, {
      openHubDatabase: async () => ({ db: database.db, close: async () => {} }),
      env: { ...env, ...overrides },
      stdout: out.stream,
      stderr: err.stream,
    });
    return { code, out: out.text(), err: err.text() };
  };

  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    await migrateToLatest(database.db);
  });
  afterAll(() => database.close());

  it('keeps demo keys outside the database and never replaces them', () => {
    expect(keys.signingKeyFile.startsWith(join(dataDir, 'keys'))).toBe(true);
    expect(ensureDemoAuditKeys(dataDir)).toEqual({ ...keys, created: false });
  });

  it('verifies, checkpoints and exports', async () => {
    for (let i = 1; i <= 4; i++) await appendAuditEvent(database.db, event(i), { hash: 'sm3' });
    const unsigned = await run(['verify']);
    expect(unsigned).toMatchObject({ code: 0 });
    expect(unsigned.out).toMatch(/^OK: 4 events \(seq 1–4\), 0 checkpoints.*4 event\(s\) after the last checkpoint/);
    expect(await run(['checkpoint'])).toMatchObject({ code: 0, out: expect.stringMatching(/^signed seq 4 /) });
    expect((await run(['verify'])).out).toMatch(/^OK: 4 events \(seq 1–4\), 1 checkpoints, last signed at seq 4\n$/);

    const file = join(dataDir, 'export.json');
    const exported = await run(['export', '--from', '2000-01-01T00:00:00Z', '--to', '2999-01-01T00:00:00Z', '--out', file]);
    expect(exported.code).toBe(0);
    expect(verifyExport(readFileSync(file, 'utf8'), readFileSync(keys.publicKeyFile, 'utf8'))).toMatchObject({ ok: true, inRange: 4 });
  });

  it('prints the first broken link and exits 1', async () => {
    await sql`update audit_events set canonical = replace(canonical, 'rec_2', 'rec_9') where seq = 2`.execute(database.db);
    const broken = await run(['verify']);
    expect(broken.code).toBe(1);
    expect(broken.out).toMatch(/^BROKEN at seq 2: content-hash-mismatch/);
  });

  it('reports usage and configuration errors', async () => {
    expect((await run([])).code).toBe(2);
    expect((await run(['frobnicate'])).code).toBe(2);
    expect((await run(['export', '--from', 'yesterday', '--to', '2026-01-01'])).code).toBe(2);
    expect(await run(['verify'], { HUITONG_AUDIT_PUBLIC_KEY_FILE: undefined, HUITONG_AUDIT_SIGNING_KEY_FILE: undefined })).toMatchObject({
      code: 1,
      err: expect.stringMatching(/HUITONG_AUDIT_PUBLIC_KEY_FILE/),
    });
    expect(await run(['prune', '--older-than', new Date().toISOString()])).toMatchObject({ code: 1, err: expect.stringMatching(/younger than 183 days/) });
    expect(() => readAuditEnv({ HUITONG_AUDIT_RETENTION_DAYS: '90' })).toThrow(/at least 183/);
    expect(() => readAuditEnv({ HUITONG_AUDIT_HASH: 'md5' })).toThrow(/sha256 or sm3/);
    expect(readAuditEnv({ HUITONG_AUDIT_HASH: 'sm3', HUITONG_AUDIT_RETENTION_DAYS: '365' })).toMatchObject({ hash: 'sm3', retentionDays: 365 });
  });
});

describe('huitong audit verify --anchor', () => {
  let database: Database<any>;
  const dataDir = mkdtempSync(join(tmpdir(), 'huitong-audit-anchor-'));
  const keys = ensureDemoAuditKeys(dataDir);
  const anchorFile = join(dataDir, 'audit-anchor.jsonl');
  const env = { HUITONG_AUDIT_SIGNING_KEY_FILE: keys.signingKeyFile, HUITONG_AUDIT_PUBLIC_KEY_FILE: keys.publicKeyFile, HUITONG_AUDIT_ANCHOR_FILE: anchorFile };
  const run = async (args: string[], overrides: Record<string, string | undefined> = {}) => {
    const out = sink();
    const err = sink();
    const code = await runAuditCommand(args, {
      openHubDatabase: async () => ({ db: database.db, close: async () => {} }),
      env: { ...env, ...overrides },
      stdout: out.stream,
      stderr: err.stream,
    });
    return { code, out: out.text(), err: err.text() };
  };
  beforeAll(async () => {
    database = await openDatabase({ memory: true });
    await migrateToLatest(database.db);
  });
  afterAll(async () => {
    await database.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('records each checkpoint it signs in the anchor file, and fails once the log no longer reaches it', async () => {
    for (let i = 1; i <= 3; i++) await appendAuditEvent(database.db, event(i));
    expect((await run(['checkpoint'])).code).toBe(0);
    for (let i = 4; i <= 6; i++) await appendAuditEvent(database.db, event(i));
    expect((await run(['checkpoint'])).code).toBe(0);
    expect(
      readFileSync(anchorFile, 'utf8')
        .trim()
        .split('\n')
        .map((l) => JSON.parse(JSON.parse(l).statement).seq),
    ).toEqual([3, 6]);
    expect(await run(['verify', '--anchor', anchorFile])).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^OK: 6 events .*anchor: 2 checkpoints up to seq 6/),
    });

    // The tail and its checkpoint deleted: the database alone still looks fine…
    await sql`delete from audit_event_record_sets where event_seq > 3`.execute(database.db);
    await sql`delete from audit_events where seq > 3`.execute(database.db);
    await sql`delete from audit_checkpoints where seq > 3`.execute(database.db);
    expect((await run(['verify'], { HUITONG_AUDIT_ANCHOR_FILE: undefined })).code).toBe(0);
    // …against the anchor it is not; the configured anchor file is used when no --anchor is given.
    for (const args of [['verify', '--anchor', anchorFile], ['verify']]) {
      const broken = await run(args);
      expect(broken.code).toBe(1);
      expect(broken.out).toMatch(/^BROKEN at seq 4: truncated-before-anchor — the log ends at seq 3, but the anchor holds a checkpoint signed at seq 6/);
    }
    // Wiped: every audit table emptied.
    await sql`delete from audit_event_record_sets`.execute(database.db);
    await sql`delete from audit_events`.execute(database.db);
    await sql`delete from audit_checkpoints`.execute(database.db);
    expect(await run(['verify', '--anchor', anchorFile])).toMatchObject({ code: 1, out: expect.stringMatching(/^BROKEN at seq 1: truncated-before-anchor/) });
  });

  it('fails clearly on an anchor file it cannot read', async () => {
    const missing = join(dataDir, 'nowhere.jsonl');
    expect(await run(['verify', '--anchor', missing])).toMatchObject({ code: 1, err: expect.stringContaining(`cannot read the anchor ${missing}`) });
  });
});
