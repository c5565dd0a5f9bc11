import { cpSync, existsSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openDatabase, usePgliteTemplate } from '../storage/index.js';
import { demoPaths, ensureDemoData } from './demo-district.js';

/**
 * Where `npm install`'s build step leaves the start templates: `dist/start-templates/` of this checkout
 * (the same folder whether this module runs from src/ through tsx or compiled in dist/).
 */
export const START_TEMPLATES_DIR = fileURLToPath(new URL('../../dist/start-templates/', import.meta.url));

const isEmptyOrMissing = (dir: string) => !existsSync(dir) || readdirSync(dir).length === 0;

/**
 * Builds what a first start would otherwise make at run time, where most of its time went: an
 * initialised, empty PGlite directory (a new one runs initdb, seconds each; a first start opens three:
 * the hub's, the market system's, the health export's store) and the demo district's legacy stores at
 * the default scale (generation is deterministic, so a copy is the same data).
 *
 * @example
 * await buildStartTemplates(); // npm run build:templates
 */
export async function buildStartTemplates(dir: string = START_TEMPLATES_DIR): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  const empty = await openDatabase({ dir: join(dir, 'pglite-empty') });
  await empty.close();
  usePgliteTemplate(join(dir, 'pglite-empty'));
  try {
    await ensureDemoData(join(dir, 'demo'), { scale: 1 });
  } finally {
    usePgliteTemplate(undefined);
  }
}

/**
 * Puts the start templates to use, when they were built: new PGlite directories of this process start
 * from the empty one, and a data directory without the demo district's legacy stores gets a copy of
 * them (default scale only). Returns what it copied.
 *
 * @example
 * useStartTemplates('.data', { demoScale: 1 }); // ['legacy'] on a first start
 */
export function useStartTemplates(dataDir: string, wanted: { demoScale: number | null }, dir: string = START_TEMPLATES_DIR): string[] {
  usePgliteTemplate(join(dir, 'pglite-empty'));
  const template = demoPaths(join(dir, 'demo'));
  const target = demoPaths(dataDir);
  if (wanted.demoScale === 1 && existsSync(template.complete) && isEmptyOrMissing(target.legacy)) {
    cpSync(template.legacy, target.legacy, { recursive: true });
    return ['legacy'];
  }
  return [];
}
