import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateDemoDistrict } from './generate-demo-district.js';
import { writeCatalogue } from './write-catalogue.js';
import { writeHousing } from './write-housing.js';

const district = generateDemoDistrict({ seed: 2, scale: 0.7 });
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'huitong-json-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('JSON writers', () => {
  it('writeHousing streams housing.json that parses back to the same units and permits', async () => {
    const { file, units, permits } = await writeHousing(dir, district);
    expect(file).toBe(join(dir, 'housing.json'));
    const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown;
    expect(parsed).toEqual({ units: district.housing.units, permits: district.housing.permits });
    expect([units, permits]).toEqual([district.housing.units.length, district.housing.permits.length]);
  });

  it('writeHousing handles a department with no rows', async () => {
    const empty = { ...district, housing: { units: [], permits: [] } };
    const sub = join(dir, 'empty');
    await mkdir(sub);
    const { file } = await writeHousing(sub, empty);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual({ units: [], permits: [] });
  });

  it('writeCatalogue writes catalogue.json with departments, service items and disclosure items', async () => {
    const { file } = await writeCatalogue(dir, district);
    expect(JSON.parse(await readFile(file, 'utf8'))).toEqual(district.catalogue);
    expect((await readdir(dir)).filter((f) => f.endsWith('.part'))).toEqual([]);
  });
});
