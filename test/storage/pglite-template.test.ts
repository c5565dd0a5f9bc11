import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { useStartTemplates } from '../../src/demo/start-templates.js';
import { openDatabase, usePgliteTemplate } from '../../src/storage/index.js';

const root = mkdtempSync(join(tmpdir(), 'huitong-template-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
afterEach(() => usePgliteTemplate(undefined));

describe('start templates', () => {
  it('starts a new PGlite directory as a copy of the template, and leaves an existing one alone', async () => {
    const template = join(root, 'template');
    const made = await openDatabase<any>({ dir: template });
    await sql`create table made_in_template (n int)`.execute(made.db);
    await made.close();

    usePgliteTemplate(template);
    const fresh = await openDatabase<any>({ dir: join(root, 'fresh') });
    try {
      const { rows } = await sql<{ n: string }>`select count(*) as n from made_in_template`.execute(fresh.db);
      expect(Number(rows[0]!.n)).toBe(0);
    } finally {
      await fresh.close();
    }
    // Reopened, it is its own: what it wrote stays, nothing is copied over it again.
    const again = await openDatabase<any>({ dir: join(root, 'fresh') });
    try {
      await sql`insert into made_in_template values (1)`.execute(again.db);
    } finally {
      await again.close();
    }
    const third = await openDatabase<any>({ dir: join(root, 'fresh') });
    try {
      const { rows } = await sql<{ n: string }>`select count(*) as n from made_in_template`.execute(third.db);
      expect(Number(rows[0]!.n)).toBe(1);
    } finally {
      await third.close();
    }
  });

  it('copies the demo district’s legacy stores into a data directory that has none, at the default scale only', () => {
    const templates = join(root, 'templates');
    mkdirSync(join(templates, 'demo', 'legacy', 'housing'), { recursive: true });
    writeFileSync(join(templates, 'demo', 'legacy', '.complete'), '2026-12-03T00:00:00.000Z');
    writeFileSync(join(templates, 'demo', 'legacy', 'housing', 'housing.json'), '[]');
    expect(useStartTemplates(join(root, 'scaled'), { demoScale: 5 }, templates)).toEqual([]);
    expect(existsSync(join(root, 'scaled', 'legacy'))).toBe(false);
    expect(useStartTemplates(join(root, 'first'), { demoScale: 1 }, templates)).toEqual(['legacy']);
    expect(existsSync(join(root, 'first', 'legacy', 'housing', 'housing.json'))).toBe(true);
    expect(useStartTemplates(join(root, 'first'), { demoScale: 1 }, templates)).toEqual([]);
  });
});
