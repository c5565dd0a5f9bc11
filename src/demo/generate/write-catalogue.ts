import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DemoDistrict } from './types.js';

/**
 * Writes the bureau's own data as `dir/catalogue.json` = `{ departments, serviceItems,
 * disclosureItems }` (small enough to write in one go).
 *
 * @example
 * const { file } = await writeCatalogue('/tmp/demo', generateDemoDistrict());
 */
export async function writeCatalogue(dir: string, district: DemoDistrict): Promise<{ file: string }> {
  const file = join(dir, 'catalogue.json');
  await writeFile(file, `${JSON.stringify(district.catalogue, null, 2)}\n`, 'utf8');
  return { file };
}
