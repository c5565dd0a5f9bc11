import { join } from 'node:path';
import { openAtomicFile, type AtomicFile } from './atomic-file.js';
import type { DemoDistrict } from './types.js';

/** Objects per write: big enough to be fast, small enough that no giant string is built. */
const CHUNK = 1000;

async function writeArray(f: AtomicFile, rows: readonly object[]): Promise<void> {
  await f.write('[');
  for (let at = 0; at < rows.length; at += CHUNK) {
    const parts: string[] = [];
    for (let i = at; i < Math.min(rows.length, at + CHUNK); i++) parts.push(JSON.stringify(rows[i]));
    await f.write((at === 0 ? '\n' : ',\n') + parts.join(',\n'));
  }
  await f.write('\n]');
}

/**
 * Writes the housing department's data as `dir/housing.json` = `{ units, permits }`, streamed in
 * chunks and renamed into place when complete. The housing server loads this file.
 *
 * @example
 * const { file } = await writeHousing('/tmp/demo', generateDemoDistrict());
 * const server = await startHousingServer({ file });
 */
export async function writeHousing(dir: string, district: DemoDistrict): Promise<{ file: string; units: number; permits: number }> {
  const file = join(dir, 'housing.json');
  const f = openAtomicFile(file);
  try {
    await f.write('{"units":');
    await writeArray(f, district.housing.units);
    await f.write(',"permits":');
    await writeArray(f, district.housing.permits);
    await f.write('}\n');
    await f.commit();
  } catch (e) {
    await f.abort();
    throw e;
  }
  return { file, units: district.housing.units.length, permits: district.housing.permits.length };
}
