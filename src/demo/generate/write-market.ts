import { sql, type Kysely } from 'kysely';
import { MARKET_INDEXES_DDL, MARKET_TABLES_DDL } from '../legacy/market-ddl.js';
import type { DemoDistrict } from './types.js';

export interface MarketWriteProgress {
  table: 'zt_dm' | 'sqr' | 'xksq';
  written: number;
  total: number;
}

/** Rows per INSERT: 11 columns × 1,000 stays far below PostgreSQL's 65,535 parameters. */
const BATCH = 1000;

async function insertBatches<T extends object>(
  db: Kysely<any>,
  table: MarketWriteProgress['table'],
  rows: readonly T[],
  onProgress?: (p: MarketWriteProgress) => void,
): Promise<void> {
  for (let at = 0; at < rows.length; at += BATCH) {
    const batch = rows.slice(at, at + BATCH);
    await db
      .insertInto(table)
      .values(batch as any[])
      .execute();
    onProgress?.({ table, written: at + batch.length, total: rows.length });
  }
}

/**
 * Creates the market department's legacy tables in an empty PostgreSQL (or PGlite) database and
 * loads the district's rows in batches of 1,000; indexes are built after the load.
 *
 * @example
 * await writeMarket(db, generateDemoDistrict({ seed: 1 }), (p) => console.log(p.table, p.written));
 */
export async function writeMarket(
  db: Kysely<any>,
  district: DemoDistrict,
  onProgress?: (p: MarketWriteProgress) => void,
): Promise<{ applicants: number; permits: number }> {
  for (const stmt of MARKET_TABLES_DDL) await sql.raw(stmt).execute(db);
  await insertBatches(db, 'zt_dm', district.market.statusCodes, onProgress);
  await insertBatches(db, 'sqr', district.market.applicants, onProgress);
  await insertBatches(db, 'xksq', district.market.permits, onProgress);
  for (const stmt of MARKET_INDEXES_DDL) await sql.raw(stmt).execute(db);
  return { applicants: district.market.applicants.length, permits: district.market.permits.length };
}
