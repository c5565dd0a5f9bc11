import { openDatabase } from '../../storage/index.js';
import type { AdapterFactory } from '../core/contract.js';
import { MarketConnector } from './connector.js';
import type { MarketLegacyDatabase } from './legacy-types.js';
import { marketMapper } from './mapper.js';

/**
 * The market-supervision system: a relational database with pinyin-abbreviated names.
 * `connection.url` is a PostgreSQL URL; `connection.dir` a PGlite directory (the demo's default).
 *
 * @example
 * const adapter = await createMarketAdapter({ department: 'market', connection: { url: 'postgres://…/market' } });
 */
export const createMarketAdapter: AdapterFactory = async ({ connection }) => {
  let url = typeof connection.url === 'string' ? connection.url : undefined;
  let dir = typeof connection.dir === 'string' ? connection.dir : undefined;
  // `file:<dir>` in the URL variable points at an embedded PGlite directory (the demo's default).
  if (url?.startsWith('file:')) [url, dir] = [undefined, url.slice('file:'.length)];
  if (!url && !dir) throw new Error('market adapter needs connection.url or connection.dir');
  const database = await openDatabase<MarketLegacyDatabase>(url ? { url } : { dir: dir! });
  return { connector: new MarketConnector(database.db, () => database.close()), mapper: marketMapper };
};

export { marketMapper } from './mapper.js';
export { MarketConnector } from './connector.js';
export type { MarketLegacyDatabase, SqrRow, XksqRow } from './legacy-types.js';
