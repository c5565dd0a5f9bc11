import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backends } from '../support/databases.js';
import { startDemoHub, type DemoHub } from '../support/demo-hub.js';

// A sync that keeps failing leaves the crosswalk stale while the hub serves every department: /readyz
// stays 200 and says so in its body, and /metrics counts it, so an operator sees it before users do.
const backend = backends[0]!;
describe(`an identity sync that keeps failing (${backend.name})`, () => {
  let h: DemoHub;
  beforeAll(async () => {
    h = await startDemoHub(backend, { scale: 0.1 });
  });
  afterAll(async () => {
    await h?.stop();
  });
  const readyz = async () => {
    const response = await fetch(`${h.hub.url}/readyz`);
    return { status: response.status, body: (await response.json()) as { identitySync: Record<string, unknown> } };
  };
  const metric = async (line: RegExp) => Number(line.exec(await (await fetch(`${h.hub.url}/metrics`)).text())?.[1]);

  it('shows in /readyz and /metrics while the hub stays ready, and clears after a good sync', async () => {
    expect((await readyz()).body.identitySync).toMatchObject({ status: 'ok', consecutiveFailures: 0, lastError: null });

    // The crosswalk's identifier table out of reach: every save fails, reading departments still works.
    await sql`alter table applicant_identifiers rename to applicant_identifiers_away`.execute(h.hub.db);
    for (let i = 0; i < 2; i++) await expect(h.hub.sync()).rejects.toThrow(/applicant_identifiers/);
    const failing = await readyz();
    expect(failing.status).toBe(200);
    expect(failing.body.identitySync).toMatchObject({ status: 'failing', consecutiveFailures: 2 });
    expect(String(failing.body.identitySync.lastError)).toMatch(/applicant_identifiers/);
    expect(await metric(/^huitong_identity_sync_failures_total\{outcome="error"\} (\d+)$/m)).toBe(2);
    expect(await metric(/^huitong_identity_sync_consecutive_failures (\d+)$/m)).toBe(2);
    const served = await h.query<{ departments: Array<{ code: string }> }>('{ departments { code } }');
    expect(served.data?.departments.length).toBe(4);

    await sql`alter table applicant_identifiers_away rename to applicant_identifiers`.execute(h.hub.db);
    await h.hub.sync();
    expect((await readyz()).body.identitySync).toMatchObject({ status: 'ok', consecutiveFailures: 0, lastError: null });
    expect(await metric(/^huitong_identity_sync_consecutive_failures (\d+)$/m)).toBe(0);
  });
});
