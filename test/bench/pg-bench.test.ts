import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { graphql, type PgStores, prepareData, startHousing, startTarget, type Target } from '../../bench/lib/harness.js';
import { copyName, dropDatabase, readMarker, templateName } from '../../bench/lib/pg-databases.js';
import { type Child, stopAll } from '../../bench/lib/proc.js';
import type { Fixtures } from '../../bench/lib/workloads.js';
import { workloads } from '../../bench/lib/workloads.js';
import { comparable } from '../../bench/lib/comparable.js';

// The benchmark's PostgreSQL mode (`npm run bench -- --postgres URL`) at a tiny scale: preparation makes
// the market, hub and central template databases once (a marker in each one's comment; a second
// preparation reuses all three), and the hub and the central copy, each over its own copies, answer every
// workload with the same data.
const adminUrl = process.env.DATABASE_URL;
const SCALE = 0.05;

async function databases(url: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<{ datname: string }>('select datname from pg_database')).rows.map((r) => r.datname);
  } finally {
    await client.end();
  }
}

if (adminUrl) {
  describe('bench on PostgreSQL (--postgres)', () => {
    const postgres: PgStores = { adminUrl, scale: SCALE };
    const dir = mkdtempSync(join(tmpdir(), 'huitong-pgbench-'));
    const logDir = join(dir, 'logs');
    const say = () => {};
    let fixtures: Fixtures;
    let housing: Child<{ ready: true; url: string }> | undefined;
    const templates = (['market', 'hub', 'central'] as const).map((part) => templateName(SCALE, part));

    /** Each workload's first body as one target answers it: its data, cursors aside. */
    async function answers(target: Target): Promise<Record<string, unknown>> {
      const out: Record<string, unknown> = {};
      for (const w of workloads(fixtures)) {
        const got = await graphql(target.url, w.bodies[0]!, target.headers);
        expect(got.json?.errors, `${w.name} on ${target.name}`).toBeUndefined();
        out[w.name] = comparable(got.json.data);
      }
      return out;
    }

    async function answersOf(name: 'hub-inprocess' | 'central') {
      const target = await startTarget(name, dir, housing!.ready.url, logDir, { postgres });
      try {
        return await answers(target);
      } finally {
        await Promise.all(target.processes.map((p) => p.stop()));
      }
    }

    beforeAll(async () => {
      for (const name of templates) await dropDatabase(adminUrl, name);
      fixtures = (await prepareData(SCALE, logDir, say, { postgres, dir })).fixtures;
      housing = await startHousing(dir, logDir);
    });
    afterAll(async () => {
      await stopAll();
      for (const name of (await databases(adminUrl)).filter((n) => n.startsWith(templateName(SCALE, 'hub').replace(/_hub$/, '_'))))
        await dropDatabase(adminUrl, name);
      rmSync(dir, { recursive: true, force: true });
    });

    it('prepares the market, hub and central templates once, each marked complete, and reuses them', async () => {
      for (const name of templates) expect((await readMarker(adminUrl, name))?.complete, name).toBeTruthy();
      expect(fixtures.applicants.length).toBeGreaterThan(0);
      const again = await prepareData(SCALE, logDir, say, { postgres, dir });
      expect(again.times).toMatchObject({ marketS: 0, syncS: 0, centralS: 0 });
      expect(again.fixtures).toEqual(fixtures);
      // Health's indexed copy of its exports is in the hub template, so every target's copy has it loaded.
      const hubUrl = new URL(adminUrl);
      hubUrl.pathname = `/${templateName(SCALE, 'hub')}`;
      const client = new pg.Client({ connectionString: hubUrl.toString() });
      await client.connect();
      try {
        expect(Number((await client.query('select count(*) as n from csv_health.permits')).rows[0].n)).toBeGreaterThan(0);
      } finally {
        await client.end();
      }
    });

    it('serves every workload from copies of the templates: the hub and the central copy answer the same data', async () => {
      const [hub, central] = await Promise.all([answersOf('hub-inprocess'), answersOf('central')]);
      expect(await databases(adminUrl)).toEqual(
        expect.arrayContaining([copyName(SCALE, 'hub-inprocess', 'hub'), copyName(SCALE, 'hub-inprocess', 'market'), copyName(SCALE, 'central', 'central')]),
      );
      expect(Object.keys(hub)).toEqual(['applicant-360', 'permit-page-200', 'heavy-nested', 'disclosure-search']);
      expect((hub['permit-page-200'] as any).permits.nodes.length).toBeGreaterThan(0);
      expect(hub).toEqual(central);
      // The hub target read health from its database's copy of the store: no embedded store was made.
      const healthDir = join(dir, 'targets', 'hub-inprocess', 'departments', 'health');
      expect([existsSync(healthDir), existsSync(join(healthDir, 'store'))]).toEqual([true, false]);
    });
  });
} else {
  if (process.env.CI) throw new Error('CI runs the bench on PostgreSQL: DATABASE_URL must be set (see .ci/run)');
  describe('bench on PostgreSQL (--postgres)', () => {
    it.todo('not run: set DATABASE_URL (a server the test may create databases on) to run the bench preparation on PostgreSQL');
  });
}
