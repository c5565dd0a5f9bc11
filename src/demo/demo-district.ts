import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RegistrySeed } from '../gateway/departments/registry-store.js';
import { importCatalogue, type CatalogueData } from '../subgraphs/catalogue/catalogue-import.js';
import { openDatabase, type HubDatabase } from '../storage/index.js';
import type { Kysely } from 'kysely';
import { generateDemoDistrict, writeCatalogue, writeHealthExport, writeHousing, writeMarket } from './generate/index.js';
import { startHousingServer, type HousingServer } from './legacy/housing-server.js';

/** Where each demo department's legacy store lives under the data directory. */
export function demoPaths(dataDir: string) {
  const legacy = join(dataDir, 'legacy');
  return {
    legacy,
    marketDir: join(legacy, 'market'),
    housingFile: join(legacy, 'housing', 'housing.json'),
    healthDir: join(legacy, 'health', 'exports'),
    catalogueFile: join(legacy, 'bureau', 'catalogue.json'),
    complete: join(legacy, '.complete'),
  };
}

/**
 * Generates the demo district's legacy stores once (deterministic for a seed); later calls find the
 * completion marker and do nothing, so restarts reuse the data.
 *
 * @example
 * await ensureDemoData('.data', { scale: 1, onProgress: (m) => process.stderr.write(m + '\n') });
 */
export async function ensureDemoData(
  dataDir: string,
  options: {
    scale?: number;
    seed?: number;
    onProgress?: (message: string) => void;
    /** Rows written so far of every table, for a progress bar. */
    onRows?: (written: number, total: number) => void;
    force?: boolean;
  } = {},
): Promise<{ generated: boolean }> {
  const paths = demoPaths(dataDir);
  if (!options.force && existsSync(paths.complete)) return { generated: false };
  const say = options.onProgress ?? (() => {});
  say(`generating the demo district (scale ${options.scale ?? 1})…`);
  const district = generateDemoDistrict({ ...(options.seed !== undefined ? { seed: options.seed } : {}), scale: options.scale ?? 1 });
  for (const dir of [paths.marketDir, join(paths.legacy, 'housing'), paths.healthDir, join(paths.legacy, 'bureau')]) mkdirSync(dir, { recursive: true });
  const market = await openDatabase<any>({ dir: paths.marketDir });
  try {
    await market.db.schema.dropTable('xksq').ifExists().execute();
    await market.db.schema.dropTable('sqr').ifExists().execute();
    await market.db.schema.dropTable('zt_dm').ifExists().execute();
    const total = district.market.statusCodes.length + district.market.applicants.length + district.market.permits.length;
    const before = { zt_dm: 0, sqr: district.market.statusCodes.length, xksq: district.market.statusCodes.length + district.market.applicants.length };
    await writeMarket(market.db, district, (p) => {
      say(`market: ${p.table} ${p.written}`);
      options.onRows?.(before[p.table] + p.written, total);
    });
  } finally {
    await market.close();
  }
  await writeHousing(join(paths.legacy, 'housing'), district);
  await writeHealthExport(paths.healthDir, district);
  await writeCatalogue(join(paths.legacy, 'bureau'), district);
  writeFileSync(paths.complete, new Date().toISOString());
  say('demo district generated');
  return { generated: true };
}

/**
 * Whether the demo district was generated in this data directory, and when; null when it was not.
 *
 * @example
 * demoDataInfo('.data'); // { generatedAt: '2026-12-03T14:09:21.000Z' }
 */
export function demoDataInfo(dataDir: string): { generatedAt: string | null } | null {
  const { complete } = demoPaths(dataDir);
  if (!existsSync(complete)) return null;
  return { generatedAt: readFileSync(complete, 'utf8').trim() || null };
}

/** A demo department's spec (`src/demo/specs/<code>.yaml`), as the registry stores it. */
export function demoSpec(code: 'market' | 'housing' | 'health'): Record<string, unknown> {
  return parseYaml(readFileSync(new URL(`./specs/${code}.yaml`, import.meta.url), 'utf8')) as Record<string, unknown>;
}

/**
 * The registry the demo district starts with: three departments declared by spec files (their
 * connections refer to environment variables, not values) and the bureau's catalogue.
 */
export const demoRegistrySeed: RegistrySeed = [
  ...(['market', 'housing', 'health'] as const).map((code) => {
    const spec = demoSpec(code);
    return { code, name: String(spec.name), adapterKind: String(spec.kind), spec, url: null };
  }),
  { code: 'bureau', name: '区政务服务数据管理局', adapterKind: 'catalogue', spec: null, url: null },
];

export interface DemoSystems {
  /** The environment with each department's connection filled in: the user's settings win. */
  env: Record<string, string | undefined>;
  housing: HousingServer | null;
  stop(): Promise<void>;
}

/**
 * Starts what the demo departments' systems need — the fake housing API on loopback unless
 * HUITONG_HOUSING_API_URL points elsewhere — and fills the connection variables with demo defaults.
 * The market database defaults to its PGlite directory (`HUITONG_MARKET_DB_URL` as `file:` path).
 */
export async function startDemoSystems(dataDir: string, env: Record<string, string | undefined> = process.env): Promise<DemoSystems> {
  const paths = demoPaths(dataDir);
  const out = { ...env };
  let housing: HousingServer | null = null;
  if (!out.HUITONG_HOUSING_API_URL) {
    housing = await startHousingServer({ file: paths.housingFile, host: '127.0.0.1', port: 0 });
    out.HUITONG_HOUSING_API_URL = housing.url;
  }
  out.HUITONG_MARKET_DB_URL ||= `file:${paths.marketDir}`;
  out.HUITONG_HEALTH_EXPORT_DIR ||= paths.healthDir;
  return { env: out, housing, stop: async () => housing?.close() };
}

/** Loads the demo catalogue (service items, disclosure items, department names) into the hub database. */
export async function seedDemoCatalogue(db: Kysely<HubDatabase>, dataDir: string) {
  const data = JSON.parse(await readFile(demoPaths(dataDir).catalogueFile, 'utf8')) as CatalogueData;
  return importCatalogue(db, data);
}
