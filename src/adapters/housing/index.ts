import type { AdapterFactory } from '../core/contract.js';
import { HousingConnector } from './connector.js';
import { housingMapper } from './mapper.js';

/**
 * The housing department's system: a JSON-over-HTTP API with numeric codes and `YYYYMMDD` dates.
 * `connection.url` is its base URL (`HUITONG_HOUSING_API_URL`); credentials in it are sent as Basic
 * auth and never appear in an error message.
 *
 * @example
 * const adapter = await createHousingAdapter({ department: 'housing', connection: { url: 'http://10.0.0.5:8080/' } });
 */
export const createHousingAdapter: AdapterFactory = async ({ connection }) => {
  const url = typeof connection.url === 'string' ? connection.url.trim() : '';
  if (!url) throw new Error('housing adapter needs connection.url (HUITONG_HOUSING_API_URL)');
  return { connector: new HousingConnector(url), mapper: housingMapper };
};

export { housingMapper } from './mapper.js';
export { HousingApiError, HousingConnector, type HousingConnectorOptions } from './connector.js';
export { housingStatusCodes } from './status-codes.js';
export type { HPermit, HousingEnvelope, Unit } from './legacy-types.js';
