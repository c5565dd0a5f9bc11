import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { AdapterKind, KindContext } from '../core/adapter-kind.js';
import { specMapper } from '../core/spec-mapper.js';
import { CsvConnector, type CsvConnectorOptions } from './csv-connector.js';
import { csvSpecSchema, type CsvSpec } from './csv-spec.js';
import { CsvStore } from './csv-store.js';
import { inspectCsvSpec } from './inspect-export.js';
import { loadPlan } from './load-export.js';
import { openStoreDatabase, storeLocation } from './store-database.js';

/** Bumped when the store's tables change shape, so stores written by an older version load again. */
const STORE_FORMAT = 2;

/**
 * The `csv` kind: departments that drop nightly CSV exports into a folder. The newest complete export is
 * loaded into an indexed store the adapter owns (a PGlite directory under the department's data
 * directory, or a schema in PostgreSQL) and every call is answered there with SQL. See README.md.
 *
 * @example
 * const spec = parseSpecText(readFileSync('src/demo/specs/health.yaml', 'utf8'), { csv: csvKind });
 * const connector = await csvKind.open(spec, { resolve, dataDir: '.data/departments/health', logger });
 */
export const csvKind: AdapterKind<CsvSpec> = {
  name: 'csv',
  schema: csvSpecSchema,
  open: (spec, context) => openCsvConnector(spec, context),
  inspect: (spec, context, signal) => inspectCsvSpec(spec, context, signal),
};

/**
 * Opens a csv department's connector (`csvKind.open`), with options tests use. The store opens at
 * once (a bad store setting fails here); the first export loads in the background, calls wait for it.
 *
 * @example
 * const connector = await openCsvConnector(spec, context, { recheckMs: 0 });
 * await connector.refresh(); // waits for the load
 */
export async function openCsvConnector(spec: CsvSpec, context: KindContext, options: CsvConnectorOptions = {}): Promise<CsvConnector> {
  const dir = context.resolve(spec.connection.dir);
  const url = spec.connection.store?.url === undefined ? undefined : context.resolve(spec.connection.store.url);
  const database = await openStoreDatabase(storeLocation(url, join(context.dataDir, 'store')));
  try {
    const store = await CsvStore.open(database, spec.connection.store?.schema ?? `csv_${spec.code.replace(/-/g, '_')}`);
    if (database.backend === 'pglite') await store.dropAbandonedLoads();
    const plan = loadPlan(spec, specMapper(spec), fingerprintOf(spec));
    const inPlace = await store.summary();
    const connector = new CsvConnector(spec.code, dir, store, plan, context.logger, inPlace?.fingerprint === plan.fingerprint ? inPlace : null, options);
    // Start loading now, so the first call does not pay for it; failures are the calls' to report.
    void connector.refresh().catch(() => undefined);
    return connector;
  } catch (error) {
    await database.close();
    throw error;
  }
}

/** What shapes the stored rows: a change to any of it means loading again. */
function fingerprintOf(spec: CsvSpec): string {
  const { encoding, delimiter, quote, header } = spec.connection;
  const shaping = {
    STORE_FORMAT,
    timeZone: spec.timeZone,
    statuses: spec.statuses,
    serviceItems: spec.serviceItems ?? null,
    permits: spec.permits,
    applicants: spec.applicants,
    encoding,
    delimiter,
    quote,
    header,
  };
  return createHash('sha256').update(JSON.stringify(shaping)).digest('hex').slice(0, 32);
}
